//! A photo uploaded with the update form at the desk (multipart): stored,
//! written under the update as its Markdown line, and shown on the story
//! page as a responsive `<picture>`; refused with the message next to the
//! field, every typed field kept and nothing stored.

use awc::http::StatusCode;

use super::{FilePart, desk, fixtures, publish_with_files};
use crate::editor_session::EditorSession;
use crate::helpers::Page;

/// Posts the update form as a browser does, with `photo` as its file.
async fn publish_with_photo(
    session: &EditorSession<'_>,
    slug: &str,
    fields: &[(&str, &str)],
    photo: Option<(&str, &str, &[u8])>,
) -> Page {
    let files: Vec<FilePart> = match photo {
        Some((name, content_type, bytes)) => vec![("photo", name, content_type, bytes)],
        // A file control left empty: no file name, no bytes.
        None => vec![("photo", "", "application/octet-stream", b"")],
    };
    publish_with_files(session, slug, fields, &files).await
}

#[actix_web::test]
async fn the_update_form_is_multipart_with_the_photo_fields() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let page = session.get(&format!("/admin/stories/{slug}")).await;
    let form = "form.update-form";
    assert_eq!(
        page.attrs(form, "enctype"),
        ["multipart/form-data"],
        "{}",
        page.body
    );
    assert_eq!(
        page.attrs("input#photo", "accept"),
        ["image/jpeg,image/png,image/webp"]
    );
    assert_eq!(page.attrs("input#photo", "type"), ["file"]);
    for (id, label) in [
        ("photo", "Photo"),
        ("alt", "Alt text"),
        ("caption", "Caption"),
        ("credit", "Credit"),
    ] {
        assert_eq!(
            page.texts(&format!("label[for={id}]")),
            [label],
            "{}",
            page.body
        );
    }
}

#[actix_web::test]
async fn a_photo_published_at_the_desk_shows_as_a_responsive_picture() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let jpeg = fixtures::jpeg(&fixtures::picture(2000, 1500));
    let page = publish_with_photo(
        &session,
        &slug,
        &[
            ("body", "Pickets at the main gate."),
            ("alt", "Doctors holding placards at the hospital gate"),
            ("caption", "The 8am picket"),
            ("credit", "Jo Bloggs"),
        ],
        Some(("gate.jpg", "image/jpeg", &jpeg)),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(app.media_rows().await.0, 1);

    let story = app.get_page(&format!("/news/{slug}")).await;
    assert_eq!(story.status, StatusCode::OK);
    let img = "figure.photo picture img";
    let alt = story.attrs(img, "alt");
    assert_eq!(
        alt,
        ["Doctors holding placards at the hospital gate"],
        "{}",
        story.body
    );
    assert_eq!(story.attrs(img, "width"), ["1600"]);
    assert_eq!(story.attrs(img, "height"), ["1200"]);
    assert_eq!(story.attrs(img, "loading"), ["lazy"]);
    assert_eq!(story.attrs(img, "decoding"), ["async"]);
    assert_eq!(
        story.attrs(img, "sizes"),
        ["(min-width: 50rem) 46rem, 100vw"]
    );
    let src = story.attrs(img, "src").remove(0);
    assert!(
        src.starts_with("/media/") && src.ends_with("-1600.jpg"),
        "{src}"
    );
    let srcset = story.attrs(img, "srcset").remove(0);
    for width in ["480w", "960w", "1600w"] {
        assert!(srcset.contains(width), "{srcset}");
    }
    let webp = story.attrs("figure.photo picture source[type=\"image/webp\"]", "srcset");
    assert!(webp.iter().all(|s| s.contains(".webp ")), "{webp:?}");
    assert_eq!(
        story.texts("figure.photo figcaption"),
        ["The 8am picket Jo Bloggs"]
    );
    assert_eq!(story.texts("figure.photo .credit"), ["Jo Bloggs"]);
    // The file it names is served.
    assert_eq!(app.try_get(&src).await, Some(StatusCode::OK));
}

#[actix_web::test]
async fn a_photo_without_alt_text_comes_back_with_every_field_and_nothing_stored() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let jpeg = fixtures::jpeg(&fixtures::picture(800, 600));
    let page = publish_with_photo(
        &session,
        &slug,
        &[
            ("body", "Pickets at the main gate."),
            ("alt", "  "),
            ("caption", "The 8am picket"),
            ("credit", "Jo Bloggs"),
        ],
        Some(("gate.jpg", "image/jpeg", &jpeg)),
    )
    .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    let alt_error = page.texts("#alt-error").join(" ");
    assert!(alt_error.contains("Write the alt text"), "{}", page.body);
    let photo_error = page.texts("#photo-error").join(" ");
    assert!(
        photo_error.contains("Choose the photo again"),
        "{}",
        page.body
    );
    assert_eq!(
        page.texts("textarea[name=body]"),
        ["Pickets at the main gate."]
    );
    assert_eq!(
        page.attrs("input[name=caption]", "value"),
        ["The 8am picket"]
    );
    assert_eq!(page.attrs("input[name=credit]", "value"), ["Jo Bloggs"]);
    assert_eq!(app.media_rows().await, (0, 0));
    assert_eq!(app.media_dir_entries(), Vec::<String>::new());
}

