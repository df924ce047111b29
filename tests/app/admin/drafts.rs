//! What the server tells the browser's draft keeper (`static/drafts.js`):
//! which forms keep drafts, and which form a save has just saved.

use awc::http::StatusCode;

use crate::editor_session::set_cookie;
use crate::helpers::{Page, TestApp};

/// The form a successful save names for the browser to forget its draft.
fn saved_form(page: &Page) -> Option<String> {
    set_cookie(page, "newsdesk_draft_saved")
        .map(|pair| pair.trim_start_matches("newsdesk_draft_saved=").to_owned())
}

#[actix_web::test]
async fn every_desk_form_keeps_drafts_and_only_a_save_names_the_form_it_saved() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;

    let story_fields = [
        ("headline", "Strike day"),
        ("body", "Body."),
        ("status", "published"),
        ("live", "live"),
        ("action", "save"),
    ];
    let refused = desk
        .post(
            "/admin/stories/new",
            &[("headline", ""), ("action", "save")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(saved_form(&refused), None, "a refused form keeps its draft");
    let saved = desk.post("/admin/stories/new", &story_fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved_form(&saved).as_deref(), Some("/admin/stories/new"));
    let slug = "strike-day";

    let publish = format!("/admin/stories/{slug}/updates");
    let figures = [
        ("body", "Cancellations."),
        ("kind", "figures"),
        ("number", "lots"),
    ];
    let refused = desk.post(&publish, &figures).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(saved_form(&refused), None);
    let published = desk
        .post(&publish, &[("body", "Pickets."), ("kind", "update")])
        .await;
    assert_eq!(saved_form(&published).as_deref(), Some(publish.as_str()));

    let update_id = app
        .get_page(&format!("/news/{slug}"))
        .await
        .attrs("article.update", "data-update-id")
        .remove(0);
    let edit_update = format!("/admin/updates/{update_id}/edit");
    let corrected = desk
        .post(&edit_update, &[("body", "Pickets!"), ("kind", "update")])
        .await;
    assert_eq!(corrected.status, StatusCode::SEE_OTHER);
    assert_eq!(
        saved_form(&corrected).as_deref(),
        Some(edit_update.as_str())
    );

    let edit_story = format!("/admin/stories/{slug}/edit");
    let version = desk
        .get(&edit_story)
        .await
        .attrs("input[name=version]", "value")
        .remove(0);
    let mut fields = story_fields.to_vec();
    fields.push(("version", &version));
    let resaved = desk.post(&edit_story, &fields).await;
    assert_eq!(resaved.status, StatusCode::SEE_OTHER, "{}", resaved.body);
    assert_eq!(saved_form(&resaved).as_deref(), Some(edit_story.as_str()));

    let desk_page = format!("/admin/stories/{slug}");
    for (page, action) in [
        ("/admin/stories/new", "/admin/stories/new"),
        (edit_story.as_str(), edit_story.as_str()),
        (desk_page.as_str(), publish.as_str()),
        (edit_update.as_str(), edit_update.as_str()),
    ] {
        let forms = desk.get(page).await.attrs("form[data-draft]", "action");
        assert_eq!(forms, [action], "{page}: the one form that keeps drafts");
    }
}
