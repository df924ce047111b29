//! `/admin/account`: the name readers see on an editor's work, which is
//! never their login username.

use awc::http::StatusCode;

use crate::helpers::TestApp;

/// A login name no page would contain by chance.
const USERNAME: &str = "zq-login-4417";

#[actix_web::test]
async fn an_editor_sets_the_name_readers_see_on_their_updates() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in(USERNAME).await;
    let account = desk.get("/admin/account").await;
    assert_eq!(
        account.header("cache-control").as_deref(),
        Some("private, no-store")
    );
    assert!(
        account
            .texts("label")
            .contains(&"Your name as readers see it".to_owned())
    );
    let saved = desk
        .post(
            "/admin/account/display-name",
            &[("display_name", "Sarah Holt")],
        )
        .await;
    assert_eq!(saved.header("location").as_deref(), Some("/admin/account"));
    let slug = desk.create_story("Strike day", "Body.").await;
    desk.publish_update(&slug, &[("body", "Pickets."), ("kind", "update")])
        .await;
    let story = app.get_page(&format!("/news/{slug}")).await;
    assert_eq!(story.texts(".update-author"), ["Sarah Holt"]);
}

#[actix_web::test]
async fn the_name_form_refuses_a_forged_post_and_the_username() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in(USERNAME).await;
    let forged = app
        .post_form(
            "/admin/account/display-name",
            &desk.cookie,
            &[("display_name", "Forged")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let refused = desk
        .post("/admin/account/display-name", &[("display_name", USERNAME)])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.texts("#display_name-error").len(), 1);
    assert_eq!(refused.attrs("input#display_name", "value"), [USERNAME]);
}

#[actix_web::test]
async fn login_names_appear_on_no_public_page_or_feed() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in(USERNAME).await;
    let new_story = desk.get("/admin/stories/new").await;
    assert_ne!(new_story.attrs("input#byline", "value"), [USERNAME]);
    let slug = desk.create_story("Strike day", "Body.").await;
    // Before the editor sets a name, and after.
    desk.publish_update(&slug, &[("body", "Pickets form."), ("kind", "update")])
        .await;
    desk.post(
        "/admin/account/display-name",
        &[("display_name", "Sarah Holt")],
    )
    .await;
    desk.publish_update(
        &slug,
        &[
            ("body", "Pickets grow."),
            ("kind", "picket"),
            ("place", "Huddersfield Royal Infirmary"),
            ("key_event", "on"),
        ],
    )
    .await;
    let topic = "doctors-strike";
    let public = [
        "/".to_owned(),
        format!("/news/{slug}"),
        format!("/news/{slug}?key_events=1"),
        format!("/news/{slug}/updates?after=0"),
        format!("/news/{slug}/feed.xml"),
        format!("/news/{slug}/atom.xml"),
        format!("/news/{slug}/figures.json"),
        "/topics".to_owned(),
        format!("/topics/{topic}"),
        format!("/topics/{topic}/feed.xml"),
        "/search?q=pickets".to_owned(),
        "/feed.xml".to_owned(),
        "/atom.xml".to_owned(),
        "/sitemap.xml".to_owned(),
        "/sitemap-news.xml".to_owned(),
    ];
    let mut seen = 0;
    for path in public {
        let page = app.get_page(&path).await;
        if page.status == StatusCode::OK {
            seen += 1;
        }
        assert!(
            !page.body.contains(USERNAME),
            "{path} shows the login name: {}",
            page.body
        );
    }
    assert!(seen >= 12, "most public pages answered");
    let story = app.get_page(&format!("/news/{slug}")).await;
    assert_eq!(
        story.texts(".update-author"),
        ["Sarah Holt", "Calder Valley Courier"]
    );
}
