//! A gallery: several photos on one update, each with its own words, kept
//! all or none, shown as a grid of responsive figures.

use awc::http::StatusCode;
use newsdesk::content::photos::{GALLERY_SIZES, SIZES};

use super::{FilePart, assert_refused_at, desk, fixtures, publish_with_files};
use crate::helpers::Page;

/// Three different photos (a gallery of one picture thrice would be one row).
fn three_jpegs() -> Vec<Vec<u8>> {
    [(1200, 800), (900, 1200), (1000, 1000)]
        .into_iter()
        .map(|(w, h)| fixtures::jpeg(&fixtures::picture(w, h)))
        .collect()
}

fn parts(jpegs: &[Vec<u8>]) -> Vec<FilePart<'_>> {
    const CONTROLS: [&str; 7] = [
        "photo", "photo_2", "photo_3", "photo_4", "photo_5", "photo_6", "photo_7",
    ];
    const NAMES: [&str; 7] = [
        "1.jpg", "2.jpg", "3.jpg", "4.jpg", "5.jpg", "6.jpg", "7.jpg",
    ];
    jpegs
        .iter()
        .enumerate()
        .map(|(i, jpeg)| (CONTROLS[i], NAMES[i], "image/jpeg", jpeg.as_slice()))
        .collect()
}

const WORDS: [(&str, &str); 7] = [
    ("body", "Pickets at three gates."),
    ("alt", "Doctors at the main gate"),
    ("caption", "Main gate"),
    ("alt_2", "Nurses joining the line"),
    ("credit_2", "Jo Bloggs"),
    ("alt_3", "A placard reading Fair Pay"),
    ("caption_3", "Side gate"),
];

#[actix_web::test]
async fn the_update_form_has_six_photo_slots_each_labelled_for_itself() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let page = session.get(&format!("/admin/stories/{slug}")).await;
    assert_eq!(page.texts("label[for=photo]"), ["Photo"]);
    assert_eq!(page.texts("label[for=alt]"), ["Alt text"]);
    for n in 2..=6 {
        let in_details = |id: &str| format!("details.more-photos label[for={id}_{n}]");
        assert_eq!(page.texts(&in_details("photo")), [format!("Photo {n}")]);
        assert_eq!(
            page.texts(&in_details("alt")),
            [format!("Alt text for photo {n}")]
        );
        assert_eq!(
            page.texts(&in_details("caption")),
            [format!("Caption for photo {n}")]
        );
        assert_eq!(
            page.texts(&in_details("credit")),
            [format!("Credit for photo {n}")]
        );
        assert_eq!(page.attrs(&format!("input#photo_{n}"), "type"), ["file"]);
    }
    assert_eq!(page.attrs("input[type=file]", "name").len(), 8);
    // Closed until it is used: the form stays short for a single photo.
    assert_eq!(page.attrs("details.more-photos[open]", "class").len(), 0);
}

#[actix_web::test]
async fn three_photos_published_at_the_desk_show_as_a_gallery() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let jpegs = three_jpegs();
    let page = publish_with_files(&session, &slug, &WORDS, &parts(&jpegs)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(app.media_rows().await.0, 3);

    let story = app.get_page(&format!("/news/{slug}")).await;
    let img = ".update div.gallery > figure.photo picture img";
    assert_eq!(
        story.attrs(img, "alt"),
        [
            "Doctors at the main gate",
            "Nurses joining the line",
            "A placard reading Fair Pay"
        ],
        "{}",
        story.body
    );
    assert_eq!(story.attrs(img, "width"), ["1200", "900", "1000"]);
    assert_eq!(story.attrs(img, "height"), ["800", "1200", "1000"]);
    for srcset in story.attrs(img, "srcset") {
        assert!(srcset.contains("480w"), "{srcset}");
    }
    assert!(story.attrs(img, "loading").iter().all(|l| l == "lazy"));
    assert!(story.attrs(img, "decoding").iter().all(|d| d == "async"));
    // The first of three spans both columns; the others take one each.
    assert_eq!(
        story.attrs(img, "sizes"),
        [SIZES, GALLERY_SIZES, GALLERY_SIZES]
    );
    assert_eq!(
        story.texts(".gallery figcaption"),
        ["Main gate", "Jo Bloggs", "Side gate"]
    );
    // The update's text comes first, then its photos.
    let text_at = story.body.find("Pickets at three gates.").unwrap();
    let gallery_at = story.body.find(r#"<div class="gallery">"#).unwrap();
    assert!(text_at < gallery_at);
}

/// Nothing of a refused post is kept: no media row, no file (temporary
/// ones included) and no update.
async fn assert_nothing_stored(app: &crate::helpers::TestApp, slug: &str) {
    app.assert_no_media().await;
    let story = app.get_page(&format!("/news/{slug}")).await;
    assert_eq!(story.texts(".update").len(), 0, "{}", story.body);
}

fn assert_words_kept(page: &Page) {
    assert_eq!(
        page.texts("textarea[name=body]"),
        ["Pickets at three gates."]
    );
    for (name, value) in &WORDS[1..] {
        assert_eq!(
            page.attrs(&format!("input[name={name}]"), "value"),
            [*value],
            "{name}"
        );
    }
}

#[actix_web::test]
async fn seven_photos_are_refused_and_none_is_stored() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let jpegs: Vec<Vec<u8>> = (0..7)
        .map(|i| fixtures::jpeg(&fixtures::picture(64 + i, 48)))
        .collect();
    let page = publish_with_files(&session, &slug, &WORDS, &parts(&jpegs)).await;
    assert_refused_at(
        &page,
        "photo",
        "Error: An update carries at most 6 photos, and this one had 7: publish the others \
         in another update.",
    );
    assert_words_kept(&page);
    assert_nothing_stored(&app, &slug).await;
}

#[actix_web::test]
async fn photo_2_without_alt_text_is_refused_next_to_it_and_none_is_stored() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let jpegs = three_jpegs();
    let mut words = WORDS.to_vec();
    words[3] = ("alt_2", " ");
    let page = publish_with_files(&session, &slug, &words, &parts(&jpegs)).await;
    assert_refused_at(&page, "alt_2", "Write the alt text");
    assert_eq!(
        page.texts("details.more-photos[open] #alt_2-error").len(),
        1
    );
    assert_eq!(
        page.texts("#alt-error").len() + page.texts("#alt_3-error").len(),
        0
    );
    // The browser drops every chosen file: each control says so.
    for id in ["photo", "photo_2", "photo_3"] {
        assert_refused_at(&page, id, "Choose the photo again");
    }
    assert_eq!(page.attrs("input[name=credit_2]", "value"), ["Jo Bloggs"]);
    assert_eq!(
        page.attrs("input[name=alt_3]", "value"),
        ["A placard reading Fair Pay"]
    );
    assert_nothing_stored(&app, &slug).await;
}

#[actix_web::test]
async fn one_refused_photo_keeps_the_whole_gallery_out() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let jpegs = three_jpegs();
    let mut files = parts(&jpegs);
    files[1] = (
        "photo_2",
        "notes.jpg",
        "image/jpeg",
        b"minutes of the meeting",
    );
    let page = publish_with_files(&session, &slug, &WORDS, &files).await;
    assert_refused_at(
        &page,
        "photo_2",
        "Error: “notes.jpg” is not a photo newsdesk can read (JPEG, PNG or WebP).",
    );
    assert_refused_at(&page, "photo_3", "Choose the photo again");
    assert_words_kept(&page);
    assert_nothing_stored(&app, &slug).await;
}
