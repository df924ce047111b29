//! The whole site through the edge, as readers and editors use it: an empty
//! newsroom, an editor signing in and publishing through the forms, readers
//! reading through Varnish and holding streams through Pushpin.

use std::time::{Duration, Instant};

use awc::http::StatusCode;
use futures_util::StreamExt;

use super::servers::EdgeServers;
use crate::editor_session::EditorSession;
use crate::helpers::{Page, TestApp, read_raw};

const KEY: &str = "site-edge-key";

/// How soon a reader through the edge must see a publish.
const FRESH_WITHIN: Duration = Duration::from_secs(1);

/// newsdesk on an empty database behind Varnish and Pushpin, configured as
/// `deploy/run-edge.sh` tells an operator to, with a shared-cache lifetime of
/// an hour: every request of `app` (pages, forms) goes through the edge.
/// Without `purging`, newsdesk is not told where the cache is.
async fn newsroom_behind_edge(purging: bool) -> (TestApp, EdgeServers) {
    let mut edge = None;
    let mut app = TestApp::spawn_with(|config| {
        let servers = EdgeServers::start_blocking(config.bind.parse().unwrap(), KEY);
        if purging {
            config.purge_url = vec![servers.purge_url()];
        }
        config.shared_max_age = Some(3600);
        config.grip_url = Some(servers.grip_url());
        config.trusted_proxy = vec!["127.0.0.1".parse().unwrap()];
        edge = Some(servers);
    })
    .await;
    let edge = edge.expect("the edge started");
    app.address = edge.public_url();
    (app, edge)
}

/// An editor signed in through the edge, with a live story made through the
/// desk's form and one update in it; returns the story's slug.
async fn live_story<'a>(app: &'a TestApp) -> (EditorSession<'a>, String) {
    let desk = app.sign_in("desk").await;
    let slug = desk
        .create_story(
            "Picket lines form at both hospitals",
            "Doctors walked out at 7am.",
        )
        .await;
    publish(
        &desk,
        &slug,
        "The first picket is up outside the infirmary.",
    )
    .await;
    (desk, slug)
}

