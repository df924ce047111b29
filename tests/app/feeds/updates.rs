//! `/news/{slug}/feed.xml` and `/news/{slug}/atom.xml`: a story's live updates.

use chrono::{DateTime, Utc};
use newsdesk::db;
use newsdesk::publishing::{UpdateTimes, headline_lookup, rewrite_update};

use super::{
    ATOM, LIVE, RSS, SITE, fetch_feed, link_href, permalink, stored_updates, xml_elements,
};
use crate::helpers::{TestApp, plain_update};

fn rss_path(slug: &str) -> String {
    format!("/news/{slug}/feed.xml")
}

fn atom_path(slug: &str) -> String {
    format!("/news/{slug}/atom.xml")
}

fn at(time: &str) -> DateTime<Utc> {
    time.parse().expect("an RFC 3339 time")
}

#[actix_web::test]
async fn a_story_feed_has_one_item_per_update_newest_first() {
    let app = TestApp::with_demo_content().await;
    let feed = fetch_feed(&app, &rss_path(LIVE), RSS).await;
    let headline = app.story(LIVE).await.headline;
    assert_eq!(
        feed.title.unwrap().content,
        format!("{headline}: live updates")
    );
    assert_eq!(
        link_href(&feed.links, "self"),
        Some(format!("{SITE}/news/{LIVE}/feed.xml"))
    );

    let stored = stored_updates(&app, LIVE).await;
    assert_eq!(feed.entries.len(), stored.len());
    for (entry, update) in feed.entries.iter().zip(&stored) {
        let url = permalink(LIVE, Some(update.id));
        assert_eq!(
            (&entry.id, &entry.links[0].href),
            (&url, &url),
            "guid and link are the permalink"
        );
        assert_eq!(entry.published, Some(update.posted_at));
        assert_eq!(entry.authors[0].name, update.author);
        let label = update.kind.label();
        assert_eq!(
            entry.title.as_ref().unwrap().content,
            format!("{label}: {}", update.summary)
        );
        // Video facades lose the poster and play button a feed reader cannot use.
        let expected = newsdesk::content::embeds::without_players(&update.body_html)
            .replace("href=\"/", &format!("href=\"{SITE}/"));
        assert_eq!(
            entry.content.as_ref().unwrap().body.as_deref(),
            Some(expected.as_str())
        );
    }
    assert!(feed.entries.iter().any(|e| {
        e.title
            .as_ref()
            .unwrap()
            .content
            .starts_with("Picket line: ")
    }));
}

#[actix_web::test]
async fn an_update_with_markup_quotes_and_accents_comes_out_intact() {
    let app = TestApp::with_demo_content().await;
    let body = r#"Fish & chips <b>"quoted"</b> café — naïve, 3 < 4"#;
    let id = app
        .publish(LIVE, plain_update(body), at("2016-01-12T18:00:00Z"))
        .await;
    let stored = stored_updates(&app, LIVE).await.remove(0);
    assert_eq!(stored.id, id);
    assert!(
        stored.body_html.contains("Fish &amp; chips <b>"),
        "{}",
        stored.body_html
    );

    for (path, content_type) in [(rss_path(LIVE), RSS), (atom_path(LIVE), ATOM)] {
        let feed = fetch_feed(&app, &path, content_type).await;
        let entry = &feed.entries[0];
        assert_eq!(entry.id, permalink(LIVE, Some(id)), "{path}");
        let title = &entry.title.as_ref().unwrap().content;
        for part in ["Update: Fish & chips", "café — naïve, 3 < 4"] {
            assert!(title.contains(part), "{path}: {title}");
        }
        // feed-rs trims the Atom content's trailing newline.
        let content = entry.content.as_ref().unwrap().body.as_deref().unwrap();
        assert_eq!(content.trim_end(), stored.body_html.trim_end(), "{path}");
        assert_eq!(entry.authors[0].name, "Live desk");
        assert_eq!(entry.published, Some(at("2016-01-12T18:00:00Z")));
    }
}

#[actix_web::test]
async fn a_control_character_in_an_update_cannot_break_the_feed() {
    let app = TestApp::with_demo_content().await;
    // The desk refuses control characters now; older data may hold them.
    app.publish_unchecked(LIVE, "Bell \u{7}ringer", at("2016-01-12T18:00:00Z"))
        .await;
    for path in [rss_path(LIVE), atom_path(LIVE)] {
        let page = app.get_page(&path).await;
        assert!(!page.body.contains('\u{7}'), "{path}");
        xml_elements(&page.body);
    }
    let feed = fetch_feed(&app, &rss_path(LIVE), RSS).await;
    assert!(
        feed.entries[0]
            .content
            .as_ref()
            .unwrap()
            .body
            .as_deref()
            .unwrap()
            .contains("Bell ringer")
    );
}

