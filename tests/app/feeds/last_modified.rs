//! `Last-Modified` on feeds never names a time after now, whatever the content says.

use awc::http::StatusCode;
use chrono::{DateTime, Duration, Utc};

use crate::helpers::TestApp;

#[actix_web::test]
async fn an_update_dated_in_the_future_never_makes_a_feed_modified_in_the_future() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let slug = desk.create_story("Strike day", "Body.").await;
    let future = app.room.clock.now() + Duration::days(365 * 80);
    app.publish_unchecked(&slug, "From 2099", future).await;
    let path = format!("/news/{slug}/feed.xml");
    let feed = app.get_page(&path).await;
    let modified = feed.header("last-modified").expect("a Last-Modified");
    let modified = DateTime::parse_from_rfc2822(&modified).unwrap().to_utc();
    assert!(modified <= app.room.clock.now(), "{modified}");
    // A poller that was once told 2099 is not answered 304 until then.
    let told = future.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let polled = app.get_with(&path, &[("If-Modified-Since", &told)]).await;
    assert_eq!(polled.status, StatusCode::OK);
    assert!(Utc::now() < future);
}