async fn publish(desk: &EditorSession<'_>, slug: &str, text: &str) {
    let page = desk
        .publish_update(slug, &[("body", text), ("kind", "update")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

fn x_cache(page: &Page) -> Option<String> {
    page.header("x-cache")
}

/// Fetches `path` through the edge until it shows `text`; how long that took
/// from `since`, or `None` if it did not within `limit`.
async fn seen_within(
    app: &TestApp,
    path: &str,
    text: &str,
    since: Instant,
    limit: Duration,
) -> Option<Duration> {
    loop {
        if app.get_page(path).await.body.contains(text) {
            return Some(since.elapsed());
        }
        if since.elapsed() > limit {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Publishes through the desk and measures when a reader through the cache
/// sees it on the story page and in its feed, both cached before.
async fn freshness(purging: bool) -> (Option<Duration>, Option<Duration>) {
    let (app, edge) = newsroom_behind_edge(purging).await;
    let (desk, slug) = live_story(&app).await;
    let page = format!("/news/{slug}");
    let feed = format!("/news/{slug}/feed.xml");
    for path in [&page, &feed] {
        app.get_page(path).await;
        let again = app.get_page(path).await;
        assert_eq!(
            x_cache(&again),
            Some("HIT".to_owned()),
            "{path}: {}",
            edge.logs()
        );
    }

    let published = Instant::now();
    publish(&desk, &slug, "Cancellations reach four hundred.").await;
    let limit = FRESH_WITHIN * 3;
    let on_page = seen_within(&app, &page, "four hundred", published, limit).await;
    let in_feed = seen_within(&app, &feed, "four hundred", published, limit).await;
    (on_page, in_feed)
}

#[actix_web::test]
async fn a_reader_through_the_cache_sees_a_new_update_within_a_second() {
    let (on_page, in_feed) = freshness(true).await;
    assert!(
        on_page.is_some_and(|t| t < FRESH_WITHIN),
        "page: {on_page:?}"
    );
    assert!(
        in_feed.is_some_and(|t| t < FRESH_WITHIN),
        "feed: {in_feed:?}"
    );
}

/// The same run without purges: the cache keeps the pages it holds, so the
/// freshness above is the purge's doing, not a short lifetime's.
#[actix_web::test]
async fn without_purges_the_cache_keeps_showing_the_old_page() {
    let (on_page, in_feed) = freshness(false).await;
    assert_eq!((on_page, in_feed), (None, None));
}

#[actix_web::test]
async fn a_second_reader_is_answered_by_the_cache_and_polling_goes_through_it_too() {
    let (app, edge) = newsroom_behind_edge(true).await;
    let (desk, slug) = live_story(&app).await;
    for path in [
        "/".to_owned(),
        format!("/news/{slug}"),
        "/feed.xml".to_owned(),
    ] {
        let first = app.get_page(&path).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let second = app.get_page(&path).await;
        assert_eq!(x_cache(&second), Some("HIT".to_owned()), "{path}");
        assert_eq!(second.body, first.body, "{path}");
        assert!(
            second.header("xkey").is_none(),
            "keys stay between newsdesk and the cache"
        );
    }

    // Polling readers share the cache's answer to the same cursor...
    let cursor = app.cursor(&slug).await;
    let poll = format!("/news/{slug}/updates?after={cursor}");
    assert_eq!(app.get_page(&poll).await.body, "");
    assert_eq!(x_cache(&app.get_page(&poll).await), Some("HIT".to_owned()));
    // ...and a publish reaches them at once.
    publish(&desk, &slug, "The union will speak at noon.").await;
    let answer = app.get_page(&poll).await;
    assert!(answer.body.contains("speak at noon"), "{}", edge.logs());
}

#[actix_web::test]
async fn an_editors_session_never_reaches_the_cache() {
    let (app, edge) = newsroom_behind_edge(true).await;
    let (desk, slug) = live_story(&app).await;
    for _ in 0..2 {
        let admin = desk.get("/admin").await;
        assert_eq!(admin.status, StatusCode::OK);
        assert_ne!(
            x_cache(&admin),
            Some("HIT".to_owned()),
            "the desk is never stored"
        );
        assert_eq!(
            admin.header("cache-control").as_deref(),
            Some("private, no-store")
        );
    }
    // What an editor reads is what any reader gets, from the same object:
    // the cache strips the cookie rather than storing a page per session.
    let as_editor = desk.get(&format!("/news/{slug}")).await;
    let as_reader = app.get_page(&format!("/news/{slug}")).await;
    assert_eq!(
        x_cache(&as_reader),
        Some("HIT".to_owned()),
        "{}",
        edge.logs()
    );
    assert_eq!(as_reader.body, as_editor.body);
    for page in [&as_editor, &as_reader] {
        assert!(page.headers.get("set-cookie").is_none());
        assert!(!page.body.contains(&desk.csrf));
    }
    // A reader asking for the desk is sent to sign in, whatever the editor did.
    let desk_for_reader = app.get_page("/admin").await;
    assert_eq!(desk_for_reader.status, StatusCode::SEE_OTHER);
    assert!(!desk_for_reader.body.contains(&desk.csrf));
}

#[actix_web::test]
async fn a_thousand_readers_cost_the_origin_one_request_per_purge() {
    let (app, edge) = newsroom_behind_edge(true).await;
    let (desk, slug) = live_story(&app).await;
    let url = format!("{}/news/{slug}", edge.varnish_url());
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(60))
        .finish();
    let fetch_all = || async {
        let fetches = (0..1000).map(|_| {
            let request = client.get(&url).insert_header(("Accept-Encoding", "gzip"));
            async move {
                let mut response = request.send().await.expect("Varnish answers");
                assert_eq!(response.status(), StatusCode::OK);
                response.body().limit(1 << 22).await.expect("a body");
            }
        });
        futures_util::future::join_all(fetches).await;
    };
    for round in 0..2 {
        publish(&desk, &slug, &format!("Round {round}: the picket grows.")).await;
        let before = settled_counter(&edge, "MAIN.backend_req").await;
        fetch_all().await;
        let fetched = settled_counter(&edge, "MAIN.backend_req").await - before;
        assert_eq!(
            fetched, 1,
            "round {round}: origin requests for 1,000 readers"
        );
    }
}

/// A Varnish counter once it stops moving (it is updated just after each answer).
async fn settled_counter(edge: &EdgeServers, name: &str) -> u64 {
    let mut last = edge.varnish_counter(name);
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = edge.varnish_counter(name);
        if now == last {
            return now;
        }
        last = now;
    }
}

/// A reader's live stream, read as it arrives.
struct Stream {
    body: std::pin::Pin<
        Box<
            dyn futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>>,
        >,
    >,
    received: String,
}

impl Stream {
    async fn open(app: &TestApp, slug: &str, last_event: Option<i64>) -> Stream {
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(60))
            .finish();
        let mut request = client.get(app.url(&format!("/news/{slug}/events")));
        if let Some(cursor) = last_event {
            request = request.insert_header(("Last-Event-ID", cursor.to_string()));
        }
        let response = request.send().await.expect("the stream opens");
        assert_eq!(response.status(), StatusCode::OK);
        Stream {
            body: Box::pin(response),
            received: String::new(),
        }
    }

    /// Reads until `text` arrived; how long that took.
    async fn until(&mut self, text: &str, limit: Duration) -> Duration {
        let start = Instant::now();
        while !self.received.contains(text) {
            let left = limit.saturating_sub(start.elapsed());
            let chunk = tokio::time::timeout(left, self.body.next())
                .await
                .unwrap_or_else(|_| panic!("{text:?} within {limit:?}; got {:?}", self.received))
                .expect("the stream stays open")
                .expect("a chunk");
            self.received.push_str(&String::from_utf8_lossy(&chunk));
        }
        start.elapsed()
    }
}

#[actix_web::test]
async fn a_stream_held_by_pushpin_gets_publishes_edits_and_deletions_within_a_second() {
    let (app, edge) = newsroom_behind_edge(true).await;
    let (desk, slug) = live_story(&app).await;
    let story = app.story(&slug).await;
    let mut stream = Stream::open(&app, &slug, None).await;
    stream.until(": connected", FRESH_WITHIN).await;
    assert_eq!(
        app.room.live.subscribers(story.id),
        0,
        "newsdesk holds nothing"
    );

    let started = Instant::now();
    publish(&desk, &slug, "Ambulances are getting through.").await;
    stream.until("getting through", FRESH_WITHIN).await;
    let update = stream
        .received
        .rfind("event: update")
        .expect("an update event");
    let id = stream.received[..update]
        .rsplit("id: ")
        .next()
        .and_then(|rest| rest.lines().next())
        .and_then(|id| id.trim().parse::<i64>().ok())
        .expect("the update's cursor");
    assert_eq!(id, app.cursor(&slug).await);
    assert!(started.elapsed() < FRESH_WITHIN * 2, "{}", edge.logs());

    let update_id = latest_update(&app, story.id).await;
    app.edit(
        &slug,
        update_id,
        "Ambulances are getting through both gates.",
        1,
    )
    .await;
    stream.until("event: edit", FRESH_WITHIN).await;
    stream.until("both gates", FRESH_WITHIN).await;
    app.delete(&slug, update_id, 1).await;
    stream
        .until(&format!("event: delete\ndata: {update_id}\n"), FRESH_WITHIN)
        .await;
}

async fn latest_update(app: &TestApp, story_id: i64) -> i64 {
    let mut conn = app.room.db.acquire().await.unwrap();
    newsdesk::db::updates::newest(&mut conn, story_id, 1)
        .await
        .unwrap()[0]
        .id
}

#[actix_web::test]
async fn a_reader_reconnecting_through_pushpin_is_replayed_what_it_missed() {
    let (app, _edge) = newsroom_behind_edge(true).await;
    let (desk, slug) = live_story(&app).await;
    let seen = app.cursor(&slug).await;
    // Away (a tunnel, a lift) while two updates go out.
    publish(&desk, &slug, "Talks are set for Thursday.").await;
    publish(&desk, &slug, "The health secretary responds.").await;
    let mut stream = Stream::open(&app, &slug, Some(seen)).await;
    stream.until("secretary responds", FRESH_WITHIN).await;
    let thursday = stream.received.find("set for Thursday").expect("the first");
    let secretary = stream.received.find("secretary responds").unwrap();
    assert!(thursday < secretary, "in order");
    assert!(!stream.received.contains("first picket"), "nothing it had");
    // And it keeps receiving from where the replay ended.
    publish(&desk, &slug, "Pickets stand down for the night.").await;
    stream.until("stand down", FRESH_WITHIN).await;
    assert_eq!(stream.received.matches("event: update").count(), 3);
}

#[actix_web::test]
async fn varnish_keeps_a_brotli_and_a_gzip_variant_each_served_to_the_readers_that_accept_it() {
    let (app, edge) = newsroom_behind_edge(true).await;
    let (desk, slug) = live_story(&app).await;
    let client = awc::Client::default();
    let fetch = |base: String, accept: &'static str| {
        read_raw(
            client
                .get(format!("{base}/news/{slug}"))
                .insert_header(("Accept-Encoding", accept))
                .no_decompress(),
        )
    };
    // Each client's header, and the coding Varnish's normalised header gets.
    let readers = [
        ("gzip, deflate, br, zstd", Some("br")),
        ("gzip;q=1, BR;q=0.5", Some("br")),
        ("br", Some("br")),
        ("gzip, deflate", Some("gzip")),
        ("br;q=0, gzip", Some("gzip")),
        ("identity", None),
        ("deflate", None),
    ];
    let mut first_tags = std::collections::BTreeMap::new();
    let before = settled_counter(&edge, "MAIN.backend_req").await;
    for round in 0..2 {
        let mut bodies = Vec::new();
        for (accept, coding) in readers {
            let response = fetch(edge.varnish_url(), accept).await;
            assert_eq!(response.status, StatusCode::OK, "{}", edge.logs());
            let sent = response
                .header("content-encoding")
                .filter(|c| c != "identity");
            assert_eq!(sent.as_deref(), coding, "{accept}");
            assert_eq!(response.header("vary").as_deref(), Some("Accept-Encoding"));
            let tag = response.header("etag").unwrap();
            // One stored object per coding, each with its own tag.
            assert_eq!(
                first_tags.entry(coding).or_insert_with(|| tag.clone()),
                &tag,
                "{accept}"
            );
            if round == 1 {
                assert_eq!(
                    response.header("x-cache").as_deref(),
                    Some("HIT"),
                    "{accept}"
                );
            }
            bodies.push(response.decoded());
        }
        assert!(bodies.iter().all(|body| *body == bodies[0]));
        if round == 0 {
            let fetched = settled_counter(&edge, "MAIN.backend_req").await - before;
            assert_eq!(fetched, 3, "one origin request per coding");
        }
    }
    let tags: std::collections::BTreeSet<&String> = first_tags.values().collect();
    assert_eq!(tags.len(), 3, "{first_tags:?}");

    // Pushpin asks Varnish for every coding and decodes what it gets:
    // its readers get the same bytes, uncompressed.
    let through_pushpin = fetch(edge.public_url(), "gzip, br").await;
    let plain = fetch(edge.varnish_url(), "identity").await.decoded();
    assert_eq!(through_pushpin.decoded(), plain);

    // A publish purges every variant: each coding brings the new page.
    publish(&desk, &slug, "Pickets now at the city hospital too.").await;
    let brotli = fetch(edge.varnish_url(), "br").await.decoded();
    let gzip = fetch(edge.varnish_url(), "gzip").await.decoded();
    assert_eq!(brotli, gzip);
    assert!(
        String::from_utf8(brotli)
            .unwrap()
            .contains("Pickets now at the city hospital too.")
    );
}
