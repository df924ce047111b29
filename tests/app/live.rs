//! Live coverage: `/news/{slug}/events` (SSE), `/news/{slug}/updates?after=`,
//! pagination, key events, structured data.

use std::time::Duration;

use awc::http::StatusCode;
use chrono::{TimeZone, Utc};
use futures_util::StreamExt;

use crate::helpers::{TestApp, content_dir, plain_update, story_file};

mod stream_limits;

const STORY: &str = "junior-doctors-strike-live";

/// An open `text/event-stream` response, read frame by frame.
struct EventStream {
    body: std::pin::Pin<
        Box<
            dyn futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>>,
        >,
    >,
    /// Bytes read but not yet split into frames: a chunk may end inside a character.
    buffer: Vec<u8>,
}

/// One SSE frame's fields.
#[derive(Debug, Default)]
struct Frame {
    id: Option<String>,
    event: Option<String>,
    data: String,
}

impl TestApp {
    async fn open_events(&self, slug: &str, last_event_id: Option<&str>) -> EventStream {
        self.open_events_at(&format!("/news/{slug}/events"), last_event_id)
            .await
    }

    async fn open_events_at(&self, path: &str, last_event_id: Option<&str>) -> EventStream {
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(30))
            .finish();
        let mut request = client.get(self.url(path));
        if let Some(id) = last_event_id {
            request = request.insert_header(("Last-Event-ID", id));
        }
        let response = request.send().await.expect("stream opens");
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap();
        assert_eq!(content_type, "text/event-stream");
        EventStream {
            body: Box::pin(response),
            buffer: Vec::new(),
        }
    }
}

impl EventStream {
    /// The next frame that carries an event (comments and retry lines skipped).
    async fn next_event(&mut self) -> Frame {
        loop {
            while let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let bytes: Vec<u8> = self.buffer.drain(..end + 2).collect();
                let raw = String::from_utf8(bytes).expect("frames are UTF-8");
                let mut frame = Frame::default();
                let mut data = Vec::new();
                for line in raw.lines() {
                    match line.split_once(": ") {
                        Some(("id", v)) => frame.id = Some(v.to_owned()),
                        Some(("event", v)) => frame.event = Some(v.to_owned()),
                        Some(("data", v)) => data.push(v.to_owned()),
                        _ => {}
                    }
                }
                if frame.event.is_some() {
                    frame.data = data.join("\n");
                    return frame;
                }
            }
            let chunk = tokio::time::timeout(Duration::from_secs(5), self.body.next())
                .await
                .expect("an event within 5 s")
                .expect("stream still open")
                .expect("chunk read");
            self.buffer.extend_from_slice(&chunk);
        }
    }
}

fn at(hour: u32, minute: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2016, 1, 12, hour, minute, 0).unwrap()
}

