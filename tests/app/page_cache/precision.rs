//! The page cache's purges, precisely: a write renders again the pages that
//! show what it changed, and serves every other page from the cache.
//! `room.pages.renders()` tells a hit (no render) from a miss.

use chrono::{DateTime, TimeZone, Utc};
use newsdesk::domain::StoryInput;

use crate::helpers::{TestApp, plain_update};

fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2016, 1, 12, hour, minute, 0).unwrap()
}

/// A published story as the desk's form has it.
fn story(headline: &str, topics: &[&str], body: &str) -> StoryInput {
    StoryInput {
        headline: headline.into(),
        standfirst: "Standfirst.".into(),
        byline: "Desk".into(),
        body: body.into(),
        topics: topics.iter().map(|t| (*t).to_owned()).collect(),
        status: "published".into(),
        live: "none".into(),
        ..Default::default()
    }
}

/// `story` saved again at the desk over a live story, which it stays.
fn live_story(headline: &str, topics: &[&str], body: &str) -> StoryInput {
    StoryInput {
        live: "live".into(),
        ..story(headline, topics, body)
    }
}

/// The desk's stories on an empty database: `(headline, topics, body)`, each
/// with one live update. Returns the app, the editor and the slugs.
async fn newsroom(stories: &[(&str, &[&str], &str)]) -> (TestApp, i64, Vec<String>) {
    let app = TestApp::spawn().await;
    let editor = app.create_editor("desk").await;
    let mut slugs = Vec::new();
    for (n, (headline, topics, body)) in stories.iter().enumerate() {
        let slug = app.save_story(story(headline, topics, body), editor).await;
        app.publish(
            &slug,
            plain_update(&format!("The first update on “{headline}”.")),
            at(8, n as u32),
        )
        .await;
        slugs.push(slug);
    }
    (app, editor, slugs)
}

/// GETs each page once, so the cache holds it; the second GET must be a hit.
async fn warm(app: &TestApp, paths: &[String]) {
    for path in paths {
        app.get_page(path).await;
        let (page, renders) = app.get_counting_renders(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        assert_eq!(renders, 0, "{path} is a hit right after it was rendered");
    }
}

/// GETs each page and checks whether the cache rendered it (`true`) or
/// served it (`false`); reports every page that did otherwise at once.
async fn assert_rendered(app: &TestApp, after: &str, expected: &[(&String, bool)]) {
    let mut wrong = Vec::new();
    for (path, rendered) in expected {
        let (page, renders) = app.get_counting_renders(path).await;
        assert_eq!(page.status, 200, "{path}");
        if (renders > 0) != *rendered {
            wrong.push(format!(
                "  {path} was {} (xkey {:?}), but should have been {}",
                if renders > 0 {
                    "rendered again"
                } else {
                    "served from the cache"
                },
                page.header("xkey").unwrap_or_default(),
                if *rendered {
                    "rendered again"
                } else {
                    "served from the cache"
                },
            ));
        }
    }
    assert!(wrong.is_empty(), "after {after}:\n{}", wrong.join("\n"));
}

fn paths(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| (*p).to_owned()).collect()
}

#[actix_web::test]
async fn an_update_re_renders_its_story_and_the_site_lists_and_spares_an_unrelated_story() {
    let (app, editor, slugs) = newsroom(&[
        ("Pickets at dawn", &["Strike"], "Body."),
        ("Verdict in the fraud trial", &["Courts"], "Body."),
    ])
    .await;
    let (a, b) = (&slugs[0], &slugs[1]);
    let a_pages = paths(&[
        &format!("/news/{a}"),
        &format!("/news/{a}?order=oldest"),
        &format!("/news/{a}/feed.xml"),
        &format!("/news/{a}/atom.xml"),
        &format!("/news/{a}/figures.json"),
        // Lists A.
        "/topics/strike",
        "/topics/strike/feed.xml",
        "/",
        "/feed.xml",
        "/atom.xml",
        "/sitemap.xml",
    ]);
    let b_pages = paths(&[
        &format!("/news/{b}"),
        &format!("/news/{b}?order=oldest"),
        &format!("/news/{b}/feed.xml"),
        &format!("/news/{b}/atom.xml"),
        &format!("/news/{b}/figures.json"),
        "/topics/courts",
        "/topics/courts/feed.xml",
    ]);
    warm(&app, &[a_pages.clone(), b_pages.clone()].concat()).await;

    app.publish(a, plain_update("Talks have broken down."), at(9, 0))
        .await;

    let expected: Vec<(&String, bool)> = a_pages
        .iter()
        .map(|p| (p, true))
        .chain(b_pages.iter().map(|p| (p, false)))
        .collect();
    assert_rendered(&app, "an update to A", &expected).await;
    let page = app.get_page(&format!("/news/{a}")).await;
    assert!(page.body.contains("Talks have broken down."));

    // And the same for each kind of change to an update.
    let id = app
        .publish(a, plain_update("Pickets gather."), at(9, 5))
        .await;
    for (change, write) in [
        ("an edit of A's update", 0),
        ("a pin on A", 1),
        ("an unpin on A", 2),
        ("a delete on A", 3),
    ] {
        warm(&app, &[a_pages.clone(), b_pages.clone()].concat()).await;
        match write {
            0 => app.edit(a, id, "Pickets gathered at six.", editor).await,
            1 => app.pin(a, Some(id), editor).await,
            2 => app.pin(a, None, editor).await,
            _ => app.delete(a, id, editor).await,
        }
        assert_rendered(&app, change, &expected).await;
    }
}

