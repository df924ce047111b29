//! `/sitemap.xml` (a sitemap index), its pages `/sitemap-{n}.xml`,
//! `/sitemap-news.xml` and the `/robots.txt` line pointing at the index.

use std::collections::BTreeSet;

use awc::http::StatusCode;
use chrono::{Duration, SecondsFormat, Utc};

use super::{LIVE, SITE, XML, draft_file, texts_of, xml_elements};
use newsdesk::domain::StoryInput;

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

/// The sitemap index's entries: each sitemap's address (made relative to
/// the site) and its `lastmod`, after checking the index's form.
async fn sitemap_index(app: &TestApp) -> Vec<(String, Option<String>)> {
    let index = app.get_page("/sitemap.xml").await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(index.header("content-type").as_deref(), Some(XML));
    assert!(index.header("xkey").unwrap().contains("sitemap"));
    let elements = xml_elements(&index.body);
    assert_eq!(elements[0].name, "sitemapindex");
    assert_eq!(
        elements[0].attrs["xmlns"],
        "http://www.sitemaps.org/schemas/sitemap/0.9"
    );
    let mut entries = Vec::new();
    for (at, element) in elements.iter().enumerate() {
        if element.name == "loc" {
            let path = element.text.strip_prefix(SITE).expect("on the site");
            let lastmod = elements
                .get(at + 1)
                .filter(|e| e.name == "lastmod")
                .map(|e| e.text.clone());
            entries.push((path.to_owned(), lastmod));
        }
    }
    assert_eq!(
        entries
            .last()
            .map(|(path, lastmod)| (path.as_str(), lastmod)),
        Some(("/sitemap-news.xml", &None)),
        "the news sitemap, last"
    );
    entries
}

/// A sitemap page's URLs and their `lastmod`s, after checking its form.
async fn sitemap_page(app: &TestApp, path: &str) -> Vec<(String, String)> {
    let page = app.get_page(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    assert_eq!(page.header("content-type").as_deref(), Some(XML));
    assert!(page.header("xkey").unwrap().contains("sitemap"));
    let elements = xml_elements(&page.body);
    assert_eq!(elements[0].name, "urlset");
    assert_eq!(
        elements[0].attrs["xmlns"],
        "http://www.sitemaps.org/schemas/sitemap/0.9"
    );
    elements
        .iter()
        .enumerate()
        .filter(|(_, e)| e.name == "loc")
        .map(|(at, e)| {
            assert_eq!(elements[at + 1].name, "lastmod", "{path}");
            (e.text.clone(), elements[at + 1].text.clone())
        })
        .collect()
}

#[actix_web::test]
async fn the_sitemap_index_leads_to_every_published_story_and_no_draft() {
    let app = TestApp::with_demo_content().await;
    let draft = content_dir(&[("secret-plans.md", &draft_file("Secret plans", "Not yet."))]);
    app.import(draft.path()).await.expect("imports");

    let index = sitemap_index(&app).await;
    let paths: Vec<&str> = index.iter().map(|(path, _)| path.as_str()).collect();
    assert_eq!(paths, ["/sitemap-1.xml", "/sitemap-news.xml"]);

    let urls = sitemap_page(&app, "/sitemap-1.xml").await;
    let mut listed: Vec<String> = urls.iter().map(|(url, _)| url.clone()).collect();
    listed.sort();
    let expected: Vec<String> = demo_slugs()
        .iter()
        .map(|slug| format!("{SITE}/news/{slug}"))
        .collect();
    assert_eq!(listed, expected, "every published story, and not the draft");

    let live = app.story(LIVE).await;
    let (_, lastmod) = urls
        .iter()
        .find(|(url, _)| *url == format!("{SITE}/news/{LIVE}"))
        .unwrap();
    assert_eq!(*lastmod, live.updated_at.to_rfc3339());
    let newest = urls.iter().map(|(_, lastmod)| lastmod).max().cloned();
    assert_eq!(index[0].1, newest, "a page's lastmod is its newest story's");
}

#[actix_web::test]
async fn past_one_page_the_sitemap_pages_list_every_published_story_exactly_once() {
    let app = TestApp::spawn_with(|config| config.sitemap_page_urls = 3).await;
    let editor = app.create_editor("desk").await;
    let save = |number: usize, status: &str| {
        let input = StoryInput {
            headline: format!("Council meeting number {number}"),
            standfirst: "Standfirst.".into(),
            byline: "Desk".into(),
            body: "Body.".into(),
            status: status.into(),
            live: "none".into(),
            ..Default::default()
        };
        app.save_story(input, editor)
    };
    // Ids 1 to 10; 4 to 6 (the whole second page) are drafts.
    let mut published = Vec::new();
    for number in 1..=10 {
        let status = if (4..=6).contains(&number) {
            "draft"
        } else {
            "published"
        };
        let slug = save(number, status).await;
        if status == "published" {
            published.push(format!("{SITE}/news/{slug}"));
        }
    }

    let listed = every_listed_story(&app).await;
    assert_eq!(
        sitemap_index(&app)
            .await
            .iter()
            .map(|(path, _)| path.as_str())
            .collect::<Vec<_>>(),
        [
            "/sitemap-1.xml",
            "/sitemap-3.xml",
            "/sitemap-4.xml",
            "/sitemap-news.xml"
        ],
        "a page of drafts only is left out"
    );
    assert_eq!(sorted(listed), sorted(published.clone()));

    for path in [
        "/sitemap-2.xml",
        "/sitemap-5.xml",
        "/sitemap-0.xml",
        "/sitemap-01.xml",
        "/sitemap-x.xml",
    ] {
        assert_eq!(
            app.get_page(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }

    // A story published now reaches the cached index and its page.
    published.push(format!("{SITE}/news/{}", save(11, "published").await));
    assert_eq!(sorted(every_listed_story(&app).await), sorted(published));
}

/// Every URL the sitemap index's pages list, in order, after checking that
/// no page has more than the page size (3) and that each page's `lastmod`
/// in the index is its newest story's.
async fn every_listed_story(app: &TestApp) -> Vec<String> {
    let mut listed = Vec::new();
    for (path, lastmod) in sitemap_index(app).await {
        if path == "/sitemap-news.xml" {
            continue;
        }
        let urls = sitemap_page(app, &path).await;
        assert!((1..=3).contains(&urls.len()), "{path}: {urls:?}");
        let newest = urls.iter().map(|(_, lastmod)| lastmod).max().cloned();
        assert_eq!(lastmod, newest, "{path}");
        listed.extend(urls.into_iter().map(|(url, _)| url));
    }
    let distinct: BTreeSet<&String> = listed.iter().collect();
    assert_eq!(distinct.len(), listed.len(), "listed twice: {listed:?}");
    listed
}

fn sorted(mut urls: Vec<String>) -> Vec<String> {
    urls.sort();
    urls
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
async fn robots_txt_points_crawlers_at_the_sitemap_index() {
    let app = TestApp::spawn().await;
    let page = app.get_page("/robots.txt").await;
    let sitemaps: Vec<&str> = page
        .body
        .lines()
        .filter(|line| line.starts_with("Sitemap:"))
        .collect();
    assert_eq!(sitemaps, ["Sitemap: https://news.example/sitemap.xml"]);
}
