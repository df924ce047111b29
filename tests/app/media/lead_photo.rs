//! A story's lead photo: chosen with the story form (multipart, alt text
//! required), it opens the body and is shown on the front and topic pages
//! as a responsive thumbnail, in the story's social cards and JSON-LD, and
//! in the feeds as an enclosure.

use awc::http::StatusCode;

use super::fixtures;
use crate::editor_session::EditorSession;
use crate::feeds::{ATOM, RSS, SITE, xml_elements};
use crate::helpers::{Page, TestApp};

/// The alt text of the photo the tests upload.
pub const ALT: &str = "Doctors holding placards at the hospital gate";

/// Posts the new-story form as a browser does, with `photo` as its file;
/// `fields` add to (or replace) a published story's usual fields.
async fn save_story(
    session: &EditorSession<'_>,
    fields: &[(&str, &str)],
    photo: Option<&[u8]>,
) -> Page {
    let mut all = vec![
        ("csrf_token", session.csrf.as_str()),
        ("standfirst", "Pickets formed at 8am."),
        ("topics", "Doctors' strike"),
        ("byline", "Desk"),
        ("status", "published"),
        ("live", "none"),
        ("action", "save"),
    ];
    all.retain(|(name, _)| !fields.iter().any(|(given, _)| given == name));
    all.extend_from_slice(fields);
    let files: Vec<(&str, &str, &str, &[u8])> = match photo {
        Some(bytes) => vec![("photo", "gate.jpg", "image/jpeg", bytes)],
        None => vec![("photo", "", "application/octet-stream", b"")],
    };
    session
        .app
        .post_multipart("/admin/stories/new", &session.cookie, &all, &files)
        .await
}