#[actix_web::test]
async fn filing_a_story_under_a_topic_re_renders_that_topic_and_its_stories_related_lists() {
    let (app, editor, slugs) = newsroom(&[
        ("Pickets at dawn", &["Strike"], "Body."),
        ("Verdict in the fraud trial", &["Courts"], "Body."),
    ])
    .await;
    let (a, b) = (&slugs[0], &slugs[1]);
    let b_page = format!("/news/{b}");
    let b_feed = format!("/news/{b}/feed.xml");
    let pages = paths(&[
        &b_page,
        &b_feed,
        "/topics/courts",
        "/topics/courts/feed.xml",
        "/topics/strike",
    ]);
    warm(&app, &pages).await;
    let related = |page: &crate::helpers::Page| page.texts(".related a");
    assert!(related(&app.get_page(&b_page).await).is_empty());

    app.resave_story(
        a,
        live_story("Pickets at dawn", &["Strike", "Courts"], "Body."),
        editor,
    )
    .await;

    assert_rendered(
        &app,
        "filing A under B's topic",
        &[
            (&pages[0], true),
            // B's updates feed shows nothing of A.
            (&pages[1], false),
            (&pages[2], true),
            (&pages[3], true),
            (&pages[4], true),
        ],
    )
    .await;
    assert_eq!(related(&app.get_page(&b_page).await), ["Pickets at dawn"]);
    assert_eq!(
        app.get_page("/topics/courts")
            .await
            .texts(".story-list h3 span[dir]"),
        ["Verdict in the fraud trial", "Pickets at dawn"],
        "the courts topic lists A and B, newest first"
    );

    // Taking it off again: the topic it left and B's page are reached through A's key.
    warm(&app, &pages).await;
    app.resave_story(
        a,
        live_story("Pickets at dawn", &["Strike"], "Body."),
        editor,
    )
    .await;
    assert_rendered(
        &app,
        "taking A off B's topic",
        &[
            (&pages[0], true),
            (&pages[1], false),
            (&pages[2], true),
            (&pages[3], true),
        ],
    )
    .await;
    assert!(related(&app.get_page(&b_page).await).is_empty());
}

#[actix_web::test]
async fn a_headline_change_re_renders_the_pages_listing_the_story_and_spares_the_others() {
    let (app, editor, slugs) = newsroom(&[
        ("Pickets at dawn", &["Strike"], "Body."),
        ("Verdict in the fraud trial", &["Courts"], "Body."),
        ("Hospitals brace for walkout", &["Strike"], "Body."),
    ])
    .await;
    let (a, b, c) = (&slugs[0], &slugs[1], &slugs[2]);
    let listing_a = paths(&[
        &format!("/news/{a}"),
        &format!("/news/{a}/feed.xml"),
        // C's related stories.
        &format!("/news/{c}"),
        "/topics/strike",
        "/topics/strike/feed.xml",
        "/",
        "/feed.xml",
        "/atom.xml",
        "/sitemap.xml",
    ]);
    let not_listing_a = paths(&[
        &format!("/news/{b}"),
        &format!("/news/{b}/feed.xml"),
        &format!("/news/{c}/feed.xml"),
        &format!("/news/{c}/figures.json"),
        "/topics/courts",
        "/topics/courts/feed.xml",
    ]);
    warm(&app, &[listing_a.clone(), not_listing_a.clone()].concat()).await;

    app.resave_story(
        a,
        live_story("Pickets at dawn, and no talks", &["Strike"], "Body."),
        editor,
    )
    .await;

    let expected: Vec<(&String, bool)> = listing_a
        .iter()
        .map(|p| (p, true))
        .chain(not_listing_a.iter().map(|p| (p, false)))
        .collect();
    assert_rendered(&app, "a new headline for A", &expected).await;
    // (The sitemap lists addresses, not headlines.)
    for path in listing_a.iter().filter(|p| *p != "/sitemap.xml") {
        let page = app.get_page(path).await;
        assert!(
            page.body.contains("Pickets at dawn, and no talks"),
            "{path} shows A's new headline"
        );
    }
}

