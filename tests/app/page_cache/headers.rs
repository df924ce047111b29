//! What responses tell caches in front: the surrogate keys naming what a
//! response shows (`xkey` for Varnish, `Surrogate-Key` for CDNs), which a
//! purge of that key must reach; and that nothing under `/admin` is kept.

use std::collections::BTreeSet;

use awc::http::StatusCode;
use chrono::{TimeZone, Utc};
use newsdesk::domain::UpdateInput;

use crate::helpers::{Page, TestApp, plain_update, story_input};

/// The keys a response is filed under, after checking that both headers
/// carry the same ones and that `site` is among them.
fn keys(page: &Page, path: &str) -> BTreeSet<String> {
    assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    let xkey = page
        .header("xkey")
        .unwrap_or_else(|| panic!("{path} has no xkey header"));
    let surrogate = page
        .header("surrogate-key")
        .unwrap_or_else(|| panic!("{path} has no Surrogate-Key header"));
    assert_eq!(xkey, surrogate, "{path}: xkey and Surrogate-Key differ");
    let keys: BTreeSet<String> = xkey.split_whitespace().map(str::to_owned).collect();
    assert!(keys.contains("site"), "{path}: {xkey:?} lacks site");
    keys
}

fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|k| (*k).to_owned()).collect()
}

#[actix_web::test]
async fn public_responses_name_the_stories_and_lists_they_show() {
    let app = TestApp::spawn().await;
    let editor = app.create_editor("desk").await;
    let a = app
        .save_story(
            story_input("Pickets at dawn", &["Strike"], "published"),
            editor,
        )
        .await;
    let b = app
        .save_story(
            story_input("Verdict in the fraud trial", &["Courts"], "published"),
            editor,
        )
        .await;
    let draft = app
        .save_story(
            story_input("Embargoed: the deal", &["Strike"], "draft"),
            editor,
        )
        .await;
    let at = Utc.with_ymd_and_hms(2016, 1, 12, 8, 0, 0).unwrap();
    app.publish(&a, plain_update("Pickets gather."), at).await;
    let figures = UpdateInput {
        kind: "figures".into(),
        number: "4000".into(),
        what: "operations".into(),
        source: "NHS England".into(),
        ..plain_update("Operations cancelled.")
    };
    app.publish(&a, figures, at + chrono::Duration::minutes(5))
        .await;
    let (a_id, b_id, draft_id) = (
        app.story(&a).await.id,
        app.story(&b).await.id,
        app.story(&draft).await.id,
    );
    let story_a = format!("story-{a_id}");
    let story_b = format!("story-{b_id}");
    let story_draft = format!("story-{draft_id}");

    // What shows story A alone: filed under its key, which every change to it purges.
    for path in [
        format!("/news/{a}"),
        format!("/news/{a}?order=oldest"),
        format!("/news/{a}/feed.xml"),
        format!("/news/{a}/atom.xml"),
        format!("/news/{a}/figures.json"),
        format!("/news/{a}/figures.csv"),
        format!("/news/{a}/updates?after=0"),
    ] {
        let page = app.get_page(&path).await;
        let keys = keys(&page, &path);
        assert!(
            keys.contains(&story_a),
            "{path}: {keys:?} does not name {story_a}"
        );
        assert!(
            !keys.contains(&story_b),
            "{path}: {keys:?} names B, which it does not show"
        );
    }
    // A story page names its topics too: a story newly filed there may become related.
    let path = format!("/news/{a}");
    assert_eq!(
        keys(&app.get_page(&path).await, &path),
        set(&["site", &story_a, "topic-strike"])
    );

    // Lists name their own key and each story they list, never a draft.
    let front = keys(&app.get_page("/").await, "/");
    assert_eq!(front, set(&["site", "front", &story_a, &story_b]));
    for path in ["/topics/strike", "/topics/strike/feed.xml"] {
        assert_eq!(
            keys(&app.get_page(path).await, path),
            set(&["site", "topic-strike", &story_a]),
            "{path} lists A only: the draft filed there is not shown"
        );
    }
    assert!(!front.contains(&story_draft));
    // Site-wide documents list every published story: every change purges
    // their one key (`surrogate::changed_by`), so they name no story.
    for (path, list) in [
        ("/feed.xml", "feeds"),
        ("/atom.xml", "feeds"),
        ("/sitemap.xml", "sitemap"),
    ] {
        assert_eq!(
            keys(&app.get_page(path).await, path),
            set(&["site", list]),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn nothing_under_admin_may_be_kept_or_names_a_surrogate_key() {
    let app = TestApp::spawn().await;
    let signed_out = [
        app.get_page("/admin").await,
        app.get_page("/admin/login").await,
        app.get_page("/admin/stories/new").await,
    ];
    let desk = app.sign_in("desk").await;
    let slug = desk.create_story("Pickets at dawn", "Body.").await;
    let posted = desk
        .publish_update(
            &slug,
            &[
                ("body", "Pickets gather."),
                ("kind", "update"),
                ("author", "Desk"),
            ],
        )
        .await;
    let mut pages = vec![
        ("POST an update".to_owned(), posted),
        ("GET /admin".to_owned(), desk.get("/admin").await),
    ];
    for path in [
        format!("/admin/stories/{slug}"),
        format!("/admin/stories/{slug}/edit"),
        "/admin/stories/new".to_owned(),
        "/admin/account".to_owned(),
    ] {
        pages.push((format!("GET {path}"), desk.get(&path).await));
    }
    pages.extend(
        signed_out
            .into_iter()
            .zip(["/admin", "/admin/login", "/admin/stories/new"])
            .map(|(page, path)| (format!("GET {path} signed out"), page)),
    );
    let statuses: BTreeSet<u16> = pages.iter().map(|(_, p)| p.status.as_u16()).collect();
    assert!(
        statuses.contains(&200) && statuses.contains(&303),
        "pages and redirects both checked: {statuses:?}"
    );
    for (what, page) in &pages {
        assert_eq!(
            page.header("cache-control").as_deref(),
            Some("private, no-store"),
            "{what} ({})",
            page.status
        );
        assert_eq!(page.header("xkey"), None, "{what}");
        assert_eq!(page.header("surrogate-key"), None, "{what}");
    }
    // While the public page of the same story is shared, and filed under it.
    let public = app.get_page(&format!("/news/{slug}")).await;
    assert_ne!(
        public.header("cache-control").as_deref(),
        Some("private, no-store")
    );
    assert!(public.header("xkey").is_some());
}