/// A story saved with a 2000×1500 photo; its slug.
pub async fn story_with_photo(session: &EditorSession<'_>, headline: &str) -> String {
    let jpeg = fixtures::jpeg(&fixtures::picture(2000, 1500));
    let page = save_story(
        session,
        &[
            ("headline", headline),
            ("body", "Pickets at the main gate."),
            ("alt", ALT),
            ("caption", "The 8am picket"),
            ("credit", "Jo Bloggs"),
        ],
        Some(&jpeg),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.header("location").unwrap();
    location.trim_start_matches("/admin/stories/").to_owned()
}

/// The site-relative path of an absolute address on the test site.
fn on_site(url: &str) -> &str {
    url.strip_prefix(SITE)
        .unwrap_or_else(|| panic!("{url} is not absolute on {SITE}"))
}

#[actix_web::test]
async fn the_story_form_is_multipart_with_the_photo_fields() {
    let app = TestApp::spawn().await;
    let session = app.sign_in("desk").await;
    let page = session.get("/admin/stories/new").await;
    assert_eq!(
        page.attrs("form.admin-form", "enctype"),
        ["multipart/form-data"]
    );
    assert_eq!(page.attrs("input#photo", "type"), ["file"]);
    assert_eq!(
        page.texts("fieldset.photo-fields label"),
        ["Photo", "Alt text", "Caption", "Credit"]
    );
}

#[actix_web::test]
async fn a_story_saved_with_a_photo_leads_with_it_on_lists_cards_and_feeds() {
    let app = TestApp::spawn().await;
    let session = app.sign_in("desk").await;
    let slug = story_with_photo(&session, "Pickets at the HRI").await;

    // The story opens with the photo, as its first block.
    let story = app.get_page(&format!("/news/{slug}")).await;
    assert_eq!(story.status, StatusCode::OK);
    assert_eq!(
        story.attrs(".story-body > figure.photo:first-child img", "alt"),
        [ALT],
        "{}",
        story.body
    );
    let meta = |property: &str| {
        let by_property = story.attrs(&format!("meta[property='{property}']"), "content");
        let by_name = story.attrs(&format!("meta[name='{property}']"), "content");
        [by_property, by_name].concat()
    };
    let og_image = meta("og:image").remove(0);
    assert!(og_image.ends_with("-1600.jpg"), "{og_image}");
    assert_eq!(meta("og:image:width"), ["1600"]);
    assert_eq!(meta("og:image:height"), ["1200"]);
    assert_eq!(meta("og:image:alt"), [ALT]);
    assert_eq!(meta("twitter:card"), ["summary_large_image"]);
    assert_eq!(app.try_get(on_site(&og_image)).await, Some(StatusCode::OK));
    let json_ld: serde_json::Value =
        serde_json::from_str(&story.texts("script[type='application/ld+json']")[0]).unwrap();
    assert_eq!(json_ld["image"]["url"], og_image.as_str());
    assert_eq!(json_ld["image"]["width"], 1600);
    assert_eq!(json_ld["image"]["height"], 1200);

    // The front page and the topic page show its thumbnail, at once: it is
    // on the first screen.
    for list in ["/", "/topics/doctors-strike"] {
        let page = app.get_page(list).await;
        let img = ".story-card.has-photo picture.story-card-photo img";
        assert_eq!(page.attrs(img, "alt"), [ALT], "{list}: {}", page.body);
        assert_eq!(page.attrs(img, "width"), ["480"], "{list}");
        assert_eq!(page.attrs(img, "height"), ["360"], "{list}");
        assert_eq!(page.attrs(img, "loading"), Vec::<String>::new(), "{list}");
        assert_eq!(
            page.attrs(img, "sizes"),
            ["(min-width: 40rem) 14rem, 100vw"]
        );
        let srcset = page.attrs(img, "srcset").remove(0);
        for width in ["480w", "960w", "1600w"] {
            assert!(srcset.contains(width), "{list}: {srcset}");
        }
        let src = page.attrs(img, "src").remove(0);
        assert!(src.ends_with("-480.jpg"), "{src}");
        assert_eq!(app.try_get(&src).await, Some(StatusCode::OK));
    }

    // RSS: an enclosure with the stored file's length, and Media RSS.
    let rss = app.get_page("/feed.xml").await;
    assert_eq!(rss.header("content-type").as_deref(), Some(RSS));
    assert!(
        rss.body
            .contains(r#"xmlns:media="http://search.yahoo.com/mrss/""#),
        "{}",
        rss.body
    );
    let elements = xml_elements(&rss.body);
    let named = |name: &str| {
        elements
            .iter()
            .filter(|e| e.name == name)
            .cloned()
            .collect::<Vec<_>>()
    };
    let bytes = app.media_file(og_image.rsplit('/').next().unwrap()).len();
    let enclosure = &named("enclosure")[0];
    assert_eq!(enclosure.attrs["url"], og_image);
    assert_eq!(enclosure.attrs["type"], "image/jpeg");
    assert_eq!(enclosure.attrs["length"], bytes.to_string());
    let content = &named("media:content")[0];
    assert_eq!(content.attrs["url"], og_image);
    assert_eq!(content.attrs["medium"], "image");
    assert_eq!(content.attrs["width"], "1600");
    assert_eq!(content.attrs["fileSize"], bytes.to_string());
    assert_eq!(named("media:description")[0].text, ALT);
    // An independent parser reads it as the item's image.
    let feed = feed_rs::parser::parse(rss.body.as_bytes()).unwrap();
    let media = &feed.entries[0].media;
    assert!(
        media
            .iter()
            .flat_map(|m| &m.content)
            .any(|c| c.url.as_ref().map(|u| u.as_str()) == Some(og_image.as_str())),
        "{media:?}"
    );
    // Its body's picture points at the site with every address.
    let body = feed.entries[0]
        .content
        .as_ref()
        .unwrap()
        .body
        .clone()
        .unwrap();
    assert!(
        !body.contains("\"/media/") && !body.contains(", /media/"),
        "{body}"
    );

    // Atom: a link with rel="enclosure".
    let atom = app.get_page("/atom.xml").await;
    assert_eq!(atom.header("content-type").as_deref(), Some(ATOM));
    let feed = feed_rs::parser::parse(atom.body.as_bytes()).unwrap();
    let enclosure = feed.entries[0]
        .links
        .iter()
        .find(|l| l.rel.as_deref() == Some("enclosure"))
        .expect("an enclosure link");
    assert_eq!(enclosure.href, og_image);
    assert_eq!(enclosure.media_type.as_deref(), Some("image/jpeg"));
    assert_eq!(enclosure.length, Some(bytes as u64));
}

#[actix_web::test]
async fn a_story_without_a_photo_keeps_its_summary_card_and_plain_feed_items() {
    let app = TestApp::spawn().await;
    let session = app.sign_in("desk").await;
    let page = save_story(
        &session,
        &[("headline", "No photo today"), ("body", "Words only.")],
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let story = app.get_page("/news/no-photo-today").await;
    assert!(!story.body.contains("og:image"), "{}", story.body);
    assert_eq!(
        story.attrs("meta[name='twitter:card']", "content"),
        ["summary"]
    );
    assert!(!story.body.contains(r#""image""#), "{}", story.body);
    assert!(
        app.get_page("/")
            .await
            .attrs(".story-card picture", "class")
            .is_empty(),
        "no thumbnail"
    );
    let rss = app.get_page("/feed.xml").await.body;
    assert!(!rss.contains("enclosure") && !rss.contains("mrss"), "{rss}");
    assert!(!app.get_page("/atom.xml").await.body.contains("enclosure"));
    assert_eq!(app.media_rows().await, (0, 0));
}

#[actix_web::test]
async fn a_photo_without_alt_text_on_the_story_form_comes_back_with_every_field_and_nothing_stored()
{
    let app = TestApp::spawn().await;
    let session = app.sign_in("desk").await;
    let jpeg = fixtures::jpeg(&fixtures::picture(800, 600));
    let page = save_story(
        &session,
        &[
            ("headline", "Pickets at the HRI"),
            ("body", "Pickets at the main gate."),
            ("alt", " "),
            ("caption", "The 8am picket"),
            ("credit", "Jo Bloggs"),
        ],
        Some(&jpeg),
    )
    .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.texts("#alt-error")
            .join(" ")
            .contains("Write the alt text"),
        "{}",
        page.body
    );
    assert!(
        page.texts("#photo-error")
            .join(" ")
            .contains("Choose the photo again")
    );
    assert_eq!(
        page.attrs("input[name=headline]", "value"),
        ["Pickets at the HRI"]
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
    assert_eq!(
        page.attrs("input[name=topics]", "value"),
        ["Doctors' strike"]
    );
    assert_eq!(app.media_rows().await, (0, 0));
    assert_eq!(app.media_dir_entries(), Vec::<String>::new());
    assert_eq!(app.get_page("/news/pickets-at-the-hri").await.status, 404);
}

#[actix_web::test]
async fn a_previewed_photo_is_kept_as_the_first_line_of_the_body() {
    let app = TestApp::spawn().await;
    let session = app.sign_in("desk").await;
    let jpeg = fixtures::jpeg(&fixtures::picture(800, 600));
    let page = save_story(
        &session,
        &[
            ("headline", "Pickets at the HRI"),
            ("body", "Pickets at the main gate."),
            ("alt", ALT),
            ("credit", "Jo Bloggs"),
            ("action", "preview"),
        ],
        Some(&jpeg),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.attrs(".preview figure.photo img", "alt"),
        [ALT],
        "{}",
        page.body
    );
    // The browser cannot keep the file, so the form keeps the stored photo's
    // line instead: saving it as it stands makes the photo the lead.
    let textarea = scraper::Selector::parse("textarea[name=body]").unwrap();
    let body: String = page
        .html()
        .select(&textarea)
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        body.starts_with(&format!("![{ALT}](/media/"))
            && body.ends_with("-800.jpg \"| Jo Bloggs\")\n\nPickets at the main gate."),
        "{body}"
    );
    assert_eq!(page.attrs("input[name=alt]", "value"), [""]);
    assert_eq!(app.media_rows().await.0, 1);
    let saved = save_story(
        &session,
        &[("headline", "Pickets at the HRI"), ("body", &body)],
        None,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let story = app.story("pickets-at-the-hri").await;
    assert_eq!(story.lead_photo_alt, ALT);
    assert!(story.lead_photo_id.is_some());
}

#[actix_web::test]
async fn thumbnails_below_the_first_screen_load_lazily() {
    let app = TestApp::spawn().await;
    let session = app.sign_in("desk").await;
    for n in 1..=4 {
        story_with_photo(&session, &format!("Picket report {n}")).await;
    }
    // One photo, stored once, whatever the number of stories it leads.
    assert_eq!(app.media_rows().await.0, 1);
    let page = app.get_page("/").await;
    let loading: Vec<Option<String>> = page
        .html()
        .select(&scraper::Selector::parse(".story-card-photo img").unwrap())
        .map(|img| img.value().attr("loading").map(str::to_owned))
        .collect();
    assert_eq!(loading, [None, None, None, Some("lazy".to_owned())]);
}

#[actix_web::test]
async fn a_photo_added_when_editing_a_story_leads_above_what_was_there() {
    let app = TestApp::spawn().await;
    let session = app.sign_in("desk").await;
    let slug = session
        .create_story("Pickets at the HRI", "Words first.")
        .await;
    let story = app.story(&slug).await;
    let jpeg = fixtures::jpeg(&fixtures::picture(800, 600));
    let version = story.version.to_string();
    let page = session
        .app
        .post_multipart(
            &format!("/admin/stories/{slug}/edit"),
            &session.cookie,
            &[
                ("csrf_token", &session.csrf),
                ("headline", "Pickets at the HRI"),
                ("body", "Words first."),
                ("status", "published"),
                ("live", "none"),
                ("byline", "Desk"),
                ("version", &version),
                ("action", "save"),
                ("alt", ALT),
            ],
            &[("photo", "gate.jpg", "image/jpeg", &jpeg)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let saved = app.story(&slug).await;
    assert!(
        saved.body_md.starts_with(&format!("![{ALT}](/media/"))
            && saved.body_md.ends_with(")\n\nWords first."),
        "{}",
        saved.body_md
    );
    assert_eq!(saved.lead_photo_alt, ALT);
    let front = app.get_page("/").await;
    assert_eq!(front.attrs(".story-card-photo img", "alt"), [ALT]);
}
