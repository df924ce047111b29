//! Content files with images in the content directory: imported as stored
//! photos (processed as uploads are), shown as the stored photo; a missing
//! or refused image stops the import with the file, the line and the reason.

use newsdesk::import::ImportError;

use super::fixtures;
use crate::helpers::{TestApp, content_dir, demo_content, story_file};

/// A content directory with `story.md` (its body `body`) and `media/` holding `images`.
fn with_images(body: &str, images: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = content_dir(&[("story.md", &story_file("Pickets at the gate", body))]);
    std::fs::create_dir(dir.path().join("media")).unwrap();
    for (name, bytes) in images {
        std::fs::write(dir.path().join("media").join(name), bytes).unwrap();
    }
    dir
}

const GATE: &str = "![Pickets at the gate](media/gate.jpg \"The 8am picket | Illustration: desk\")";

#[actix_web::test]
async fn a_local_image_is_imported_as_a_stored_photo_and_twice_changes_nothing() {
    let app = TestApp::spawn().await;
    let jpeg = fixtures::with_exif(&fixtures::jpeg(&fixtures::picture(1200, 900)), 1);
    let dir = with_images(
        &format!("{GATE}\n\nPickets formed at 8am."),
        &[("gate.jpg", &jpeg)],
    );
    let report = app.import(dir.path()).await.unwrap();
    assert_eq!(report.stories_created, 1, "{report}");

    let page = app.get_page("/news/story").await;
    let img = ".story-body > figure.photo:first-child picture img";
    assert_eq!(
        page.attrs(img, "alt"),
        ["Pickets at the gate"],
        "{}",
        page.body
    );
    assert_eq!(page.attrs(img, "width"), ["1200"]);
    assert_eq!(
        page.texts("figure.photo figcaption"),
        ["The 8am picket Illustration: desk"]
    );
    let src = page.attrs(img, "src").remove(0);
    assert!(
        src.starts_with("/media/") && src.ends_with("-1200.jpg"),
        "{src}"
    );
    // Processed like an upload: the stored file is re-encoded, without EXIF.
    let stored = app.media_file(src.trim_start_matches("/media/"));
    assert!(!fixtures::contains(&stored, b"Exif"), "EXIF kept");
    let story = app.story("story").await;
    assert!(
        story
            .body_md
            .starts_with(&format!("![Pickets at the gate]({src} ")),
        "{}",
        story.body_md
    );
    assert_eq!(story.lead_photo_alt, "Pickets at the gate");
    assert_eq!(
        app.get_page("/")
            .await
            .attrs(".story-card-photo img", "alt"),
        ["Pickets at the gate"]
    );

    let rows = app.media_rows().await;
    let again = app.import(dir.path()).await.unwrap();
    assert_eq!(
        (
            again.stories_unchanged,
            again.stories_created,
            again.stories_updated
        ),
        (1, 0, 0),
        "{again}"
    );
    assert_eq!(app.media_rows().await, rows);
    assert_eq!(app.story("story").await.version, story.version);

    // A new image under the same name is a change to the file.
    let other = fixtures::jpeg(&fixtures::halves(1200, 900));
    std::fs::write(dir.path().join("media/gate.jpg"), other).unwrap();
    let changed = app.import(dir.path()).await.unwrap();
    assert_eq!(changed.stories_updated, 1, "{changed}");
    assert_ne!(app.story("story").await.lead_photo_id, story.lead_photo_id);
}

#[actix_web::test]
async fn a_missing_or_refused_image_names_the_file_and_the_line_and_nothing_is_imported() {
    let app = TestApp::spawn().await;
    let body = "Pickets formed at 8am.\n\n![Gone](media/missing.jpg)\n\nText.\n\n![Notes](media/notes.jpg)\n\n![Out](../secret.jpg)";
    let dir = with_images(body, &[("notes.jpg", b"just some notes, not a photo")]);
    let ImportError::Content(errors) = app.import(dir.path()).await.unwrap_err() else {
        panic!("expected content errors");
    };
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    // The body starts on line 8 of the file.
    assert!(
        messages[0].contains("story.md:10: image “media/missing.jpg”: cannot read")
            && messages[0].contains("add the file or correct the path"),
        "{messages:#?}"
    );
    assert!(
        messages[1].contains("story.md:14: image “media/notes.jpg”: “media/notes.jpg” is not a photo newsdesk can read"),
        "{messages:#?}"
    );
    assert!(
        messages[2].contains(
            "story.md:16: image “../secret.jpg”: give a path inside the content directory"
        ),
        "{messages:#?}"
    );
    assert_eq!(app.get_page("/news/story").await.status, 404);
    assert_eq!(app.media_rows().await, (0, 0));
}

#[actix_web::test]
async fn the_demo_picket_stories_lead_with_their_illustrations() {
    let app = TestApp::with_demo_content().await;
    assert_eq!(app.media_rows().await.0, 2);
    for slug in [
        "pickets-at-huddersfield-royal-infirmary",
        "pickets-at-calderdale-royal-hospital",
    ] {
        let page = app.get_page(&format!("/news/{slug}")).await;
        let figure = ".story-body > figure.photo:first-child";
        let alt = page.attrs(&format!("{figure} img"), "alt").remove(0);
        assert!(alt.starts_with("Illustration: "), "{alt}");
        let caption = page.texts(&format!("{figure} figcaption")).remove(0);
        assert!(caption.ends_with("Illustration: newsdesk"), "{caption}");
        assert_eq!(
            page.attrs("meta[name='twitter:card']", "content"),
            ["summary_large_image"]
        );
        assert_eq!(app.story(slug).await.lead_photo_alt, alt);
    }
    let front = app.get_page("/").await;
    assert_eq!(front.attrs(".story-card-photo img", "alt").len(), 2);
    // The files as committed are small enough for a repository.
    for name in ["pickets-hri.jpg", "pickets-calderdale.jpg"] {
        let size = std::fs::metadata(demo_content().join("media").join(name))
            .unwrap()
            .len();
        assert!(size < 250_000, "{name}: {size} bytes");
    }
}
