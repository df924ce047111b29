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

use super::reader::story::{parse_update_id, published_story};
use super::reader::{UpdateFragment, UpdateView};
use crate::Newsroom;
use crate::db;
use crate::error::AppResult;
use crate::live::{LiveEvent, LiveMessage};

#[derive(Deserialize)]
pub struct AfterQuery {
    after: String,
}

/// `GET /news/{slug}/updates?after={id}`: the updates published after `id`,
/// newest first, as HTML ready to insert at the top of the stream.
pub async fn updates_after(
    room: web::Data<Newsroom>,
    slug: web::Path<String>,
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

/// The HTML an event carries: the update's fragment, or nothing for a delete.
pub async fn render_message(room: &Newsroom, event: LiveEvent) -> anyhow::Result<String> {
    if let LiveEvent::Deleted(_) = event {
        return Ok(String::new());
    }
    let mut conn = room.db.acquire().await?;
    let (slug, row) = db::updates::with_story_slug(&mut conn, event.update_id())
        .await?
        .context("announced update is missing")?;
    Ok(UpdateFragment {
        update: &UpdateView::new(&slug, row),
    }
    .render()?)
}

#[derive(Deserialize)]
pub struct ResumeQuery {
    after: Option<String>,
}

/// Most updates sent to a page catching up in one go.
const CATCH_UP: i64 = 100;

/// Seconds between heartbeat comments, which keep proxies from closing an idle stream.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// `GET /news/{slug}/events`: Server-Sent Events for one story. A reconnecting
/// page sends `Last-Event-ID` and first gets every update published since.
pub async fn events(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: web::Path<String>,
    query: web::Query<ResumeQuery>,
) -> AppResult<HttpResponse> {
    // A reconnecting browser sends Last-Event-ID; a page opening its first
    // stream says with `?after=` which update it was rendered with, so nothing
    // published in between is missed.
    let last_seen = match (req.headers().get("Last-Event-ID"), &query.after) {
        (Some(value), _) => Some(parse_update_id(
            "Last-Event-ID",
            value.to_str().unwrap_or("?"),
        )?),
        (None, Some(after)) => Some(parse_update_id("after", after)?),
        (None, None) => None,
    };
    let mut conn = room.db.acquire().await?;
    let story = published_story(&mut conn, &slug).await?;
    // Subscribe before reading the replay, so nothing published in between is lost.
    let receiver = room.live.subscribe(story.id);
    let mut opening = VecDeque::from([Bytes::from_static(b"retry: 3000\n: connected\n\n")]);
    let mut replayed_up_to = 0;
    if let Some(after) = last_seen {
        let missed = db::updates::published_after(&mut conn, story.id, after, CATCH_UP + 1).await?;
        if missed.len() as i64 > CATCH_UP {
            // Too far behind to replay: the page reloads instead.
            return Ok(HttpResponse::Ok()
                .content_type("text/event-stream")
                .insert_header(("Cache-Control", "no-cache"))
                .body("event: reload\ndata: too far behind\n\n"));
        }
        for row in missed {
            replayed_up_to = row.id;
            let html = UpdateFragment {
                update: &UpdateView::new(&story.slug, row),
            }
            .render()?;
            opening.push_back(LiveMessage::new(LiveEvent::Published(replayed_up_to), &html).frame);
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
