//! What the reader pages that list from a large archive choose to show, and
//! say they show: search's newest matches (stories and live updates apart),
//! and a topic's stories and a story's related ones, read from the topic's
//! own newest-first listing, which follows every save.

use awc::http::StatusCode;
use chrono::{DateTime, Duration, TimeZone, Utc};
use newsdesk::handlers::reader::search::UPDATE_RESULTS;

use crate::helpers::{TestApp, plain_update, story_input};

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2016, 1, 12, 8, 0, 0).unwrap() + Duration::minutes(minute)
}

#[actix_web::test]
async fn search_shows_the_newest_matches_stories_and_updates_apart_and_says_when_more_match() {
    let app = TestApp::spawn().await;
    let editor = app.create_editor("desk").await;
    let blog = app.create_story("Zebra crossing plans", editor).await;
    let mut ids = Vec::new();
    for n in 0..=UPDATE_RESULTS {
        let update = plain_update(&format!("Zebra crossing report {n}."));
        ids.push(app.publish(&blog, update, at(n)).await);
    }
    app.create_story("Library opening hours", editor).await;

    let page = app.get_page("/search?q=zebra").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("main h2"), ["Stories", "Live updates"]);
    assert_eq!(
        found(&page, "stories"),
        ["/news/zebra-crossing-plans"],
        "the one story that matches"
    );
    let newest_first: Vec<String> = ids
        .iter()
        .rev()
        .take(UPDATE_RESULTS as usize)
        .map(|id| newsdesk::urls::update("zebra-crossing-plans", *id))
        .collect();
    assert_eq!(
        found(&page, "updates"),
        newest_first,
        "the newest updates, newest first"
    );
    assert!(
        page.texts("main p").iter().any(|p| p
            == &format!("The {UPDATE_RESULTS} newest live updates of more that match: add a word to find older ones.")),
        "the page says that older updates match too: {:?}",
        page.texts("main p")
    );
    assert!(page.texts("main p").iter().any(|p| p == "1 story."));

    // Two words narrow it to the oldest update, which is found.
    let page = app.get_page("/search?q=report+0").await;
    assert_eq!(
        found(&page, "updates"),
        [newsdesk::urls::update("zebra-crossing-plans", ids[0])]
    );
    assert!(
        page.texts("main p")
            .iter()
            .any(|p| p == "No story matches.")
    );
}

/// The links of a search page's list of found `kind` ("stories", "updates").
fn found(page: &crate::helpers::Page, kind: &str) -> Vec<String> {
    page.attrs(&format!("ol.found-{kind} a"), "href")
}

#[actix_web::test]
async fn a_draft_joins_its_topic_page_and_related_lists_only_once_published() {
    let app = TestApp::spawn().await;
    let editor = app.create_editor("desk").await;
    let begun = app
        .save_story(
            story_input("Bridge repairs begin", &["Roads"], "published"),
            editor,
        )
        .await;
    let finished = app
        .save_story(
            story_input("Bridge repairs finish", &["Roads"], "draft"),
            editor,
        )
        .await;
    let topic = || async {
        app.get_page("/topics/roads")
            .await
            .attrs(".story-card h3 a", "href")
    };
    let related = || async {
        app.get_page(&format!("/news/{begun}"))
            .await
            .texts(".related a")
    };
    assert_eq!(topic().await, [format!("/news/{begun}")]);
    assert!(
        related().await.is_empty(),
        "a draft is no one's related story"
    );

    app.resave_story(
        &finished,
        story_input("Bridge repairs finish", &["Roads"], "published"),
        editor,
    )
    .await;
    assert_eq!(
        topic().await,
        [format!("/news/{finished}"), format!("/news/{begun}")],
        "published, it leads its topic: the newest"
    );
    assert_eq!(related().await, ["Bridge repairs finish"]);

    app.resave_story(
        &finished,
        story_input("Bridge repairs finish", &["Roads"], "draft"),
        editor,
    )
    .await;
    assert_eq!(
        topic().await,
        [format!("/news/{begun}")],
        "back to a draft, it leaves"
    );
    assert!(related().await.is_empty());
}
