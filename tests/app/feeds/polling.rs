//! Cheap polling: validators, 304s and `Cache-Control` on every feed and sitemap.

use awc::http::StatusCode;
use chrono::{DateTime, Duration};

use super::LIVE;
use crate::helpers::{TestApp, plain_update};

const POLLED: [&str; 7] = [
    "/feed.xml",
    "/atom.xml",
    "/news/junior-doctors-strike-live/feed.xml",
    "/news/junior-doctors-strike-live/atom.xml",
    "/topics/health/feed.xml",
    "/sitemap.xml",
    "/sitemap-news.xml",
];

/// An HTTP date a day before `date`.
fn day_before(date: &str) -> String {
    let date = DateTime::parse_from_rfc2822(date).expect("an HTTP date") - Duration::days(1);
    date.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[actix_web::test]
async fn every_feed_and_sitemap_answers_a_matching_validator_with_304() {
    let app = TestApp::with_demo_content().await;
    for path in POLLED {
        let first = app.get_page(path).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let etag = first.header("etag").expect("an ETag");
        let modified = first.header("last-modified").expect("a Last-Modified");
        let cache = first.header("cache-control");
        assert_eq!(
            cache.as_deref(),
            Some("public, max-age=60, stale-while-revalidate=300"),
            "{path}"
        );

        let by_tag = app.get_with(path, &[("If-None-Match", &etag)]).await;
        assert_eq!(
            (by_tag.status, by_tag.body.as_str()),
            (StatusCode::NOT_MODIFIED, ""),
            "{path}"
        );
        assert_eq!(by_tag.header("etag"), Some(etag.clone()));
        assert_eq!(by_tag.header("last-modified"), Some(modified.clone()));
        let by_date = app
            .get_with(path, &[("If-Modified-Since", &modified)])
            .await;
        assert_eq!(by_date.status, StatusCode::NOT_MODIFIED, "{path}");

        let older = app
            .get_with(path, &[("If-Modified-Since", &day_before(&modified))])
            .await;
        assert_eq!(
            older.status,
            StatusCode::OK,
            "{path}: changed since the day before"
        );
        let tag_wins = app
            .get_with(
                path,
                &[
                    ("If-None-Match", "\"other\""),
                    ("If-Modified-Since", &modified),
                ],
            )
            .await;
        assert_eq!(
            tag_wins.status,
            StatusCode::OK,
            "{path}: If-None-Match decides when both are sent"
        );
    }
}

#[actix_web::test]
async fn a_new_update_gives_its_feeds_a_new_etag_and_last_modified() {
    let app = TestApp::with_demo_content().await;
    let story_feed = format!("/news/{LIVE}/feed.xml");
    let mut before = Vec::new();
    for path in [story_feed.as_str(), "/feed.xml", "/atom.xml"] {
        let page = app.get_page(path).await;
        before.push((
            path,
            page.header("etag").unwrap(),
            page.header("last-modified").unwrap(),
        ));
    }
    // Backdated to the strike day: the feeds changed now, whatever the update's time.
    app.publish(
        LIVE,
        plain_update("Talks are to resume tomorrow."),
        "2016-01-12T19:00:00Z".parse().unwrap(),
    )
    .await;

    for (path, etag, modified) in before {
        let by_tag = app.get_with(path, &[("If-None-Match", &etag)]).await;
        assert_eq!(by_tag.status, StatusCode::OK, "{path}");
        assert_ne!(by_tag.header("etag"), Some(etag), "{path}");
        let new_modified = by_tag.header("last-modified").unwrap();
        let as_date = |text: &str| chrono::DateTime::parse_from_rfc2822(text).unwrap();
        assert!(
            as_date(&new_modified) > as_date(&modified),
            "{path}: {new_modified} after {modified}"
        );
        let by_date = app
            .get_with(path, &[("If-Modified-Since", &modified)])
            .await;
        assert_eq!(by_date.status, StatusCode::OK, "{path}");
    }
    let feed = app.get_page(&story_feed).await;
    assert!(feed.body.contains("Talks are to resume tomorrow."));
}

#[actix_web::test]
async fn an_unchanged_feed_renders_to_the_same_bytes_after_any_write() {
    let app = TestApp::with_demo_content().await;
    let before = app.get_page("/feed.xml").await;
    app.room.pages.clear();
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    let after = app.get_page("/feed.xml").await;
    assert_eq!(
        after.header("etag"),
        before.header("etag"),
        "no clock in the feed"
    );
    assert_eq!(after.body, before.body);
}
