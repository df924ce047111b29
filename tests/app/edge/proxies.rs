//! The edge of deploy/: Pushpin and Varnish in front of an origin, started by
//! deploy/run-edge.sh as an operator starts them. These tests check the
//! edge's own configuration: what it caches, purges, signs and holds.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use awc::http::{Method, StatusCode};
use futures_util::StreamExt;

use super::servers::EdgeServers;
use crate::helpers::TestApp;

const KEY: &str = "edge-test-key";

/// The address a `TestApp` serves on.
fn origin_of(app: &TestApp) -> SocketAddr {
    app.address
        .trim_start_matches("http://")
        .parse()
        .expect("a socket address")
}

/// A response as the reader got it.
struct Reply {
    status: StatusCode,
    headers: awc::http::header::HeaderMap,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn request(method: &str, url: &str, headers: &[(&str, &str)]) -> Reply {
    let client = awc::Client::builder().disable_redirects().finish();
    let mut request = client.request(Method::from_bytes(method.as_bytes()).unwrap(), url);
    for (name, value) in headers {
        request = request.insert_header((*name, *value));
    }
    let mut response = request.send().await.expect("request sent");
    let body = response
        .body()
        .limit(16 * 1024 * 1024)
        .await
        .expect("body read");
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

async fn get(url: &str) -> Reply {
    request("GET", url, &[]).await
}

#[actix_web::test]
async fn the_site_comes_through_pushpin_and_varnish_which_caches_what_may_be_cached() {
    let app = TestApp::with_demo_content().await;
    let edge = EdgeServers::start(origin_of(&app), KEY).await;

    let front = get(&format!("{}/", edge.public_url())).await;
    assert_eq!(front.status, StatusCode::OK, "{}", edge.logs());
    assert!(front.body.contains("</html>"));
    assert!(front.header("X-Cache").is_some(), "Varnish answered");

    let css = format!("{}/static/site.css", edge.public_url());
    let first = get(&css).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header("X-Cache"), Some("MISS"));
    let again = get(&css).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.header("X-Cache"), Some("HIT"));
    assert!(again.header("Age").is_some());
    assert_eq!(again.body, first.body);
    // Varnish adds a request's counts to its totals just after answering.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while edge.varnish_counter("MAIN.cache_hit") < 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "Varnish counts the hit"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        edge.varnish_counter("MAIN.backend_req") >= 2,
        "the front page and the CSS"
    );

    // The same object, asked of Varnish directly: the cache key is the URL
    // (whatever the Host), and the variant is the one for Pushpin's HTTP
    // client, which accepts br and gzip whatever the reader accepts.
    let direct = request(
        "GET",
        &format!("{}/static/site.css", edge.varnish_url()),
        &[("Accept-Encoding", "gzip, deflate, br")],
    )
    .await;
    assert_eq!(direct.header("X-Cache"), Some("HIT"));
}

/// An origin whose answers a test controls, for what newsdesk does not send yet.
struct Stub {
    /// Responses served so far, per path.
    served: Mutex<Vec<String>>,
    /// The status of `/page` answers.
    status: AtomicU16,
    /// The request headers of every live-stream request.
    stream_requests: Mutex<Vec<awc::http::header::HeaderMap>>,
    pages: AtomicUsize,
}

impl Stub {
    fn served(&self, path: &str) -> usize {
        self.served
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }
}