#[actix_web::test]
async fn a_text_file_as_the_photo_is_refused_next_to_the_field() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let page = publish_with_photo(
        &session,
        &slug,
        &[("body", "Pickets."), ("alt", "A gate")],
        Some(("notes.jpg", "image/jpeg", b"just some notes, not a photo")),
    )
    .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert_eq!(
        page.texts("#photo-error").join(" "),
        "Error: “notes.jpg” is not a photo newsdesk can read (JPEG, PNG or WebP)."
    );
    assert_eq!(page.texts("textarea[name=body]"), ["Pickets."]);
    assert_eq!(page.attrs("input[name=alt]", "value"), ["A gate"]);
    assert_eq!(app.media_rows().await, (0, 0));
    assert_eq!(app.media_dir_entries(), Vec::<String>::new());
}

#[actix_web::test]
async fn multipart_without_a_photo_and_urlencoded_posts_both_publish() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let page = publish_with_photo(
        &session,
        &slug,
        &[("body", "From the multipart form.")],
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = session
        .post(
            &format!("/admin/stories/{slug}/updates"),
            &[("body", "From a urlencoded post."), ("kind", "update")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let story = app.get_page(&format!("/news/{slug}")).await;
    assert!(
        story.body.contains("From the multipart form."),
        "{}",
        story.body
    );
    assert!(
        story.body.contains("From a urlencoded post."),
        "{}",
        story.body
    );
    assert_eq!(app.media_rows().await, (0, 0));
}

#[actix_web::test]
async fn a_multipart_post_without_the_csrf_token_is_refused() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let jpeg = fixtures::jpeg(&fixtures::picture(64, 48));
    let page = app
        .post_multipart(
            &format!("/admin/stories/{slug}/updates"),
            &session.cookie,
            &[("body", "No token."), ("kind", "update"), ("alt", "x")],
            &[("photo", "a.jpg", "image/jpeg", &jpeg)],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    assert_eq!(app.media_rows().await, (0, 0));
}

#[actix_web::test]
async fn text_fields_beyond_the_form_limit_in_a_multipart_post_are_413() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let huge = "x".repeat(newsdesk::routes::MAX_ADMIN_FORM_BYTES + 1);
    let page = app
        .post_multipart(
            &format!("/admin/stories/{slug}/updates"),
            &session.cookie,
            &[("csrf_token", &session.csrf), ("body", &huge)],
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[actix_web::test]
async fn a_refused_read_more_with_a_photo_asks_for_the_photo_again() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let jpeg = fixtures::jpeg(&fixtures::picture(320, 240));
    let page = publish_with_photo(
        &session,
        &slug,
        &[("body", "READ MORE: [x](/news/nowhere)"), ("alt", "A gate")],
        Some(("gate.jpg", "image/jpeg", &jpeg)),
    )
    .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.texts("#body-error").join(" ").contains("nowhere"),
        "{}",
        page.body
    );
    assert!(
        page.texts("#photo-error")
            .join(" ")
            .contains("Choose the photo again"),
        "{}",
        page.body
    );
    assert_eq!(page.attrs("input[name=alt]", "value"), ["A gate"]);
}

#[actix_web::test]
async fn a_photo_posted_without_a_session_is_never_stored() {
    let (app, slug) = desk().await;
    let jpeg = fixtures::jpeg(&fixtures::picture(800, 600));
    // A stranger, or an editor whose session ended: no valid cookie.
    let page = app
        .post_multipart(
            &format!("/admin/stories/{slug}/updates"),
            "newsdesk_session=not-a-session",
            &[
                ("kind", "update"),
                ("body", "Typed at the gate."),
                ("alt", "A gate"),
            ],
            &[("photo", "gate.jpg", "image/jpeg", &jpeg)],
        )
        .await;
    assert!(
        page.status == StatusCode::SEE_OTHER || page.status == StatusCode::UNAUTHORIZED,
        "{}: {}",
        page.status,
        page.body
    );
    assert_eq!(app.media_rows().await, (0, 0));
    assert_eq!(app.media_dir_entries(), Vec::<String>::new());
}

#[actix_web::test]
async fn a_headline_change_rewrites_read_more_links_and_keeps_the_photos_beside_them() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let target = session.create_story("Talks to resume", "Body.").await;
    let jpeg = fixtures::jpeg(&fixtures::picture(1200, 800));
    let read_more = format!("READ MORE: [talks](/news/{target})");
    let page = publish_with_photo(
        &session,
        &slug,
        &[("body", read_more.as_str()), ("alt", "A gate")],
        Some(("gate.jpg", "image/jpeg", &jpeg)),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let edit_path = format!("/admin/stories/{target}/edit");
    let edit = session.get(&edit_path).await;
    let version = edit.attrs("input[name=version]", "value").remove(0);
    let fields = [
        ("headline", "Talks resume on Monday"),
        ("body", "Body."),
        ("status", "published"),
        ("live", "none"),
        ("version", version.as_str()),
        ("action", "save"),
    ];
    let saved = session.post(&edit_path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    // The update was rendered again for the new headline, with its photo.
    let story = app.get_page(&format!("/news/{slug}")).await;
    let links = story.texts(".update a[href^=\"/news/\"]");
    assert!(
        links
            .iter()
            .any(|text| text.contains("Talks resume on Monday")),
        "{links:?}"
    );
    assert_eq!(story.attrs("figure.photo picture img", "alt"), ["A gate"]);
}
