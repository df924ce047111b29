//! Every feed, fed hostile plain text: whatever a feed carries in an HTML
//! context (RSS `description` and `content:encoded`, Atom text constructs of
//! type `html`) must be HTML a feed reader can render without running anything.

use chrono::{TimeZone, Utc};
use newsdesk::domain::{StoryInput, UpdateInput};
use scraper::Html;

use super::{ATOM, RSS, XmlElement, xml_elements};
use crate::helpers::{TestApp, plain_update};

/// Markup that would run script if a feed reader rendered it as HTML.
const HOSTILE: &str =
    r#"<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a>"#;

/// A published live story whose every plain-text field, and every kind of
/// update's, carries [`HOSTILE`]; returns its slug and its topic's.
async fn hostile_story(app: &TestApp) -> (String, String) {
    let editor = app.create_editor("desk").await;
    let slug = app
        .save_story(
            StoryInput {
                headline: format!("Head {HOSTILE}"),
                standfirst: format!("Stand {HOSTILE}"),
                byline: format!("By {HOSTILE}"),
                body: format!("Body {HOSTILE}"),
                // Topics are capped at 80 characters: the shorter half of the markup.
                topics: vec![
                    r#"T <script>alert(4)</script><img src=x onerror=alert(5)>"#.to_owned(),
                ],
                slug: "hostile".into(),
                status: "published".into(),
                live: "live".into(),
            },
            editor,
        )
        .await;
    let updates = [
        UpdateInput {
            author: format!("Author {HOSTILE}"),
            ..plain_update(&format!("Update {HOSTILE}"))
        },
        UpdateInput {
            kind: "picket".into(),
            place: format!("Place {HOSTILE}"),
            ..plain_update("Picket.")
        },
        UpdateInput {
            kind: "statement".into(),
            who: format!("Who {HOSTILE}"),
            ..plain_update("Statement.")
        },
        UpdateInput {
            kind: "figures".into(),
            number: "3".into(),
            what: format!("What {HOSTILE}"),
            source: format!("Source {HOSTILE}"),
            ..plain_update("Figures.")
        },
    ];
    for (minute, update) in updates.into_iter().enumerate() {
        let at = Utc
            .with_ymd_and_hms(2026, 1, 12, 9, minute as u32, 0)
            .unwrap();
        app.publish(&slug, update, at).await;
    }
    let mut conn = app.room.db.acquire().await.unwrap();
    let story = app.story(&slug).await;
    let topics = newsdesk::db::topics::for_story(&mut conn, story.id)
        .await
        .unwrap();
    (slug, topics[0].slug.clone())
}

/// The values of `xml` that a feed reader renders as HTML.
fn html_contexts(xml: &str) -> Vec<XmlElement> {
    xml_elements(xml)
        .into_iter()
        .filter(|e| match e.name.as_str() {
            "description" | "content:encoded" => true,
            "title" | "subtitle" | "summary" | "content" | "rights" => {
                e.attrs.get("type").is_some_and(|t| t == "html")
            }
            _ => false,
        })
        .collect()
}

/// Panics if `html`, rendered, holds a script element, an event-handler
/// attribute or a `javascript:` URL.
fn assert_inert(feed: &str, html: &str) {
    let fragment = Html::parse_fragment(html);
    for element in fragment.root_element().descendent_elements() {
        let element = element.value();
        assert_ne!(element.name(), "script", "{feed}: a script in {html}");
        for (name, value) in element.attrs() {
            assert!(!name.starts_with("on"), "{feed}: `{name}` in {html}");
            assert!(
                !value.trim().to_ascii_lowercase().starts_with("javascript:"),
                "{feed}: a javascript: URL in {html}"
            );
        }
    }
}

#[actix_web::test]
async fn plain_text_in_every_feed_is_escaped_before_it_is_html() {
    let app = TestApp::spawn().await;
    let (slug, topic) = hostile_story(&app).await;
    let feeds = [
        ("/feed.xml".to_owned(), RSS),
        ("/atom.xml".to_owned(), ATOM),
        (format!("/news/{slug}/feed.xml"), RSS),
        (format!("/news/{slug}/atom.xml"), ATOM),
        (format!("/topics/{topic}/feed.xml"), RSS),
    ];
    for (path, content_type) in feeds {
        let page = app.get_page(&path).await;
        assert_eq!(page.header("content-type").as_deref(), Some(content_type));
        let values = html_contexts(&page.body);
        assert!(!values.is_empty(), "{path} has no HTML to check");
        for value in values {
            assert_inert(&path, &value.text);
        }
    }
    let site = app.get_page("/feed.xml").await;
    let standfirst = html_contexts(&site.body)
        .into_iter()
        .find(|e| e.text.starts_with("Stand"))
        .expect("the story's description");
    assert!(
        Html::parse_fragment(&standfirst.text)
            .root_element()
            .text()
            .collect::<String>()
            .contains("<script>alert(1)</script>"),
        "the standfirst reads as typed: {}",
        standfirst.text
    );
}