#[actix_web::test]
async fn a_published_update_reaches_an_open_page_with_its_cursor_as_id() {
    let app = TestApp::with_demo_content().await;
    let mut events = app.open_events(STORY, None).await;
    let id = app
        .publish(STORY, plain_update("Pickets are *singing* now"), at(18, 0))
        .await;
    let frame = events.next_event().await;
    assert_eq!(frame.event.as_deref(), Some("update"));
    assert_eq!(frame.id, Some(app.cursor(STORY).await.to_string()));
    assert!(
        frame.data.contains(&format!(r#"id="update-{id}""#)),
        "{}",
        frame.data
    );
    assert!(frame.data.contains("<em>singing</em>"));
}

#[actix_web::test]
async fn last_event_id_replays_exactly_the_missed_changes_in_order() {
    let app = TestApp::with_demo_content().await;
    app.publish(STORY, plain_update("Seen before the drop"), at(18, 0))
        .await;
    let seen = app.cursor(STORY).await;
    app.publish(STORY, plain_update("Missed one"), at(18, 1))
        .await;
    app.publish(STORY, plain_update("Missed two"), at(18, 2))
        .await;
    let mut events = app.open_events(STORY, Some(&seen.to_string())).await;
    let first = events.next_event().await;
    let second = events.next_event().await;
    assert_eq!(
        (first.id, second.id),
        (Some((seen + 1).to_string()), Some((seen + 2).to_string()))
    );
    assert!(first.data.contains("Missed one") && second.data.contains("Missed two"));
    // And the stream goes on live after the replay, without repeating it.
    app.publish(STORY, plain_update("Live again"), at(18, 3))
        .await;
    let live = events.next_event().await;
    assert_eq!(live.id, Some((seen + 3).to_string()));
    assert!(live.data.contains("Live again"));
}

#[actix_web::test]
async fn the_imported_demo_replays_from_any_cursor() {
    // Imports record their changes: the cursor means the same as at the desk.
    let app = TestApp::with_demo_content().await;
    let latest = app.cursor(STORY).await;
    assert!(latest > 2, "the demo's updates are in the change log");
    let mut events = app
        .open_events(STORY, Some(&(latest - 2).to_string()))
        .await;
    assert_eq!(events.next_event().await.id, Some((latest - 1).to_string()));
    assert_eq!(events.next_event().await.id, Some(latest.to_string()));
}

#[actix_web::test]
async fn edits_and_deletes_reach_open_pages() {
    let app = TestApp::with_demo_content().await;
    let id = app.publish(STORY, plain_update("Frist"), at(18, 0)).await;
    let mut events = app.open_events(STORY, None).await;
    let editor = app.create_editor("ed").await;
    app.edit(STORY, id, "First", editor).await;
    let edit = events.next_event().await;
    assert_eq!(
        (edit.event.as_deref(), edit.id),
        (Some("edit"), Some(app.cursor(STORY).await.to_string()))
    );
    assert!(edit.data.contains("First") && edit.data.contains("edited"));
    app.delete(STORY, id, editor).await;
    let delete = events.next_event().await;
    assert_eq!(
        (delete.event.as_deref(), delete.data),
        (Some("delete"), id.to_string())
    );
}

#[actix_web::test]
async fn a_desk_only_site_keeps_streaming_after_corrections() {
    // The defect: on a site written at the desk, the stream compared update
    // ids with change numbers and went silent after the first correction.
    let app = TestApp::spawn().await;
    let editor = app.create_editor("ed").await;
    let slug = app.create_story("Pickets at dawn", editor).await;
    let a = app.publish(&slug, plain_update("Update A"), at(7, 0)).await;
    app.edit(&slug, a, "Update A, corrected", editor).await;
    let page = app.get_page(&format!("/news/{slug}")).await;
    let events_url = page
        .attrs(".update-stream[data-live]", "data-events")
        .remove(0);
    let mut events = app.open_events_at(&events_url, None).await;
    for n in 0..3 {
        let b = app
            .publish(&slug, plain_update(&format!("Update B{n}")), at(7, n + 1))
            .await;
        let frame = events.next_event().await;
        assert_eq!(frame.event.as_deref(), Some("update"));
        assert!(frame.data.contains(&format!(r#"id="update-{b}""#)));
        app.edit(&slug, b, &format!("Update B{n}, corrected"), editor)
            .await;
        assert_eq!(events.next_event().await.event.as_deref(), Some("edit"));
    }
}

#[actix_web::test]
async fn a_reconnecting_page_is_replayed_edits_deletions_and_story_changes() {
    let app = TestApp::with_demo_content().await;
    let mut events = app.open_events(STORY, None).await;
    let seen = app.publish(STORY, plain_update("Frist"), at(18, 0)).await;
    let last_id = events.next_event().await.id.unwrap();
    drop(events);
    // While the page is away: a correction, a new update, a deletion, a pin.
    let editor = app.create_editor("ed").await;
    app.edit(STORY, seen, "First", editor).await;
    let new = app
        .publish(STORY, plain_update("Meanwhile"), at(18, 5))
        .await;
    app.delete(STORY, new, editor).await;
    app.pin(STORY, Some(seen), editor).await;

    let mut events = app.open_events(STORY, Some(&last_id)).await;
    let mut replayed = Vec::new();
    for _ in 0..4 {
        let frame = events.next_event().await;
        replayed.push((frame.event.unwrap(), frame.id.unwrap(), frame.data));
    }
    let first: i64 = last_id.parse().unwrap();
    let ids: Vec<String> = (1..=4).map(|n| (first + n).to_string()).collect();
    assert_eq!(
        replayed.iter().map(|r| r.1.clone()).collect::<Vec<_>>(),
        ids
    );
    assert_eq!(replayed[0].0, "edit");
    assert!(replayed[0].2.contains("First"), "the correction's text");
    // The update published meanwhile is already deleted: both events say so.
    assert_eq!(
        (replayed[1].0.as_str(), replayed[1].2.as_str()),
        ("delete", new.to_string().as_str())
    );
    assert_eq!(replayed[2].0, "delete");
    assert_eq!(replayed[3].0, "story");
    let story: serde_json::Value = serde_json::from_str(&replayed[3].2).unwrap();
    assert_eq!(story["change"], "pin");
    assert_eq!(story["pinned_update"], seen);
}

#[actix_web::test]
async fn a_page_opening_its_stream_gets_what_was_published_since_it_was_rendered() {
    let app = TestApp::with_demo_content().await;
    let page = app.get_page(&format!("/news/{STORY}")).await;
    let events_url = page
        .attrs(".update-stream[data-live]", "data-events")
        .remove(0);
    let id = app
        .publish(STORY, plain_update("Between render and stream"), at(18, 0))
        .await;
    let mut events = app.open_events_at(&events_url, None).await;
    let frame = events.next_event().await;
    assert_eq!(frame.id, Some(app.cursor(STORY).await.to_string()));
    assert!(frame.data.contains(&format!(r#"id="update-{id}""#)));
}

#[actix_web::test]
async fn polling_returns_every_change_after_the_cursor_in_order() {
    let app = TestApp::with_demo_content().await;
    let editor = app.create_editor("ed").await;
    let shown = app
        .publish(STORY, plain_update("Already shown"), at(18, 0))
        .await;
    let cursor = app.cursor(STORY).await;
    let one = app.publish(STORY, plain_update("New one"), at(18, 1)).await;
    app.edit(STORY, shown, "Already shown, corrected", editor)
        .await;
    app.delete(STORY, one, editor).await;
    let page = app
        .get_page(&format!("/news/{STORY}/updates?after={cursor}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(
        page.attrs("[data-change]", "data-change"),
        ["delete", "edit", "delete"],
        "the new update is deleted by now: told as a deletion"
    );
    let seqs: Vec<i64> = page
        .attrs("[data-change]", "data-seq")
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(seqs, [cursor + 1, cursor + 2, cursor + 3]);
    assert_eq!(
        page.attrs("[data-change=edit] article.update", "id"),
        [format!("update-{shown}")]
    );
    let latest = app.cursor(STORY).await;
    assert_eq!(page.header("live-cursor"), Some(latest.to_string()));
    let none = app
        .get_page(&format!("/news/{STORY}/updates?after={latest}"))
        .await;
    assert_eq!((none.status, none.body.trim()), (StatusCode::OK, ""));
    assert_eq!(none.header("live-cursor"), Some(latest.to_string()));
    let everything = app
        .get_page(&format!("/news/{STORY}/updates?after=0"))
        .await;
    let story_page = app.get_page(&format!("/news/{STORY}")).await;
    let mut current = everything.attrs("article.update", "id");
    current.reverse();
    assert_eq!(
        current,
        story_page.attrs(".update-stream article.update", "id")
    );
}

#[actix_web::test]
async fn bad_live_requests_get_clear_errors() {
    let app = TestApp::with_demo_content().await;
    let page = app
        .get_page(&format!("/news/{STORY}/updates?after=abc"))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("after must be a change number"));
    let page = app
        .get_with(
            &format!("/news/{STORY}/events"),
            &[("Last-Event-ID", "abc")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("Last-Event-ID must be a change number"));
    assert_eq!(
        app.get_page("/news/nope/updates?after=1").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_page("/news/nope/events").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_page(&format!("/news/{STORY}?order=sideways"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

/// A live story with 120 updates, every 30th a key event.
async fn long_live_blog(app: &TestApp) -> Vec<i64> {
    let dir = crate::helpers::content_dir(&[(
        "long-blog.md",
        &crate::helpers::story_file("Long blog", "Body."),
    )]);
    app.import(dir.path()).await.unwrap();
    let mut ids = Vec::new();
    for n in 0..120u32 {
        let update = newsdesk::domain::UpdateInput {
            key_event: n % 30 == 0,
            ..plain_update(&format!("Update number {n}"))
        };
        ids.push(
            app.publish(
                "long-blog",
                update,
                at(8, 0) + chrono::Duration::minutes(n.into()),
            )
            .await,
        );
    }
    ids
}

#[actix_web::test]
async fn long_live_blogs_are_paged_and_permalinks_find_their_page() {
    let app = TestApp::spawn().await;
    let ids = long_live_blog(&app).await;
    let first = app.get_page("/news/long-blog").await;
    let shown = first.attrs("article.update", "data-update-id");
    assert_eq!(shown.len(), 50);
    assert_eq!(shown[0], ids[119].to_string());
    let older = first.attrs(".pagination a", "href");
    assert_eq!(older, [format!("/news/long-blog?before={}", ids[70])]);

    let third = app
        .get_page(&format!("/news/long-blog?before={}", ids[20]))
        .await;
    assert_eq!(third.attrs("article.update", "data-update-id").len(), 20);
    assert!(
        third
            .texts(".pagination")
            .iter()
            .all(|t| !t.contains("Older updates"))
    );

    let beyond = app
        .get_page(&format!("/news/long-blog?before={}", ids[0]))
        .await;
    assert_eq!(beyond.status, StatusCode::OK);
    assert_eq!(beyond.attrs("article.update", "id").len(), 0);
    assert_eq!(beyond.texts(".no-updates"), ["No updates on this page."]);

    // Key events span every page; those elsewhere link to the page that holds them.
    let key_links = first.attrs(".key-events a", "href");
    assert_eq!(key_links.len(), 4);
    let oldest_key = key_links.last().unwrap();
    assert_eq!(
        oldest_key,
        &format!("/news/long-blog?update={0}#update-{0}", ids[0])
    );
    let landing = app.get_page(oldest_key.split('#').next().unwrap()).await;
    assert!(
        landing
            .attrs("article.update", "id")
            .contains(&format!("update-{}", ids[0]))
    );
}

#[actix_web::test]
async fn readers_can_catch_up_oldest_first() {
    let app = TestApp::spawn().await;
    let ids = long_live_blog(&app).await;
    let page = app.get_page("/news/long-blog?order=oldest").await;
    let shown = page.attrs("article.update", "data-update-id");
    assert_eq!((shown[0].clone(), shown.len()), (ids[0].to_string(), 50));
    assert_eq!(
        page.attrs(".pagination a", "href").last().unwrap(),
        &format!("/news/long-blog?order=oldest&after={}", ids[49])
    );
    // Only the live end of the newest-first page takes live updates.
    assert!(
        page.attrs(".update-stream[data-live]", "data-events")
            .is_empty()
    );
    let newest = app.get_page("/news/long-blog").await;
    assert_eq!(
        newest.attrs(".update-stream", "data-cursor"),
        [app.cursor("long-blog").await.to_string()]
    );
}

#[actix_web::test]
async fn structured_data_describes_a_live_blog_and_its_updates() {
    let app = TestApp::with_demo_content().await;
    let page = app.get_page(&format!("/news/{STORY}")).await;
    let json: serde_json::Value =
        serde_json::from_str(&page.texts("script[type='application/ld+json']")[0]).unwrap();
    assert_eq!(json["@type"], "LiveBlogPosting");
    assert_eq!(json["coverageStartTime"], "2016-01-12T07:45:00+00:00");
    let updates = json["liveBlogUpdate"].as_array().unwrap();
    assert_eq!(updates.len(), 20);
    assert!(
        updates[0]["url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("https://news.example/news/{STORY}?update="))
    );
    assert_eq!(
        page.attrs("meta[property='og:url']", "content"),
        [format!("https://news.example/news/{STORY}")]
    );

    let article = app.get_page("/news/earlier-strike-called-off").await;
    let json: serde_json::Value =
        serde_json::from_str(&article.texts("script[type='application/ld+json']")[0]).unwrap();
    assert_eq!(json["@type"], "NewsArticle");
}

#[actix_web::test]
async fn the_pinned_update_sits_above_the_stream() {
    let app = TestApp::with_demo_content().await;
    let page = app.get_page(&format!("/news/{STORY}")).await;
    let pinned = page.texts(".pinned summary");
    assert_eq!(pinned.len(), 1);
    assert!(pinned[0].starts_with("Pinned"), "{pinned:?}");
}

#[actix_web::test]
async fn newsdesk_import_in_another_process_reaches_open_pages() {
    let app = TestApp::with_demo_content().await;
    let mut events = app.open_events(STORY, None).await;
    // The demo story with one more update, imported by the real binary.
    let file = format!("{STORY}.md");
    let text = std::fs::read_to_string(crate::helpers::demo_content().join(&file)).unwrap();
    let text = format!(
        "{text}\n+++ update\ntime = 2016-01-12T21:00:00Z\nkind = \"update\"\nauthor = \"Live desk\"\n+++\nImported while serving.\n"
    );
    let dir = crate::helpers::content_dir(&[(&file, &text)]);
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["import", "--database", &app.database_url()])
        .arg("--media")
        .arg(app.room.media.dir())
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    // The serving process follows the change log (within a second or so).
    let frame = events.next_event().await;
    assert_eq!(frame.event.as_deref(), Some("update"), "{frame:?}");
    assert!(frame.data.contains("Imported while serving."));
    assert_eq!(frame.id, Some(app.cursor(STORY).await.to_string()));
}

#[actix_web::test]
async fn a_pinned_update_with_footnotes_leaves_every_id_on_the_page_unique() {
    let app = TestApp::with_demo_content().await;
    let editor = app.create_editor("ed").await;
    let id = app
        .publish(
            STORY,
            plain_update("Figures are provisional.[^1]\n\n[^1]: Trust estimate."),
            at(18, 0),
        )
        .await;
    app.pin(STORY, Some(id), editor).await;
    let page = app.get_page(&format!("/news/{STORY}")).await;
    assert_eq!(
        page.texts("details.pinned .update-body p")[0],
        "Figures are provisional.1"
    );
    let ids = page.attrs("[id]", "id");
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids: {ids:?}");
}

#[actix_web::test]
async fn a_backlog_longer_than_one_batch_reaches_open_pages_up_to_its_last_change() {
    use tokio::sync::broadcast::error::TryRecvError;

    let app = TestApp::spawn().await;
    let update = |n: usize| {
        format!(
            "\n+++ update\ntime = 2016-01-12T{:02}:{:02}:00Z\nkind = \"update\"\nauthor = \"Desk\"\n+++\nUpdate {n}.\n",
            8 + n / 60,
            n % 60
        )
    };
    let file =
        |updates: usize| story_file("Long day", &(0..updates).map(update).collect::<String>());
    let dir = content_dir(&[("long-day.md", &file(1))]);
    app.import(dir.path()).await.unwrap();
    let story = app.story("long-day").await;
    let mut page = app.room.live.subscribe(story.id);
    // 700 new updates in one import: more changes than the after-commit
    // module reads in one batch.
    std::fs::write(dir.path().join("long-day.md"), file(701)).unwrap();
    app.import(dir.path()).await.unwrap();
    // The hub keeps the newest messages for a page that fell behind: the
    // last one it has is the import's last change.
    let mut last = None;
    loop {
        match page.try_recv() {
            Ok(message) => last = Some(message.seq),
            Err(TryRecvError::Lagged(_)) => continue,
            Err(_) => break,
        }
    }
    assert_eq!(last, Some(app.cursor("long-day").await));
}
