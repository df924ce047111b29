//! `/feed.xml`, `/atom.xml` and `/topics/{slug}/feed.xml`: feeds of stories.

use awc::http::StatusCode;
use feed_rs::model::FeedType;

use super::{ATOM, LIVE, RSS, SITE, draft_file, fetch_feed, link_href, permalink};
use crate::helpers::{TestApp, content_dir, story_file, story_input};

#[actix_web::test]
async fn the_rss_feed_lists_the_latest_stories_with_absolute_links() {
    let app = TestApp::with_demo_content().await;
    let feed = fetch_feed(&app, "/feed.xml", RSS).await;
    assert_eq!(feed.feed_type, FeedType::RSS2);
    assert_eq!(feed.title.unwrap().content, "Calder Valley Courier");
    assert_eq!(
        link_href(&feed.links, "self").as_deref(),
        Some("https://news.example/feed.xml")
    );
    assert_eq!(feed.entries.len(), 8, "every demo story");

    let published: Vec<_> = feed
        .entries
        .iter()
        .map(|e| e.published.expect("pubDate"))
        .collect();
    assert!(
        published.is_sorted_by(|a, b| a >= b),
        "newest first: {published:?}"
    );
    for entry in &feed.entries {
        assert!(
            entry.id.starts_with(&format!("{SITE}/news/")),
            "{}",
            entry.id
        );
        assert_eq!(entry.links[0].href, entry.id, "the guid is the link");
        assert!(
            !entry.summary.as_ref().unwrap().content.is_empty(),
            "a standfirst"
        );
        let body = entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .expect("content:encoded");
        assert!(
            !body.contains("href=\"/"),
            "relative link left in {}",
            entry.id
        );
    }

    let expected = app.story(LIVE).await;
    let entry = feed
        .entries
        .iter()
        .find(|e| e.id == permalink(LIVE, None))
        .expect("the live story");
    assert_eq!(entry.title.as_ref().unwrap().content, expected.headline);
    assert_eq!(entry.summary.as_ref().unwrap().content, expected.standfirst);
    assert_eq!(entry.authors[0].name, "Sarah Holt, Health Correspondent");
    assert_eq!(entry.published, Some(expected.published_at));
    let categories: Vec<&str> = entry.categories.iter().map(|c| c.term.as_str()).collect();
    assert_eq!(categories, ["Doctors' strike", "Health", "Huddersfield"]);
    let body = entry.content.as_ref().unwrap().body.as_deref().unwrap();
    assert!(
        body.contains(r#"href="https://news.example/news/earlier-strike-called-off""#),
        "{body}"
    );
    assert!(
        body.contains("<strong>Huddersfield Royal Infirmary</strong>"),
        "{body}"
    );
}

#[actix_web::test]
async fn the_atom_feed_lists_the_same_stories() {
    let app = TestApp::with_demo_content().await;
    let rss = fetch_feed(&app, "/feed.xml", RSS).await;
    let atom = fetch_feed(&app, "/atom.xml", ATOM).await;
    assert_eq!(atom.feed_type, FeedType::Atom);
    assert_eq!(atom.id, "https://news.example/atom.xml");
    assert_eq!(
        link_href(&atom.links, "self").as_deref(),
        Some("https://news.example/atom.xml")
    );
    assert_eq!(
        link_href(&atom.links, "alternate").as_deref(),
        Some("https://news.example/")
    );
    let ids = |feed: &feed_rs::model::Feed| {
        feed.entries
            .iter()
            .map(|e| e.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&atom), ids(&rss));

    let expected = app.story(LIVE).await;
    assert_eq!(
        atom.updated,
        Some(expected.updated_at),
        "the newest change is the live story's"
    );
    let entry = atom
        .entries
        .iter()
        .find(|e| e.id == permalink(LIVE, None))
        .unwrap();
    assert_eq!(entry.updated, Some(expected.updated_at));
    assert_eq!(entry.published, Some(expected.published_at));
    assert_eq!(
        link_href(&entry.links, "alternate"),
        Some(permalink(LIVE, None))
    );
    assert_eq!(entry.authors[0].name, expected.byline);
    let content = entry.content.as_ref().unwrap();
    assert_eq!(content.content_type.to_string(), "text/html");
    assert!(
        content
            .body
            .as_deref()
            .unwrap()
            .contains("https://news.example/news/earlier-strike-called-off")
    );
}

#[actix_web::test]
async fn a_topic_feed_lists_only_that_topics_stories() {
    let app = TestApp::with_demo_content().await;
    let feed = fetch_feed(&app, "/topics/calderdale/feed.xml", RSS).await;
    assert_eq!(
        feed.title.unwrap().content,
        "Calderdale: Calder Valley Courier"
    );
    assert_eq!(
        link_href(&feed.links, "self").as_deref(),
        Some("https://news.example/topics/calderdale/feed.xml")
    );
    let topic_page = app.get_page("/topics/calderdale").await;
    let listed: Vec<String> = topic_page
        .attrs(".story-card h3 a", "href")
        .iter()
        .map(|path| format!("{SITE}{path}"))
        .collect();
    let ids: Vec<String> = feed.entries.iter().map(|e| e.id.clone()).collect();
    assert_eq!(ids, listed, "the topic page's stories, in its order");
    assert!(ids.contains(&permalink("pickets-at-calderdale-royal-hospital", None)));
}

/// On a new site written at the desk: a topic feed follows what the desk
/// does to its stories (filed, refiled elsewhere, held as a draft, then
/// published), newest first, as the topic page does.
#[actix_web::test]
async fn a_topic_feed_follows_the_desk_on_a_new_site() {
    let app = TestApp::spawn().await;
    let editor = app.create_editor("ed").await;
    let topics = ["Calderdale", "Doctors' strike"];
    let first = app
        .save_story(story_input("Pickets at dawn", &topics, "published"), editor)
        .await;
    let moved = app
        .save_story(story_input("Ward closes", &topics, "published"), editor)
        .await;
    let held = app
        .save_story(story_input("Union reply", &topics, "draft"), editor)
        .await;
    let elsewhere = app
        .save_story(
            story_input("Bus times", &["Transport"], "published"),
            editor,
        )
        .await;
    app.resave_story(
        &moved,
        story_input("Ward closes", &["Transport"], "published"),
        editor,
    )
    .await;
    let feed_ids = |feed: feed_rs::model::Feed| -> Vec<String> {
        feed.entries.into_iter().map(|e| e.id).collect()
    };
    let feed = fetch_feed(&app, "/topics/calderdale/feed.xml", RSS).await;
    assert_eq!(feed_ids(feed), [permalink(&first, None)]);
    app.resave_story(
        &held,
        story_input("Union reply", &topics, "published"),
        editor,
    )
    .await;
    let feed = fetch_feed(&app, "/topics/calderdale/feed.xml", RSS).await;
    assert_eq!(
        feed_ids(feed),
        [permalink(&held, None), permalink(&first, None)]
    );
    let feed = fetch_feed(&app, "/topics/transport/feed.xml", RSS).await;
    assert_eq!(
        feed_ids(feed),
        [permalink(&elsewhere, None), permalink(&moved, None)]
    );
}

#[actix_web::test]
async fn unknown_stories_and_topics_have_no_feed() {
    let app = TestApp::with_demo_content().await;
    for path in [
        "/news/no-such-story/feed.xml",
        "/news/no-such-story/atom.xml",
        "/topics/no-such-topic/feed.xml",
    ] {
        let page = app.get_page(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(page.texts("h1"), ["Page not found"], "{path}");
    }
}

#[actix_web::test]
async fn a_draft_has_no_feed_and_appears_in_none() {
    let app = TestApp::spawn().await;
    let draft = draft_file("Secret plans", "Not yet.");
    let dir = content_dir(&[
        ("secret-plans.md", &draft),
        ("open-plans.md", &story_file("Open plans", "Out now.")),
    ]);
    app.import(dir.path()).await.expect("imports");

    for path in [
        "/news/secret-plans/feed.xml",
        "/news/secret-plans/atom.xml",
        "/news/secret-plans",
    ] {
        assert_eq!(
            app.get_page(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    for (path, content_type) in [
        ("/feed.xml", RSS),
        ("/atom.xml", ATOM),
        ("/topics/doctors-strike/feed.xml", RSS),
    ] {
        let feed = fetch_feed(&app, path, content_type).await;
        let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, [permalink("open-plans", None)], "{path}");
    }
}
