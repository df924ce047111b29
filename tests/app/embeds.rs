//! Videos and social posts in stories and updates: click-to-load facades
//! under a Content-Security-Policy that frames the players only where a page
//! needs them, quote cards, and the errors editors get for a wrong post block.

use awc::http::StatusCode;
use newsdesk::csp;
use newsdesk::import::ImportError;

use crate::helpers::{Page, TestApp, content_dir, plain_update, story_file};

const CHOIR_STORY: &str = "/news/nhs-choir-sings-at-great-ormond-street";
const LIVE_STORY: &str = "/news/junior-doctors-strike-live";

/// Every `src` in the page that does not point at this site.
fn external_sources(page: &Page) -> Vec<String> {
    page.attrs("[src]", "src")
        .into_iter()
        .filter(|src| !src.starts_with('/') || src.starts_with("//"))
        .collect()
}

fn policy(page: &Page) -> String {
    page.header("content-security-policy")
        .expect("every page has a policy")
}

#[actix_web::test]
async fn a_story_with_a_video_shows_a_facade_and_frames_only_the_players() {
    let app = TestApp::with_demo_content().await;
    for _ in 0..2 {
        // The second answer comes from the page cache, with its policy.
        let page = app.get_page(CHOIR_STORY).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(policy(&page), csp::WITH_VIDEO_PLAYERS);
        assert_eq!(
            page.attrs("figure.video-embed", "data-video-id"),
            ["Qm7cH4rT2xE"]
        );
        assert_eq!(
            page.texts("figure.video-embed button.video-play"),
            ["Play video: Watch: the NHS Choir outside Great Ormond Street Hospital"]
        );
        assert_eq!(
            page.attrs("figure.video-embed figcaption a", "href"),
            ["https://www.youtube.com/watch?v=Qm7cH4rT2xE"]
        );
        assert!(!page.body.contains("<iframe"), "no frame before play");
        assert_eq!(external_sources(&page), Vec::<String>::new());
        assert_eq!(page.attrs("script[src]", "src").len(), 1, "embeds.js only");
        assert!(page.attrs("script[src]", "src")[0].starts_with("/static/embeds.js?v="));
    }
    let etag = app.get_page(CHOIR_STORY).await.header("etag").unwrap();
    let unchanged = app
        .get_with(CHOIR_STORY, &[("If-None-Match", etag.as_str())])
        .await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert_eq!(policy(&unchanged), csp::WITH_VIDEO_PLAYERS);
}

#[actix_web::test]
async fn pages_without_videos_keep_the_default_policy() {
    let app = TestApp::with_demo_content().await;
    for path in [
        "/news/earlier-strike-called-off",
        "/",
        "/topics/doctors-strike",
        "/search?q=choir",
        "/news/missing",
    ] {
        let page = app.get_page(path).await;
        assert_eq!(policy(&page), csp::DEFAULT, "{path}");
        assert!(!page.body.contains("embeds.js"), "{path}");
    }
    let feed = app
        .get_page("/news/junior-doctors-strike-live/feed.xml")
        .await;
    assert_eq!(policy(&feed), csp::DEFAULT);
    // Feed readers run no script of ours: the caption and link, no button.
    assert!(feed.body.contains("Watch on YouTube"), "{}", feed.body);
    assert!(!feed.body.contains("video-play"), "{}", feed.body);
}

#[actix_web::test]
async fn a_live_page_frames_the_players_because_an_update_may_bring_a_video() {
    let app = TestApp::spawn().await;
    let editor = app.create_editor("sarah").await;
    let slug = app.create_story("Pickets at dawn", editor).await;
    let path = format!("/news/{slug}");
    assert_eq!(policy(&app.get_page(&path).await), csp::DEFAULT);
    app.publish(&slug, plain_update("Pickets are out."), chrono::Utc::now())
        .await;
    let page = app.get_page(&path).await;
    assert_eq!(
        policy(&page),
        csp::WITH_VIDEO_PLAYERS,
        "live: a video may come"
    );
    let cursor = app.cursor(&slug).await;
    let video = plain_update("[Pickets sing](https://youtu.be/Qm7cH4rT2xE)");
    app.publish(&slug, video, chrono::Utc::now()).await;
    // What open pages are sent carries the facade, never a frame.
    let changes = app
        .get_page(&format!("{path}/updates?after={cursor}"))
        .await;
    assert!(changes.body.contains("video-embed"), "{}", changes.body);
    assert!(!changes.body.contains("<iframe"), "{}", changes.body);
    // Once coverage ends the page still frames the players: it shows a video.
    app.end_live(&slug, editor).await;
    let page = app.get_page(&path).await;
    assert_eq!(policy(&page), csp::WITH_VIDEO_PLAYERS);
    // An ended story without videos keeps the default.
    let quiet = app.create_story("Quiet day", editor).await;
    app.publish(&quiet, plain_update("Nothing new."), chrono::Utc::now())
        .await;
    app.end_live(&quiet, editor).await;
    assert_eq!(
        policy(&app.get_page(&format!("/news/{quiet}")).await),
        csp::DEFAULT
    );
}

