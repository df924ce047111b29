//! Everything a reader (or an editor) is sent after the corpus went in.

use std::collections::BTreeSet;
use std::time::Duration;

use awc::http::StatusCode;
use futures_util::StreamExt;

use super::inert::Problems;
use super::seed::{Seeded, seed};
use super::{cut_bytes, payloads};
use crate::helpers::TestApp;

/// Longest search the site answers, in bytes.
const SEARCH_BYTES: usize = 200;

/// At least this share of the payloads typed into a text field must be
/// stored, or the test proves little.
const MIN_STORED: f64 = 0.8;

/// Fields whose text is parsed into something narrower (a number, a slug):
/// nearly every payload is refused there, and the refusal is the pass.
const PARSED_FIELDS: &[&str] = &["update.number", "story.slug"];

#[actix_web::test]
async fn no_payload_typed_into_any_field_or_search_comes_back_as_executable_markup() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("xss-desk").await;
    let payloads = payloads();
    let seeded = seed(&desk, &payloads).await;
    assert_most_were_stored(&seeded);

    let mut problems = Problems::default();
    let mut topics = BTreeSet::new();
    let mut pages = 0;
    for slug in &seeded.slugs {
        pages += check_story(&app, &desk, slug, &mut problems).await;
        let story = app.story(slug).await;
        let mut conn = app.room.db.acquire().await.unwrap();
        let rows = newsdesk::db::topics::for_story(&mut conn, story.id)
            .await
            .unwrap();
        topics.extend(rows.into_iter().map(|t| t.slug));
    }
    for topic in &topics {
        let page = app.get_page(&format!("/topics/{topic}")).await;
        problems.html_page(&format!("/topics/{topic}"), &page.body);
        let feed = app.get_page(&format!("/topics/{topic}/feed.xml")).await;
        problems.feed(&format!("/topics/{topic}/feed.xml"), &feed.body);
        pages += 2;
    }
    for path in [
        "/",
        "/feed.xml",
        "/atom.xml",
        "/sitemap.xml",
        "/sitemap-news.xml",
    ] {
        let page = app.get_page(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        if path == "/" {
            problems.html_page(path, &page.body);
        } else if path.starts_with("/sitemap") {
            crate::feeds::xml_elements(&page.body);
        } else {
            problems.feed(path, &page.body);
        }
    }
    problems.html_page("/admin", &desk.get("/admin").await.body);
    pages += 6;
    let mut hits = 0;
    for payload in &payloads {
        let query = cut_bytes(payload, SEARCH_BYTES);
        let path = format!(
            "/search?{}",
            serde_urlencoded::to_string([("q", query)]).unwrap()
        );
        let page = app.get_page(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        hits += page.texts(".search-results li").len();
        problems.html_page(&path, &page.body);
    }
    assert!(hits > payloads.len(), "searches found only {hits} results");
    eprintln!(
        "{} payloads, {} stories, {} topics, {pages} pages, feeds and streams and {} searches checked",
        payloads.len(),
        seeded.slugs.len(),
        topics.len(),
        payloads.len()
    );
    let report: Vec<&String> = problems.0.iter().take(40).collect();
    assert!(
        problems.0.is_empty(),
        "{} problems:\n{report:#?}",
        problems.0.len()
    );
}

/// Prints what was stored per field and insists most of it was.
fn assert_most_were_stored(seeded: &Seeded) {
    for (field, (stored, typed)) in &seeded.tally {
        eprintln!("{field}: {stored} of {typed} payloads stored");
        if !PARSED_FIELDS.contains(&field.as_str()) {
            assert!(
                *stored as f64 >= MIN_STORED * *typed as f64,
                "{field}: only {stored} of {typed} payloads stored"
            );
        }
    }
    let fields = newsdesk::domain::fields::STORY_FIELDS.len()
        + newsdesk::domain::fields::UPDATE_FIELDS.len();
    assert_eq!(
        seeded.tally.len(),
        fields,
        "every field in the table was attacked"
    );
}

/// Checks the story's page, fragments, stream, feeds, figures and desk page;
/// returns how many responses it checked.
async fn check_story(
    app: &TestApp,
    desk: &crate::editor_session::EditorSession<'_>,
    slug: &str,
    problems: &mut Problems,
) -> usize {
    let news = format!("/news/{slug}");
    let page = app.get_page(&news).await;
    assert_eq!(page.status, StatusCode::OK, "{news}");
    problems.html_page(&news, &page.body);
    let path = format!("{news}/updates?after=0");
    let fragment = app.get_page(&path).await;
    assert_eq!(fragment.status, StatusCode::OK, "{path}");
    problems.html_fragment(&path, &fragment.body);
    for (event, data) in replay(app, slug).await {
        let place = format!("{news}/events?since=0 ({event})");
        match event.as_str() {
            "story" => problems.json(&place, &data),
            _ => problems.html_fragment(&place, &data),
        }
    }
    for feed in ["feed.xml", "atom.xml"] {
        let path = format!("{news}/{feed}");
        problems.feed(&path, &app.get_page(&path).await.body);
    }
    let path = format!("{news}/figures.json");
    let json = app.get_page(&path).await;
    if json.status == StatusCode::OK {
        problems.json(&path, &json.body);
    }
    let path = format!("{news}/figures.csv");
    let csv = app.get_page(&path).await;
    if csv.status == StatusCode::OK {
        let kind = csv.header("content-type").unwrap_or_default();
        assert!(kind.starts_with("text/csv"), "{path}: {kind}");
        assert_eq!(
            csv.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
    }
    let path = format!("/admin/stories/{slug}");
    problems.html_page(&path, &desk.get(&path).await.body);
    8
}

/// The story's stream replayed from the start (`?since=0`): each event's
/// name and data, read up to the story's latest change.
async fn replay(app: &TestApp, slug: &str) -> Vec<(String, String)> {
    let last = app.cursor(slug).await.to_string();
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    let mut response = client
        .get(app.url(&format!("/news/{slug}/events?since=0")))
        .send()
        .await
        .expect("stream opens");
    assert_eq!(response.status(), StatusCode::OK);
    let (mut buffer, mut events) = (Vec::<u8>::new(), Vec::new());
    loop {
        while let Some(end) = buffer.windows(2).position(|w| w == b"\n\n") {
            let bytes: Vec<u8> = buffer.drain(..end + 2).collect();
            let frame = String::from_utf8(bytes).expect("frames are UTF-8");
            let (mut id, mut event, mut data) = (None, None, Vec::new());
            for line in frame.lines() {
                match line.split_once(": ") {
                    Some(("id", v)) => id = Some(v.to_owned()),
                    Some(("event", v)) => event = Some(v.to_owned()),
                    Some(("data", v)) => data.push(v),
                    _ => {}
                }
            }
            if let Some(event) = event {
                events.push((event, data.join("\n")));
            }
            if id.as_deref() == Some(last.as_str()) {
                return events;
            }
        }
        let chunk = tokio::time::timeout(Duration::from_secs(5), response.next())
            .await
            .expect("the replay within 5 s")
            .expect("stream still open")
            .expect("chunk read");
        buffer.extend_from_slice(&chunk);
    }
}
