//! Feeds and sitemaps: `/feed.xml`, `/atom.xml`, `/news/{slug}/feed.xml`,
//! `/news/{slug}/atom.xml`, `/topics/{slug}/feed.xml`, `/sitemap.xml`,
//! `/sitemap-news.xml`. Feeds are read back with an independent parser
//! (feed-rs); sitemaps and tombstones with quick-xml.

mod escaping;
mod last_modified;
mod polling;
mod sitemaps;
mod stories;
mod updates;

use std::collections::BTreeMap;

use awc::http::StatusCode;
use newsdesk::db::{self, updates::UpdateRow};
use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use crate::helpers::TestApp;

/// The site URL every test app is configured with.
pub const SITE: &str = "https://news.example";
/// The demo content's live story.
pub const LIVE: &str = "junior-doctors-strike-live";

pub const RSS: &str = "application/rss+xml; charset=utf-8";
pub const ATOM: &str = "application/atom+xml; charset=utf-8";
pub const XML: &str = "application/xml; charset=utf-8";

/// Fetches `path`, checks it is a 200 of `content_type` and parses it with feed-rs.
pub async fn fetch_feed(app: &TestApp, path: &str, content_type: &str) -> feed_rs::model::Feed {
    let page = app.get_page(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    assert_eq!(
        page.header("content-type").as_deref(),
        Some(content_type),
        "{path}"
    );
    feed_rs::parser::parse(page.body.as_bytes())
        .unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
}

/// The story's live updates as stored, newest first.
pub async fn stored_updates(app: &TestApp, slug: &str) -> Vec<UpdateRow> {
    let id = app.story(slug).await.id;
    let mut conn = app.room.db.acquire().await.unwrap();
    db::updates::newest(&mut conn, id, 1_000).await.unwrap()
}

/// A story file like `story_file`'s, but a draft.
pub fn draft_file(headline: &str, body: &str) -> String {
    crate::helpers::story_file(headline, body).replacen(
        "published =",
        "status = \"draft\"\npublished =",
        1,
    )
}

/// A story's permalink, or one of its updates', as feeds give it.
pub fn permalink(slug: &str, update_id: Option<i64>) -> String {
    match update_id {
        Some(id) => format!("{SITE}/news/{slug}?update={id}#update-{id}"),
        None => format!("{SITE}/news/{slug}"),
    }
}

/// The `href` of the feed's (or entry's) link with relation `rel`.
pub fn link_href(links: &[feed_rs::model::Link], rel: &str) -> Option<String> {
    links
        .iter()
        .find(|l| l.rel.as_deref() == Some(rel))
        .map(|l| l.href.clone())
}

/// One element of an XML document: its name, attributes and text.
#[derive(Debug, Clone)]
pub struct XmlElement {
    pub name: String,
    pub attrs: BTreeMap<String, String>,
    pub text: String,
}

/// Every element of `xml` in document order, panicking unless it is well-formed
/// (one root, every tag closed by its own name, entities known).
pub fn xml_elements(xml: &str) -> Vec<XmlElement> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut elements, mut open) = (Vec::<XmlElement>::new(), Vec::<usize>::new());
    loop {
        let text = match reader
            .read_event()
            .unwrap_or_else(|e| panic!("malformed XML: {e}\n{xml}"))
        {
            Event::Start(start) => {
                push_element(&mut elements, &open, &start);
                open.push(elements.len() - 1);
                continue;
            }
            Event::Empty(start) => {
                push_element(&mut elements, &open, &start);
                continue;
            }
            Event::End(_) => {
                open.pop();
                continue;
            }
            Event::Text(text) => text.xml10_content().unwrap().into_owned(),
            Event::CData(data) => data.decode().unwrap().into_owned(),
            Event::GeneralRef(reference) => match reference.resolve_char_ref().unwrap() {
                Some(c) => c.to_string(),
                None => resolve_predefined_entity(&reference.decode().unwrap())
                    .expect("known entity")
                    .to_owned(),
            },
            Event::Eof => break,
            _ => continue,
        };
        if let Some(&at) = open.last() {
            elements[at].text.push_str(&text);
        }
    }
    assert!(
        open.is_empty() && !elements.is_empty(),
        "unclosed or missing root element"
    );
    elements
}

fn push_element(elements: &mut Vec<XmlElement>, open: &[usize], start: &BytesStart) {
    assert!(
        !open.is_empty() || elements.is_empty(),
        "a second root element: {start:?}"
    );
    elements.push(element(start));
}

fn element(start: &BytesStart) -> XmlElement {
    let attrs = start
        .attributes()
        .map(|a| {
            let a = a.expect("well-formed attribute");
            let value = a
                .normalized_value(XmlVersion::Explicit1_0)
                .expect("attribute value")
                .into_owned();
            (String::from_utf8(a.key.as_ref().to_vec()).unwrap(), value)
        })
        .collect();
    let name = String::from_utf8(start.name().as_ref().to_vec()).unwrap();
    XmlElement {
        name,
        attrs,
        text: String::new(),
    }
}

/// Texts of the elements named `name`.
pub fn texts_of(elements: &[XmlElement], name: &str) -> Vec<String> {
    elements
        .iter()
        .filter(|e| e.name == name)
        .map(|e| e.text.trim().to_owned())
        .collect()
}