#[actix_web::test]
async fn the_bma_video_post_is_a_quote_card_with_nothing_from_the_network() {
    let app = TestApp::with_demo_content().await;
    let page = app.get_page(LIVE_STORY).await;
    let card = "figure.social-post-card";
    assert_eq!(
        page.texts(&format!("{card} blockquote.social-post")).len(),
        1
    );
    assert!(
        page.texts(&format!("{card} blockquote.social-post"))[0]
            .starts_with("Johann Malawana, who leads our junior doctors, explains in this video")
    );
    assert_eq!(
        page.texts(&format!("{card} .social-post-author")),
        ["British Medical Association"]
    );
    assert_eq!(
        page.texts(&format!("{card} .social-post-handle")),
        ["@TheBMA"]
    );
    assert_eq!(
        page.texts(&format!("{card} .social-post-network")),
        ["on Twitter"]
    );
    assert_eq!(
        page.attrs(&format!("{card} time"), "datetime"),
        ["2016-01-12T11:05:00Z"]
    );
    let original = "https://twitter.com/TheBMA/status/686866459653046272";
    assert_eq!(page.attrs(&format!("{card} a"), "href"), [original]);
    assert_eq!(
        page.attrs(&format!("{card} blockquote"), "cite"),
        [original]
    );
    for element in ["script", "iframe", "img", "[src]"] {
        assert!(
            page.attrs(&format!("{card} {element}"), "src").is_empty()
                && page.texts(&format!("{card} {element}")).is_empty(),
            "{element} in the card"
        );
    }
    assert_eq!(external_sources(&page), Vec::<String>::new());
}

const BAD_POST: &str = "Statement follows.\n\n```post\nurl: https://x.com/TheBMA\nauthor: BMA\ntime: 2016-01-12 11:05\nText.\n```";

#[actix_web::test]
async fn a_wrong_post_block_is_refused_at_the_desk_next_to_the_body_as_typed() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let slug = desk.create_story("Pickets at dawn", "Body.").await;
    let fields = [("body", BAD_POST), ("kind", "update"), ("time", "")];
    let page = desk.publish_update(&slug, &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = page.texts(".field-error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("line 4 (`url`)") && errors[0].contains("is not the address of a post"),
        "{errors:?}"
    );
    assert_eq!(
        page.texts("textarea#update-body"),
        [BAD_POST.split_whitespace().collect::<Vec<_>>().join(" ")]
    );
    // The story form says the same next to its Body.
    let fields = [
        ("headline", "Another story"),
        ("body", BAD_POST),
        ("status", "published"),
        ("live", "none"),
        ("action", "save"),
    ];
    let page = desk.post("/admin/stories/new", &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.texts(".field-error")[0].contains("line 4 (`url`)"));
    // Nothing was stored.
    assert_eq!(
        app.get_page("/news/another-story").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn a_wrong_post_block_is_refused_on_import_with_file_line_and_field() {
    let app = TestApp::spawn().await;
    let update = "\n+++ update\ntime = 2016-01-12T08:00:00Z\nkind = \"update\"\nauthor = \"Desk\"\n+++\n\n```post\nurl: https://x.com/TheBMA/status/1\nhandle: @TheBMA\ntime: 2016-01-12 11:05\nText.\n```";
    let file = story_file("Fine", &format!("{BAD_POST}\n{update}"));
    let dir = content_dir(&[("a-story.md", &file)]);
    let Err(ImportError::Content(errors)) = app.import(dir.path()).await else {
        panic!("the import is refused");
    };
    let found: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let file = dir.path().join("a-story.md");
    let shown = file.display();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with(&format!(
            "{shown}:11: field `post url`: “https://x.com/TheBMA” is not the address of a post"
        )),
        "{found:?}"
    );
    assert!(
        found[1].starts_with(&format!(
            "{shown}:24: field `post author`: `author` is missing"
        )),
        "{found:?}"
    );
    assert_eq!(file_line(&file, 11), "url: https://x.com/TheBMA");
    assert_eq!(
        app.get_page("/news/a-story").await.status,
        StatusCode::NOT_FOUND
    );
}

/// Line `n` (from 1) of `file`.
fn file_line(file: &std::path::Path, n: usize) -> String {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .nth(n - 1)
        .unwrap()
        .to_owned()
}
