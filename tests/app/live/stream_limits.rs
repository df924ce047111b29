//! `GET /news/{slug}/events` under load: streams per client address and in
//! total are bounded, and a closed stream gives its slot back.

use std::time::Duration;

use awc::http::StatusCode;
use chrono::Utc;

use crate::helpers::{TestApp, plain_update};

/// A stream's answer; dropping it closes the connection.
struct Stream {
    status: StatusCode,
    retry_after: Option<u64>,
    _connection: Box<dyn std::any::Any>,
}

/// The app behind a proxy on loopback, so each test client can be a
/// different address, with the given stream limits; returns the story's slug.
async fn app_with_limits(per_address: usize, total: Option<usize>) -> (TestApp, String) {
    let app = TestApp::spawn_with(|config| {
        config.trusted_proxy = vec!["127.0.0.1".parse().unwrap()];
        config.max_streams_per_address = per_address;
        config.max_streams = total;
    })
    .await;
    let editor = app.create_editor("sarah").await;
    let slug = app.create_story("Pickets at the infirmary", editor).await;
    (app, slug)
}

impl TestApp {
    /// Opens the story's stream as the client at `address`.
    async fn open_stream_from(&self, slug: &str, address: &str) -> Stream {
        // A client of its own: a connection per stream, as browsers' tabs do.
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(5))
            .finish();
        let response = client
            .get(self.url(&format!("/news/{slug}/events")))
            .insert_header(("X-Forwarded-For", address))
            .send()
            .await
            .expect("answered");
        let retry_after = response.headers().get("retry-after");
        Stream {
            status: response.status(),
            retry_after: retry_after.map(|v| v.to_str().unwrap().parse().unwrap()),
            _connection: Box::new(response),
        }
    }
}

#[actix_web::test]
async fn one_address_holds_only_its_share_of_streams() {
    let (app, slug) = app_with_limits(2, None).await;
    let mut open = Vec::new();
    for _ in 0..2 {
        let stream = app.open_stream_from(&slug, "203.0.113.5").await;
        assert_eq!(stream.status, StatusCode::OK);
        open.push(stream);
    }
    let refused = app.open_stream_from(&slug, "203.0.113.5").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.retry_after.is_some_and(|s| s > 0));
    let neighbour = app.open_stream_from(&slug, "198.51.100.7").await;
    assert_eq!(neighbour.status, StatusCode::OK);
}

#[actix_web::test]
async fn closing_a_stream_frees_its_slot() {
    let (app, slug) = app_with_limits(1, None).await;
    let first = app.open_stream_from(&slug, "203.0.113.5").await;
    assert_eq!(first.status, StatusCode::OK);
    let refused = app.open_stream_from(&slug, "203.0.113.5").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    drop(first);
    // The server notices a closed connection when it next writes to it: an
    // update, or the heartbeat every 15 seconds.
    for n in 0..100 {
        app.publish(&slug, plain_update(&format!("Update {n}.")), Utc::now())
            .await;
        let again = app.open_stream_from(&slug, "203.0.113.5").await;
        if again.status == StatusCode::OK {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the closed stream's slot was never given back");
}

#[actix_web::test]
async fn the_total_is_bounded_whatever_the_addresses() {
    let (app, slug) = app_with_limits(0, Some(2)).await;
    let first = app.open_stream_from(&slug, "203.0.113.1").await;
    let second = app.open_stream_from(&slug, "203.0.113.2").await;
    assert_eq!(
        (first.status, second.status),
        (StatusCode::OK, StatusCode::OK)
    );
    let refused = app.open_stream_from(&slug, "203.0.113.3").await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(refused.retry_after.is_some_and(|s| s > 0));
}

#[actix_web::test]
async fn without_a_per_address_limit_one_address_may_open_many() {
    let (app, slug) = app_with_limits(0, None).await;
    let mut open = Vec::new();
    for _ in 0..40 {
        let stream = app.open_stream_from(&slug, "127.0.0.1").await;
        assert_eq!(stream.status, StatusCode::OK);
        open.push(stream);
    }
}