async fn stub_origin() -> (SocketAddr, Arc<Stub>) {
    let stub = Arc::new(Stub {
        served: Mutex::new(Vec::new()),
        status: AtomicU16::new(200),
        stream_requests: Mutex::new(Vec::new()),
        pages: AtomicUsize::new(0),
    });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let data = web::Data::from(stub.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .default_service(web::to(stub_answer))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    (address, stub)
}

async fn stub_answer(req: HttpRequest, stub: web::Data<Stub>) -> HttpResponse {
    let path = req.path().to_owned();
    stub.served.lock().unwrap().push(path.clone());
    if path == "/healthz" {
        return HttpResponse::Ok().body("ok");
    }
    if let Some(name) = path.strip_prefix("/keyed/") {
        // As newsdesk names a page's surrogate keys.
        let keys = format!("story-{name} front");
        return HttpResponse::Ok()
            .insert_header(("Cache-Control", "public, max-age=0, s-maxage=600"))
            .insert_header(("xkey", keys.as_str()))
            .insert_header(("Surrogate-Key", keys.as_str()))
            .body(format!("{path} #{}", stub.served(&path)));
    }
    if path == "/page" {
        let n = stub.pages.fetch_add(1, Ordering::SeqCst) + 1;
        let status = StatusCode::from_u16(stub.status.load(Ordering::SeqCst)).unwrap();
        return HttpResponse::build(status)
            .insert_header((
                "Cache-Control",
                "public, max-age=0, s-maxage=1, stale-while-revalidate=60",
            ))
            .body(format!("page #{n}"));
    }
    if path.ends_with("/events") {
        stub.stream_requests
            .lock()
            .unwrap()
            .push(req.headers().clone());
        // A GRIP hold, as newsdesk answers a stream request behind Pushpin.
        return HttpResponse::Ok()
            .content_type("text/event-stream")
            .insert_header(("Grip-Hold", "stream"))
            .insert_header(("Grip-Channel", "story-edge"))
            .body(": opened\n\n");
    }
    HttpResponse::NotFound().finish()
}

#[actix_web::test]
async fn a_purge_by_surrogate_key_empties_exactly_what_carries_the_key() {
    let (origin, stub) = stub_origin().await;
    let edge = EdgeServers::start(origin, KEY).await;
    let page = |name: &str| format!("{}/keyed/{name}", edge.public_url());

    assert_eq!(get(&page("a")).await.header("X-Cache"), Some("MISS"));
    assert_eq!(get(&page("b")).await.header("X-Cache"), Some("MISS"));
    let cached = get(&page("a")).await;
    assert_eq!(cached.header("X-Cache"), Some("HIT"));
    assert_eq!(cached.body, "/keyed/a #1");
    assert_eq!(cached.header("xkey"), None, "keys are for the cache only");
    assert_eq!(cached.header("Surrogate-Key"), None);

    // As newsdesk purges: PURGE / with the keys that changed, to --purge-url.
    let purged = request("PURGE", &edge.purge_url(), &[("xkey", "story-a story-z")]).await;
    assert_eq!(purged.status, StatusCode::OK, "{}", purged.body);
    assert_eq!(purged.body.trim(), "Purged 1");
    // Hard purge: the next reader waits for the new page, never sees the old.
    let fresh = get(&page("a")).await;
    assert_eq!(fresh.header("X-Cache"), Some("MISS"));
    assert_eq!(fresh.body, "/keyed/a #2");
    assert_eq!(get(&page("b")).await.header("X-Cache"), Some("HIT"));

    let purged = request("PURGE", &edge.purge_url(), &[("xkey", "front")]).await;
    assert_eq!(purged.body.trim(), "Purged 2");
    assert_eq!(stub.served("/keyed/b"), 1);
    assert_eq!(get(&page("b")).await.body, "/keyed/b #2");

    // Readers reach Varnish only through Pushpin, from 127.0.0.1 too: refused.
    let from_reader = request(
        "PURGE",
        &format!("{}/", edge.public_url()),
        &[("xkey", "front")],
    )
    .await;
    assert_eq!(from_reader.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&page("b")).await.header("X-Cache"), Some("HIT"));
    let without_keys = request("PURGE", &edge.purge_url(), &[]).await;
    assert_eq!(without_keys.status, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn an_error_from_the_origin_does_not_replace_a_cached_page() {
    let (origin, stub) = stub_origin().await;
    let edge = EdgeServers::start(origin, KEY).await;
    let url = format!("{}/page", edge.public_url());
    assert_eq!(get(&url).await.body, "page #1");

    stub.status.store(500, Ordering::SeqCst);
    // Past its s-maxage (1 s), within its stale-while-revalidate (60 s):
    // served stale while Varnish fetches again in the background, and that
    // fetch's 500 is dropped.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for _ in 0..3 {
        let stale = get(&url).await;
        assert_eq!(stale.status, StatusCode::OK);
        assert_eq!(stale.body, "page #1");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        stub.pages.load(Ordering::SeqCst) >= 2,
        "Varnish asked again"
    );

    stub.status.store(200, Ordering::SeqCst);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while get(&url).await.body == "page #1" {
        assert!(std::time::Instant::now() < deadline, "the new page arrives");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_web::test]
async fn pushpin_signs_what_it_forwards_and_holds_streams_that_newsdesk_publishes_to() {
    let (origin, stub) = stub_origin().await;
    let edge = EdgeServers::start(origin, KEY).await;

    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    let stream = client
        .get(format!("{}/news/some-story/events", edge.public_url()))
        .insert_header(("X-Forwarded-For", "203.0.113.9"))
        .send()
        .await
        .expect("stream opens");
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(
        stream.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    for (name, _) in stream.headers() {
        assert!(
            !name.as_str().starts_with("grip-"),
            "Pushpin keeps GRIP headers from readers: {name}"
        );
    }

    // What the origin got: a Grip-Sig it can verify with the key of its
    // --grip-url, and the reader's address in X-Forwarded-For.
    let seen = stub.stream_requests.lock().unwrap()[0].clone();
    let sig = seen.get("grip-sig").expect("a Grip-Sig").to_str().unwrap();
    let claims = verified_jwt_claims(sig, KEY.as_bytes()).expect("signed with the key");
    assert!(claims.contains(r#""iss":"pushpin""#), "{claims}");
    assert!(claims.contains(r#""exp":"#), "{claims}");
    assert_eq!(
        seen.get("x-forwarded-for").unwrap(),
        "203.0.113.9, 127.0.0.1, 127.0.0.1",
        "Pushpin appends the reader's address, Varnish Pushpin's"
    );

    // A publish, as newsdesk sends it to its --grip-url: the GRIP URL less
    // its query is the endpoint, under which Pushpin takes POST /publish/.
    let grip_url = edge.grip_url();
    let (endpoint, query) = grip_url.split_once("/?").unwrap();
    assert_eq!(query, format!("iss=pushpin&key={KEY}"));
    let item = serde_json::json!({"items": [{
        "channel": "story-edge",
        "id": "7",
        "formats": {"http-stream": {"content": "id: 7\nevent: update\ndata: hello\n\n"}}
    }]});
    let published = client
        .post(format!("{endpoint}/publish/"))
        .send_json(&item)
        .await
        .expect("publish sent");
    assert_eq!(published.status(), StatusCode::OK);

    let mut body = Box::pin(stream);
    let mut received = String::new();
    while !received.contains("data: hello\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), body.next())
            .await
            .unwrap_or_else(|_| panic!("the published event within 5 s; got {received:?}"))
            .expect("stream still open")
            .expect("chunk read");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(received.starts_with(": opened\n\n"), "{received:?}");
    assert!(received.contains("id: 7\nevent: update\n"), "{received:?}");
}

/// The claims of an HS256 JWT whose signature `key` verifies.
fn verified_jwt_claims(token: &str, key: &[u8]) -> Option<String> {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use hmac::{Hmac, KeyInit, Mac};
    let (signed, signature) = token.rsplit_once('.')?;
    let (_header, claims) = signed.split_once('.')?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).ok()?;
    mac.update(signed.as_bytes());
    mac.verify_slice(&URL_SAFE_NO_PAD.decode(signature).ok()?)
        .ok()?;
    String::from_utf8(URL_SAFE_NO_PAD.decode(claims).ok()?).ok()
}
