//! Live endpoints: Server-Sent Events, the HTML fragment of new updates (the
//! no-SSE fallback), and the rendering of hub messages.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use anyhow::Context;
use askama::Template;
use futures_util::{Stream, stream};
use serde::Deserialize;
use tokio::sync::broadcast;
use tokio::time::Instant;

use super::lookup::{parse_update_id, published_story};
use super::reader::{UpdateFragment, UpdateView};
use crate::Newsroom;
use crate::db;
use crate::domain::Slug;
use crate::error::AppResult;
use crate::live::{LiveChange, LiveEvent, LiveMessage};

#[derive(Deserialize)]
pub struct AfterQuery {
    after: String,
}

/// `GET /news/{slug}/updates?after={id}`: the updates published after `id`,
/// newest first, as HTML ready to insert at the top of the stream.
pub async fn updates_after(
    room: web::Data<Newsroom>,
    slug: Slug,
    query: web::Query<AfterQuery>,
) -> AppResult<HttpResponse> {
    let after = parse_update_id("after", &query.after)?;
    let mut conn = room.db.acquire().await?;
    let story = published_story(&mut conn, &slug).await?;
    // A page far behind catches up over several polls; no request renders a whole blog.
    let rows = db::updates::published_after(&mut conn, story.id, after, CATCH_UP).await?;
    let mut html = String::new();
    for row in rows.into_iter().rev() {
        UpdateFragment {
            update: &UpdateView::new(&story.slug, row),
        }
        .render_into(&mut html)?;
    }
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(html))
}

/// A change as the message that tells pages about it: the update's current
/// HTML, or a delete when it is (by now) deleted.
pub async fn render_message(
    conn: &mut db::Connection,
    change: LiveChange,
) -> anyhow::Result<LiveMessage> {
    let id = change.event.update_id();
    let deleted = LiveMessage::new(
        LiveChange {
            event: LiveEvent::Deleted(id),
            ..change
        },
        "",
    );
    if matches!(change.event, LiveEvent::Deleted(_)) || db::updates::is_deleted(conn, id).await? {
        return Ok(deleted);
    }
    let (slug, row) = db::updates::with_story_slug(conn, id)
        .await?
        .context("announced update is missing")?;
    let html = UpdateFragment {
        update: &UpdateView::new(&slug, row),
    }
    .render()?;
    Ok(LiveMessage::new(change, &html))
}

#[derive(Deserialize)]
pub struct ResumeQuery {
    /// The story's latest change when the page was rendered (`db::live_changes`).
    since: Option<String>,
}

/// Most changes replayed to a page catching up; further behind, it reloads.
const CATCH_UP: i64 = 100;

/// Seconds between heartbeat comments, which keep proxies from closing an idle stream.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// `GET /news/{slug}/events`: Server-Sent Events for one story. A page opens
/// its first stream with `?since=` (the changes its HTML already shows); a
/// reconnecting one sends `Last-Event-ID`. Either way it first gets every
/// change it missed: new updates, edits and deletions.
pub async fn events(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: Slug,
    query: web::Query<ResumeQuery>,
) -> AppResult<HttpResponse> {
    let last_event = match req.headers().get("Last-Event-ID") {
        Some(value) => Some(parse_update_id(
            "Last-Event-ID",
            value.to_str().unwrap_or("?"),
        )?),
        None => None,
    };
    let since = query
        .since
        .as_deref()
        .map(|s| parse_update_id("since", s))
        .transpose()?;
    let mut conn = room.db.acquire().await?;
    let story = published_story(&mut conn, &slug).await?;
    // Subscribe before reading the replay, so nothing committed in between is lost.
    let receiver = room.live.subscribe(story.id);
    let resume = match (last_event, since) {
        (Some(update_id), _) => {
            Some(db::live_changes::resume_point(&mut conn, story.id, update_id).await?)
        }
        (None, since) => since,
    };
    let mut opening = VecDeque::from([Bytes::from_static(b"retry: 3000\n: connected\n\n")]);
    let mut replayed_up_to = resume.unwrap_or(i64::MIN);
    if let Some(resume) = resume {
        let missed = db::live_changes::after(&mut conn, story.id, resume, CATCH_UP + 1).await?;
        if missed.len() as i64 > CATCH_UP {
            return Ok(HttpResponse::Ok()
                .content_type("text/event-stream")
                .insert_header(("Cache-Control", "no-cache"))
                .body("event: reload\ndata: too far behind\n\n"));
        }
        for row in missed {
            let Some(event) = LiveEvent::from_name(&row.event, row.update_id) else {
                continue;
            };
            replayed_up_to = row.seq;
            opening.push_back(
                render_message(
                    &mut conn,
                    LiveChange {
                        seq: row.seq,
                        event,
                    },
                )
                .await?
                .frame,
            );
        }
    }
    drop(conn);
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        // Never compressed or buffered: each frame must leave at once.
        .insert_header(("Content-Encoding", "identity"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(event_stream(receiver, opening, replayed_up_to)))
}

/// The frames one page receives: the opening ones, then the hub's, with a
/// heartbeat when idle. It ends when the page has fallen [`crate::live::BUFFER`]
/// messages behind; the browser reconnects with `Last-Event-ID` and is replayed.
fn event_stream(
    receiver: broadcast::Receiver<Arc<LiveMessage>>,
    opening: VecDeque<Bytes>,
    replayed_up_to: i64,
) -> impl Stream<Item = Result<Bytes, Infallible>> {
    let heartbeat = tokio::time::interval_at(Instant::now() + HEARTBEAT, HEARTBEAT);
    stream::unfold(
        (receiver, opening, heartbeat),
        move |(mut receiver, mut opening, mut heartbeat)| async move {
            if let Some(frame) = opening.pop_front() {
                return Some((Ok(frame), (receiver, opening, heartbeat)));
            }
            loop {
                tokio::select! {
                    message = receiver.recv() => match message {
                        // Already sent in the replay.
                        Ok(m) if matches!(m.event, LiveEvent::Published(id) if id <= replayed_up_to) => continue,
                        Ok(m) => return Some((Ok(m.frame.clone()), (receiver, opening, heartbeat))),
                        Err(_lagged_or_closed) => return None,
                    },
                    _ = heartbeat.tick() => {
                        return Some((Ok(Bytes::from_static(b": heartbeat\n\n")), (receiver, opening, heartbeat)));
                    }
                }
            }
        },
    )
}