/// A story whose body, and an update of another story, link to A with
/// `READ MORE:`: each shows A's headline as it was when it was rendered.
#[actix_web::test]
async fn a_headline_change_re_renders_the_pages_that_link_to_the_story() {
    let (app, editor, slugs) = newsroom(&[
        ("Pickets at dawn", &["Strike"], "Body."),
        (
            "Verdict in the fraud trial",
            &["Courts"],
            "Body.\n\nREAD MORE: [pickets](/news/pickets-at-dawn)",
        ),
        ("Bus drivers vote", &["Transport"], "Body."),
    ])
    .await;
    let (a, b, c) = (&slugs[0], &slugs[1], &slugs[2]);
    app.publish(
        c,
        plain_update("Drivers join.\n\nREAD MORE: [pickets](/news/pickets-at-dawn)"),
        at(9, 0),
    )
    .await;
    let linking = paths(&[
        &format!("/news/{b}"),
        "/topics/courts/feed.xml",
        &format!("/news/{c}"),
        &format!("/news/{c}/feed.xml"),
        &format!("/news/{c}/atom.xml"),
    ]);
    warm(&app, &linking).await;
    for path in &linking {
        assert!(app.get_page(path).await.body.contains("Pickets at dawn"));
    }

    app.resave_story(
        a,
        live_story("Pickets at dawn, and no talks", &["Strike"], "Body."),
        editor,
    )
    .await;

    let stale: Vec<&String> = {
        let mut stale = Vec::new();
        for path in &linking {
            if !app
                .get_page(path)
                .await
                .body
                .contains("Pickets at dawn, and no talks")
            {
                stale.push(path);
            }
        }
        stale
    };
    assert!(
        stale.is_empty(),
        "these still show A's old headline in their READ MORE link: {stale:?}"
    );
}

/// A topic's name is what the latest save filing a story under it spelled:
/// saving B under "TRANSPORT" renames "Transport" wherever it is shown,
/// including the feed of another topic listing A, filed under both.
#[actix_web::test]
async fn a_topic_renamed_by_a_save_is_renamed_in_the_feeds_of_other_topics() {
    let (app, editor, slugs) = newsroom(&[
        ("Pickets at dawn", &["Strike", "Transport"], "Body."),
        ("Bus drivers vote", &["Transport"], "Body."),
    ])
    .await;
    let b = &slugs[1];
    let pages = paths(&["/topics/strike/feed.xml", "/feed.xml", "/topics/transport"]);
    warm(&app, &pages).await;
    for path in &pages {
        assert!(
            app.get_page(path).await.body.contains(">Transport<"),
            "{path}"
        );
    }

    app.resave_story(
        b,
        live_story("Bus drivers vote", &["TRANSPORT"], "Body."),
        editor,
    )
    .await;

    let twin = app.uncached_twin().await;
    for path in &pages {
        let fresh = twin.get_page(path).await.body;
        assert!(fresh.contains(">TRANSPORT<"), "{path} renders the new name");
        assert_eq!(
            app.get_page(path).await.body,
            fresh,
            "{path} shows the topic's new name"
        );
    }
}

/// A write at the desk that no page shows (a sign-in's session) leaves
/// every page in the cache.
#[actix_web::test]
async fn signing_in_at_the_desk_leaves_every_page_in_the_cache() {
    let (app, _, slugs) = newsroom(&[("Pickets at dawn", &["Strike"], "Body.")]).await;
    let pages = paths(&[
        &format!("/news/{}", slugs[0]),
        "/",
        "/feed.xml",
        "/topics/strike",
    ]);
    warm(&app, &pages).await;
    // The follower looks for other processes' commits once a second; a tick
    // that finds the stories' saves handled already changes nothing.
    let tick = std::time::Duration::from_millis(1200);
    actix_web::rt::time::sleep(tick).await;
    let expected: Vec<(&String, bool)> = pages.iter().map(|p| (p, false)).collect();
    assert_rendered(&app, "a second without writes", &expected).await;

    app.sign_in_again("desk").await;
    actix_web::rt::time::sleep(tick).await;

    assert_rendered(&app, "an editor signing in", &expected).await;
}
