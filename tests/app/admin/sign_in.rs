//! `POST /admin/login` under attack: the growing delay per address and per
//! username, attempts counted before they are checked, the bound on password
//! checks at once, and which proxy headers name the client.

use awc::http::StatusCode;
use chrono::TimeDelta;
use futures_util::future::join_all;
use newsdesk::auth::throttle::{FORGET_AFTER, FREE_FAILURES};

use crate::editor_session::PASSWORD;
use crate::helpers::{Page, TestApp};

// Documentation addresses (RFC 5737), only ever sent as header text.
const STRANGER: &str = "203.0.113.5";
const OWNER: &str = "198.51.100.7";

/// The app behind a proxy on loopback, as `--trusted-proxy 127.0.0.1`.
async fn behind_proxy(ranges: &[&str]) -> TestApp {
    let ranges: Vec<_> = ranges.iter().map(|r| r.parse().unwrap()).collect();
    TestApp::spawn_with(|config| config.trusted_proxy = ranges).await
}

/// The seconds a refused attempt is told to wait.
fn retry_after(page: &Page) -> u64 {
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
    page.header("retry-after").unwrap().parse().unwrap()
}

impl TestApp {
    /// Fails `FREE_FAILURES` sign-ins as `username` from `address`.
    async fn use_up_free_failures(&self, username: &str, address: Option<&str>) {
        for _ in 0..FREE_FAILURES {
            let page = self
                .post_login_via(username, "wrong password", address)
                .await;
            assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        }
    }
}

#[actix_web::test]
async fn after_the_free_failures_the_next_attempt_must_wait() {
    let app = TestApp::spawn().await;
    app.create_editor("sarah").await;
    app.use_up_free_failures("sarah", None).await;
    let refused = app.post_login("sarah", PASSWORD).await;
    assert_eq!(retry_after(&refused), 1);
    assert!(refused.body.contains("Wait 1 second"), "{}", refused.body);
}

#[actix_web::test]
async fn the_delay_doubles_with_each_failure_and_is_forgotten_later() {
    let app = TestApp::spawn().await;
    app.create_editor("sarah").await;
    app.use_up_free_failures("sarah", None).await;
    for expected in [1, 2, 4, 8] {
        let refused = app.post_login("sarah", "wrong password").await;
        assert_eq!(retry_after(&refused), expected);
        app.room.clock.advance(TimeDelta::seconds(expected as i64));
        let checked = app.post_login("sarah", "wrong password").await;
        assert_eq!(checked.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(retry_after(&app.post_login("sarah", PASSWORD).await), 16);
    app.room.clock.advance(FORGET_AFTER);
    let page = app.post_login("sarah", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn a_stranger_failing_many_times_does_not_stop_the_owner_from_elsewhere() {
    let app = behind_proxy(&["127.0.0.1"]).await;
    app.create_editor("sarah").await;
    app.use_up_free_failures("sarah", Some(STRANGER)).await;
    retry_after(&app.post_login_via("sarah", "wrong", Some(STRANGER)).await);
    // Strangers rotating addresses get one guess each before the name's delay binds them.
    for n in 10..30 {
        let stranger = format!("203.0.113.{n}");
        let page = app.post_login_via("sarah", "wrong", Some(&stranger)).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        retry_after(&app.post_login_via("sarah", "wrong", Some(&stranger)).await);
    }
    let owner = app.post_login_via("sarah", PASSWORD, Some(OWNER)).await;
    assert_eq!(owner.status, StatusCode::SEE_OTHER, "{}", owner.body);
}

#[actix_web::test]
async fn a_failing_address_also_waits_out_the_usernames_delay() {
    let app = behind_proxy(&["127.0.0.1"]).await;
    app.create_editor("sarah").await;
    app.use_up_free_failures("sarah", Some(STRANGER)).await;
    // A second address fails once, and is then held to the name's delay.
    let other = "203.0.113.99";
    let page = app.post_login_via("sarah", "wrong", Some(other)).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    retry_after(&app.post_login_via("sarah", PASSWORD, Some(other)).await);
}

#[actix_web::test]
async fn parallel_wrong_attempts_are_all_counted() {
    let app = TestApp::spawn().await;
    app.create_editor("sarah").await;
    let attempts = (0..2 * FREE_FAILURES).map(|_| app.post_login("sarah", "wrong password"));
    let pages = join_all(attempts).await;
    let checked = pages
        .iter()
        .filter(|p| p.status == StatusCode::UNAUTHORIZED)
        .count();
    let refused = pages
        .iter()
        .filter(|p| p.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(
        (checked, refused),
        (FREE_FAILURES as usize, FREE_FAILURES as usize)
    );
    retry_after(&app.post_login("sarah", PASSWORD).await);
}

#[actix_web::test]
async fn with_every_password_check_busy_a_sign_in_is_told_to_come_back() {
    let app = TestApp::spawn().await;
    app.create_editor("sarah").await;
    let checks = &app.room.password_checks;
    let held =
        join_all((0..newsdesk::auth::checks::CONCURRENT_CHECKS).map(|_| checks.slot())).await;
    let busy = app.post_login("sarah", PASSWORD).await;
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(busy.header("retry-after").is_some());
    drop(held);
    // The refused attempt was never checked, so it counts against nobody.
    app.use_up_free_failures("sarah", None).await;
    retry_after(&app.post_login("sarah", PASSWORD).await);
}

#[actix_web::test]
async fn behind_a_trusted_proxy_each_client_address_is_counted_apart() {
    let app = behind_proxy(&["127.0.0.1"]).await;
    app.use_up_free_failures("guess", Some(STRANGER)).await;
    retry_after(&app.post_login_via("another", "wrong", Some(STRANGER)).await);
    let other_client = app.post_login_via("another", "wrong", Some(OWNER)).await;
    assert_eq!(other_client.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn behind_a_pool_of_proxies_the_right_most_untrusted_address_is_the_client() {
    let app = behind_proxy(&["10.0.0.0/8", "127.0.0.1"]).await;
    // The client writes anything it likes on the left; the load balancers
    // (10.x) append what they saw on the right.
    for n in 0..FREE_FAILURES {
        let chain = format!("192.0.2.{n}, {STRANGER}, 10.1.2.3");
        let page = app.post_login_via("guess", "wrong", Some(&chain)).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    let forged = format!("192.0.2.200, {STRANGER}, 10.1.2.3");
    retry_after(&app.post_login_via("guess", "wrong", Some(&forged)).await);
    let other = format!("{OWNER}, 10.200.0.1");
    let page = app.post_login_via("guess", "wrong", Some(&other)).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    // No proxy configured, and one configured that is not this peer.
    for ranges in [vec![], vec!["10.0.0.1", "192.168.0.0/16"]] {
        let app = behind_proxy(&ranges).await;
        for n in 0..FREE_FAILURES {
            let spoofed = format!("203.0.113.{n}");
            let page = app.post_login_via("guess", "wrong", Some(&spoofed)).await;
            assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        }
        let page = app.post_login_via("another", "wrong", Some(OWNER)).await;
        retry_after(&page);
    }
}
