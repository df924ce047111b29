//! When the cache or the push proxy is away: the editor's write never waits
//! for them or fails because of them, what they missed is retried, and
//! `/healthz` stays 200 while saying who does not answer.

use std::net::TcpListener;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use awc::http::StatusCode;

use crate::helpers::TestApp;

/// What a fake cache was told, and how many more purges it will fail.
#[derive(Default)]
struct Purges {
    /// The `xkey` header of every purge it took.
    taken: Mutex<Vec<String>>,
    failures_left: AtomicUsize,
}

/// A cache that answers `PURGE` as Varnish does, failing the first ones.
async fn fake_cache(failures: usize) -> (String, web::Data<Purges>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let purges = web::Data::new(Purges {
        failures_left: AtomicUsize::new(failures),
        ..Purges::default()
    });
    let state = purges.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .default_service(web::to(purge))
    })
    .workers(1)
    .listen(listener)
    .expect("the fake cache listens")
    .run();
    actix_web::rt::spawn(server);
    (url, purges)
}

async fn purge(req: HttpRequest, purges: web::Data<Purges>) -> HttpResponse {
    let keys = req
        .headers()
        .get("xkey")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if keys == "newsdesk-probe" {
        return HttpResponse::Ok().body("Purged 0");
    }
    let failing = purges
        .failures_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if failing {
        return HttpResponse::ServiceUnavailable().finish();
    }
    purges.taken.lock().unwrap().push(keys.to_owned());
    HttpResponse::Ok().body("Purged 1")
}

/// An address where nothing listens.
fn nobody_listening() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}/")
}

#[actix_web::test]
async fn a_failing_cache_is_retried_and_the_editor_never_waits_for_it() {
    let (cache, purges) = fake_cache(2).await;
    let app = TestApp::spawn_with(|config| config.purge_url = vec![cache]).await;
    let desk = app.sign_in("desk").await;
    let slug = desk.create_story("Talks collapse", "No agreement.").await;
    let story = app.story(&slug).await;
    let started = Instant::now();
    let page = desk
        .publish_update(&slug, &[("body", "Union walks out."), ("kind", "update")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    let wanted = format!("story-{}", story.id);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !purges
        .taken
        .lock()
        .unwrap()
        .iter()
        .any(|keys| keys.split(' ').any(|key| key == wanted))
    {
        assert!(
            Instant::now() < deadline,
            "the purge was retried until taken"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(purges.failures_left.load(Ordering::SeqCst), 0);
    let health = app.get_page("/healthz").await;
    assert!(health.body.contains("answering"), "{}", health.body);
}

#[actix_web::test]
async fn with_the_cache_and_the_push_proxy_down_the_site_serves_and_says_so() {
    let cache = nobody_listening();
    let proxy = format!("{}?iss=pushpin&key=secret", nobody_listening());
    let app = TestApp::spawn_with(|config| {
        config.purge_url = vec![cache];
        config.grip_url = Some(proxy);
    })
    .await;
    let desk = app.sign_in("desk").await;
    let slug = desk.create_story("Talks collapse", "No agreement.").await;
    let page = desk
        .publish_update(&slug, &[("body", "Union walks out."), ("kind", "update")])
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "the write is not refused"
    );
    assert!(
        app.get_page(&format!("/news/{slug}"))
            .await
            .body
            .contains("Union walks out.")
    );

    // A cache probing /healthz must not take the origin out over them...
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let health = app.get_page("/healthz").await;
        assert_eq!(health.status, StatusCode::OK);
        // ...but an operator reading it learns who does not answer.
        if health.body.matches("FAILING").count() == 2 {
            assert!(health.body.starts_with("ok\n"), "{}", health.body);
            assert!(health.body.contains("cache http://127.0.0.1:"));
            assert!(health.body.contains("push proxy http://127.0.0.1:"));
            assert!(!health.body.contains("secret"), "the key stays out of it");
            break;
        }
        assert!(Instant::now() < deadline, "{}", health.body);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
