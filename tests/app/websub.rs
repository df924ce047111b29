//! WebSub: feeds advertise the configured hub, and every publish pings it in
//! the background. The hub here is a fake one on a local port that records
//! what it is sent.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use newsdesk::websub::WebSub;

use crate::feeds::{ATOM, LIVE, RSS, SITE, fetch_feed, link_href};
use crate::helpers::{TestApp, demo_content, plain_update};

/// What the fake hub was sent, and how many more pings it will fail.
#[derive(Default)]
struct HubLog {
    pings: Mutex<Vec<Ping>>,
    failures_left: AtomicUsize,
}

/// One ping's form fields, and whether the hub took it (answered 204, not 500).
#[derive(Debug, Clone)]
struct Ping {
    fields: Vec<(String, String)>,
    accepted: bool,
}

impl Ping {
    fn field(&self, name: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    }
}

/// A local WebSub hub that records every ping and fails the first `failures`.
struct FakeHub {
    url: String,
    log: web::Data<HubLog>,
}

impl FakeHub {
    async fn start(failures: usize) -> FakeHub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        let url = format!("http://{}/hub", listener.local_addr().unwrap());
        let log = web::Data::new(HubLog {
            failures_left: AtomicUsize::new(failures),
            ..HubLog::default()
        });
        let state = log.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .route("/hub", web::post().to(receive))
        })
        .workers(1)
        .listen(listener)
        .expect("hub listens")
        .run();
        actix_web::rt::spawn(server);
        FakeHub { url, log }
    }

    /// Waits (ten seconds at most) until the hub has taken a ping for every
    /// one of `feeds`, then returns every ping it had, taken or failed.
    async fn wait_for(&self, feeds: &BTreeSet<String>) -> Vec<Ping> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let pings = self.log.pings.lock().unwrap().clone();
            let pinged: BTreeSet<String> = pings
                .iter()
                .filter(|p| p.accepted)
                .filter_map(|p| p.field("hub.url"))
                .collect();
            if feeds.is_subset(&pinged) {
                return pings;
            }
            assert!(
                Instant::now() < deadline,
                "hub pinged for {pinged:?}, not all of {feeds:?}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn receive(log: web::Data<HubLog>, form: web::Form<Vec<(String, String)>>) -> HttpResponse {
    let failing = log
        .failures_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    log.pings.lock().unwrap().push(Ping {
        fields: form.into_inner(),
        accepted: !failing,
    });
    if failing {
        HttpResponse::InternalServerError().finish()
    } else {
        HttpResponse::NoContent().finish()
    }
}

/// The app, with the demo content, configured to ping `hub`.
async fn app_with_hub(hub: &str) -> TestApp {
    let hub = hub.to_owned();
    let app = TestApp::spawn_with(|config| config.websub_hub = Some(hub)).await;
    app.import_at_start(&demo_content()).await;
    app
}

/// Every feed that shows the live story.
fn live_story_feeds() -> BTreeSet<String> {
    [
        "/feed.xml",
        "/atom.xml",
        "/news/{LIVE}/feed.xml",
        "/news/{LIVE}/atom.xml",
    ]
    .into_iter()
    .map(|path| path.replace("{LIVE}", LIVE))
    .chain(
        ["doctors-strike", "health", "huddersfield"]
            .map(|topic| format!("/topics/{topic}/feed.xml")),
    )
    .map(|path| format!("{SITE}{path}"))
    .collect()
}

#[actix_web::test]
async fn feeds_advertise_the_hub_and_themselves() {
    let hub = FakeHub::start(0).await;
    let app = app_with_hub(&hub.url).await;
    for (path, content_type) in [
        ("/feed.xml".to_owned(), RSS),
        ("/atom.xml".to_owned(), ATOM),
        (format!("/news/{LIVE}/feed.xml"), RSS),
        (format!("/news/{LIVE}/atom.xml"), ATOM),
        ("/topics/health/feed.xml".to_owned(), RSS),
    ] {
        let feed = fetch_feed(&app, &path, content_type).await;
        assert_eq!(
            link_href(&feed.links, "hub").as_deref(),
            Some(hub.url.as_str()),
            "{path}"
        );
        assert_eq!(
            link_href(&feed.links, "self"),
            Some(format!("{SITE}{path}")),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn without_a_hub_feeds_advertise_none() {
    let app = TestApp::with_demo_content().await;
    let feed = fetch_feed(&app, "/feed.xml", RSS).await;
    assert_eq!(link_href(&feed.links, "hub"), None);
    assert_eq!(
        link_href(&feed.links, "self").as_deref(),
        Some("https://news.example/feed.xml")
    );
}

#[actix_web::test]
async fn publishing_an_update_pings_the_hub_for_every_feed_that_shows_it() {
    let hub = FakeHub::start(0).await;
    let app = app_with_hub(&hub.url).await;
    assert!(
        hub.log.pings.lock().unwrap().is_empty(),
        "importing pings nothing"
    );
    app.publish(
        LIVE,
        plain_update("Talks to resume."),
        "2016-01-12T19:00:00Z".parse().unwrap(),
    )
    .await;

    let pings = hub.wait_for(&live_story_feeds()).await;
    for ping in &pings {
        assert_eq!(
            ping.field("hub.mode").as_deref(),
            Some("publish"),
            "{ping:?}"
        );
    }
    assert_eq!(
        pings.len(),
        live_story_feeds().len(),
        "one ping per feed: {pings:?}"
    );
}

#[actix_web::test]
async fn a_failing_hub_is_retried_and_never_fails_the_publish() {
    let hub = FakeHub::start(3).await;
    let app = app_with_hub(&hub.url).await;
    let started = Instant::now();
    app.publish(
        LIVE,
        plain_update("Talks to resume."),
        "2016-01-12T19:00:00Z".parse().unwrap(),
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the publish did not wait for the hub"
    );

    let pings = hub.wait_for(&live_story_feeds()).await;
    assert_eq!(pings.iter().filter(|p| !p.accepted).count(), 3);
    assert_eq!(
        pings.len(),
        live_story_feeds().len() + 3,
        "each failed ping was tried again"
    );
}

#[actix_web::test]
async fn a_hub_that_is_down_never_fails_the_publish() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hub", closed.local_addr().unwrap());
    drop(closed);
    let app = app_with_hub(&url).await;
    let started = Instant::now();
    app.publish(
        LIVE,
        plain_update("Talks to resume."),
        "2016-01-12T19:00:00Z".parse().unwrap(),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        app.get_page(&format!("/news/{LIVE}/feed.xml"))
            .await
            .body
            .contains("Talks to resume.")
    );
}

#[actix_web::test]
async fn a_hub_url_the_pinger_cannot_reach_is_refused_at_start() {
    for url in ["https://hub.example/", "not a url", "/relative"] {
        assert!(
            WebSub::start(Some(url), "https://news.example").is_err(),
            "{url}"
        );
    }
    assert_eq!(
        WebSub::start(None, "https://news.example").unwrap().hub(),
        None
    );
}
