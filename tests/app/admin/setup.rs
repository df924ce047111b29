//! `/admin/setup/{token}`: the first-run link that creates the first editor,
//! once, within 24 hours of being printed.

use awc::http::StatusCode;
use chrono::Duration;
use newsdesk::domain::TokenPurpose;

use crate::editor_session::{PASSWORD, set_cookie};
use crate::helpers::{Page, TestApp};

/// Issues a setup link as `newsdesk serve` does at a start with no editor; returns its path.
async fn print_setup_link(app: &TestApp) -> String {
    let mut conn = app.room.db.acquire().await.unwrap();
    let link = newsdesk::tokens::replace(&mut conn, TokenPurpose::Setup, app.room.clock.now())
        .await
        .unwrap();
    format!("/admin/setup/{}", link.token)
}

/// The setup form as a browser holds it: its page, CSRF cookie and token.
struct SetupForm {
    page: Page,
    cookie: String,
    csrf: String,
}

/// Opens the setup form at `path`, which must work.
async fn open_setup_form(app: &TestApp, path: &str) -> SetupForm {
    let page = app.get_page(path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    SetupForm {
        cookie: set_cookie(&page, "newsdesk_login_csrf").unwrap(),
        csrf: page.attrs("input[name=csrf_token]", "value").remove(0),
        page,
    }
}

impl SetupForm {
    /// Submits the form to `path` for a new editor `username`.
    async fn submit(&self, app: &TestApp, path: &str, username: &str) -> Page {
        let fields = [
            ("username", username),
            ("display_name", "Chief Reporter"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
            ("csrf_token", self.csrf.as_str()),
        ];
        app.post_form(path, &self.cookie, &fields).await
    }
}

#[actix_web::test]
async fn the_setup_link_creates_the_first_editor_once() {
    let app = TestApp::spawn().await;
    let path = print_setup_link(&app).await;
    let form = open_setup_form(&app, &path).await;
    assert_eq!(
        form.page.header("cache-control").as_deref(),
        Some("private, no-store")
    );
    assert!(
        form.page
            .texts("label")
            .contains(&"Display name".to_owned())
    );
    let created = form.submit(&app, &path, "chief").await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert!(set_cookie(&created, "newsdesk_session").is_some());
    let again = app.get_page(&path).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(again.body.contains("already been used"), "{}", again.body);
    assert_eq!(
        app.post_login("chief", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn a_used_setup_link_cannot_create_a_second_editor() {
    let app = TestApp::spawn().await;
    let path = print_setup_link(&app).await;
    let form = open_setup_form(&app, &path).await;
    let first = form.submit(&app, &path, "chief").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = form.submit(&app, &path, "intruder").await;
    assert_eq!(second.status, StatusCode::GONE);
    assert_eq!(
        app.post_login("intruder", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn a_setup_link_works_for_a_day_and_then_says_it_has_expired() {
    let app = TestApp::spawn().await;
    let path = print_setup_link(&app).await;
    app.room.clock.advance(Duration::hours(23));
    assert_eq!(app.get_page(&path).await.status, StatusCode::OK);
    app.room.clock.advance(Duration::hours(2));
    let expired = app.get_page(&path).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(
        expired.body.contains("This setup link has expired"),
        "{}",
        expired.body
    );
}

#[actix_web::test]
async fn a_setup_form_sent_after_the_link_expired_creates_nobody() {
    let app = TestApp::spawn().await;
    let path = print_setup_link(&app).await;
    let form = open_setup_form(&app, &path).await;
    app.room.clock.advance(Duration::hours(25));
    let late = form.submit(&app, &path, "chief").await;
    assert_eq!(late.status, StatusCode::GONE);
    assert!(late.body.contains("expired"), "{}", late.body);
    assert_eq!(
        app.post_login("chief", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn only_the_latest_setup_link_works() {
    let app = TestApp::spawn().await;
    let older = print_setup_link(&app).await;
    let newer = print_setup_link(&app).await;
    assert_eq!(app.get_page(&older).await.status, StatusCode::GONE);
    let form = open_setup_form(&app, &newer).await;
    assert_eq!(
        form.submit(&app, &newer, "chief").await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn the_first_editor_must_give_the_name_readers_see() {
    let app = TestApp::spawn().await;
    let path = print_setup_link(&app).await;
    let form = open_setup_form(&app, &path).await;
    let fields = [
        ("username", "chief"),
        ("display_name", "  "),
        ("password", PASSWORD),
        ("password_again", PASSWORD),
        ("csrf_token", form.csrf.as_str()),
    ];
    let refused = app.post_form(&path, &form.cookie, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.texts("#display_name-error").len(), 1);
    assert_eq!(refused.attrs("input#username", "value"), ["chief"]);
    let created = form.submit(&app, &path, "chief").await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let session = set_cookie(&created, "newsdesk_session").unwrap();
    let account = app
        .get_with("/admin/account", &[("Cookie", &session)])
        .await;
    assert_eq!(
        account.attrs("input#display_name", "value"),
        ["Chief Reporter"]
    );
}
