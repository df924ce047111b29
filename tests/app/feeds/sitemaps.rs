//! `/sitemap.xml`, `/sitemap-news.xml` and the `/robots.txt` lines pointing at them.

use awc::http::StatusCode;
use chrono::{Duration, SecondsFormat, Utc};

use super::{LIVE, SITE, XML, draft_file, texts_of, xml_elements};
use crate::helpers::{TestApp, content_dir, demo_content, story_file};

/// The slugs of the demo stories, from their file names.
fn demo_slugs() -> Vec<String> {
    let files = std::fs::read_dir(demo_content()).unwrap();
    // Story files only: `media/` holds their images.
    let mut slugs: Vec<String> = files
        .map(|f| f.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    slugs.sort();
    slugs
}

#[actix_web::test]
async fn the_sitemap_lists_every_published_story_and_no_draft() {
    let app = TestApp::with_demo_content().await;
    let draft = content_dir(&[("secret-plans.md", &draft_file("Secret plans", "Not yet."))]);
    app.import(draft.path()).await.expect("imports");

    let page = app.get_page("/sitemap.xml").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-type").as_deref(), Some(XML));
    let elements = xml_elements(&page.body);
    assert_eq!(elements[0].name, "urlset");
    assert_eq!(
        elements[0].attrs["xmlns"],
        "http://www.sitemaps.org/schemas/sitemap/0.9"
    );

    let mut listed = texts_of(&elements, "loc");
    listed.sort();
    let expected: Vec<String> = demo_slugs()
        .iter()
        .map(|slug| format!("{SITE}/news/{slug}"))
        .collect();
    assert_eq!(listed, expected, "every published story, and not the draft");

    let live = app.story(LIVE).await;
    let at = elements
        .iter()
        .position(|e| e.text == format!("{SITE}/news/{LIVE}"))
        .unwrap();
    assert_eq!(elements[at + 1].name, "lastmod");
    assert_eq!(elements[at + 1].text, live.updated_at.to_rfc3339());
}

#[actix_web::test]
async fn the_news_sitemap_lists_the_stories_of_the_last_48_hours() {
    let app = TestApp::with_demo_content().await;
    let published = (Utc::now() - Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let headline = "Fish & chips <b>'special'</b> café";
    let file = story_file(headline, "Fresh today.").replace(
        "published = 2016-01-12T07:30:00Z",
        &format!("published = {published}"),
    );
    let recent = content_dir(&[("fish-and-chips.md", &file)]);
    app.import(recent.path()).await.expect("imports");

    let page = app.get_page("/sitemap-news.xml").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-type").as_deref(), Some(XML));
    let elements = xml_elements(&page.body);
    assert_eq!(
        elements[0].attrs["xmlns:news"],
        "http://www.google.com/schemas/sitemap-news/0.9"
    );
    assert_eq!(
        texts_of(&elements, "loc"),
        [format!("{SITE}/news/fish-and-chips")],
        "only the last 48 hours"
    );
    assert_eq!(texts_of(&elements, "news:name"), ["Calder Valley Courier"]);
    assert_eq!(texts_of(&elements, "news:language"), ["en"]);
    assert_eq!(texts_of(&elements, "news:title"), [headline]);
    let date = texts_of(&elements, "news:publication_date").remove(0);
    assert_eq!(
        date.parse::<chrono::DateTime<Utc>>().unwrap(),
        published.parse::<chrono::DateTime<Utc>>().unwrap()
    );
}

#[actix_web::test]
async fn robots_txt_points_crawlers_at_both_sitemaps() {
    let app = TestApp::spawn().await;
    let page = app.get_page("/robots.txt").await;
    assert!(
        page.body
            .contains("Sitemap: https://news.example/sitemap.xml\n"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Sitemap: https://news.example/sitemap-news.xml\n"),
        "{}",
        page.body
    );
}