#[actix_web::test]
async fn an_edited_update_keeps_its_guid() {
    let app = TestApp::with_demo_content().await;
    let posted = at("2016-01-12T18:00:00Z");
    let id = app
        .publish(LIVE, plain_update("Pickets number 40."), posted)
        .await;
    let draft = plain_update("Pickets number 50.").validate().unwrap();
    let mut tx = app.room.db.begin().await.unwrap();
    let renderer = headline_lookup(&mut tx, &app.room.site_url, [])
        .await
        .unwrap();
    let times = UpdateTimes {
        posted_at: posted,
        edited_at: Some(at("2016-01-12T18:05:00Z")),
    };
    rewrite_update(&mut tx, id, &draft, times, &renderer)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    app.room.pages.clear();

    let rss = fetch_feed(&app, &rss_path(LIVE), RSS).await;
    assert_eq!(rss.entries[0].id, permalink(LIVE, Some(id)));
    assert!(
        rss.entries[0]
            .content
            .as_ref()
            .unwrap()
            .body
            .as_deref()
            .unwrap()
            .contains("50")
    );
    let atom = fetch_feed(&app, &atom_path(LIVE), ATOM).await;
    assert_eq!(atom.entries[0].id, permalink(LIVE, Some(id)));
    assert_eq!(atom.entries[0].published, Some(posted));
    assert_eq!(atom.entries[0].updated, Some(at("2016-01-12T18:05:00Z")));
}

#[actix_web::test]
async fn a_deleted_update_leaves_the_feeds_and_stays_as_an_atom_tombstone() {
    let app = TestApp::with_demo_content().await;
    let gone = app
        .publish(
            LIVE,
            plain_update("Posted in error."),
            at("2016-01-12T18:00:00Z"),
        )
        .await;
    let kept = app
        .publish(
            LIVE,
            plain_update("Still here."),
            at("2016-01-12T18:01:00Z"),
        )
        .await;
    // Deleted after the publishes above, which stamped the story with the real clock.
    let deleted_at = chrono::DateTime::from_timestamp(Utc::now().timestamp() + 1, 0).unwrap();
    let mut tx = app.room.db.begin().await.unwrap();
    assert!(
        db::updates::mark_deleted(&mut tx, gone, deleted_at)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    app.room.pages.clear();

    let (gone_url, kept_url) = (permalink(LIVE, Some(gone)), permalink(LIVE, Some(kept)));
    for (path, content_type) in [(rss_path(LIVE), RSS), (atom_path(LIVE), ATOM)] {
        let feed = fetch_feed(&app, &path, content_type).await;
        let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
        assert!(
            ids.contains(&kept_url.as_str()) && !ids.contains(&gone_url.as_str()),
            "{path}"
        );
        assert_eq!(
            feed.updated,
            Some(deleted_at),
            "{path}: a deletion is a change"
        );
    }

    let atom = app.get_page(&atom_path(LIVE)).await;
    let elements = xml_elements(&atom.body);
    assert_eq!(
        elements[0].attrs["xmlns:at"],
        "http://purl.org/atompub/tombstones/1.0"
    );
    let tombstones: Vec<_> = elements
        .iter()
        .filter(|e| e.name == "at:deleted-entry")
        .collect();
    assert_eq!(tombstones.len(), 1);
    assert_eq!(tombstones[0].attrs["ref"], gone_url);
    assert_eq!(tombstones[0].attrs["when"], deleted_at.to_rfc3339());
    let rss = app.get_page(&rss_path(LIVE)).await;
    assert!(
        !rss.body.contains("deleted-entry"),
        "tombstones are Atom's alone"
    );
}

#[actix_web::test]
async fn a_story_page_advertises_its_update_feeds() {
    let app = TestApp::with_demo_content().await;
    let feeds = |page: &crate::helpers::Page| page.attrs("head link[rel=alternate]", "href");
    let live = feeds(&app.get_page(&format!("/news/{LIVE}")).await);
    for href in ["/feed.xml", "/atom.xml", &rss_path(LIVE), &atom_path(LIVE)] {
        assert!(live.iter().any(|h| h == href), "{href} in {live:?}");
    }
    let plain = feeds(&app.get_page("/news/earlier-strike-called-off").await);
    assert_eq!(
        plain,
        ["/feed.xml", "/atom.xml"],
        "a story without updates has no update feed"
    );
}
