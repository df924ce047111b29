//! Live endpoints: Server-Sent Events and their polling twin. Both speak the
//! change cursor (`db::live_changes`): a reader sends the cursor of the last
//! change it has, and is sent every change of the story after it, in order.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use futures_util::{Stream, stream};
use serde::Deserialize;
use tokio::sync::broadcast;
use tokio::time::Instant;

use super::extract::ClientAddress;
use super::lookup::published_story;
use super::respond;
use crate::Newsroom;
use crate::db::{self, live_changes::ChangeRow, stories::StoryRow};
use crate::domain::Slug;
use crate::error::{AppError, AppResult};
use crate::freshness::Lifetime;
use crate::grip::{self, Grip};
use crate::live::LiveMessage;
use crate::stream_limits::{Refusal, StreamSlot};
use crate::surrogate::SurrogateKey;
use crate::urls;
use crate::views::ChangeView;
use crate::views::change::ChangeElement;

/// Most changes replayed to a reader catching up; further behind, it reloads.
const CATCH_UP: i64 = 100;

/// Seconds between heartbeat comments, which keep proxies from closing an idle stream.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// Seconds a refused stream is told to wait. The page polls meanwhile
/// (`static/live.js` falls back to polling when its stream is refused), at
/// about this interval.
const STREAM_RETRY_SECONDS: u64 = 15;

/// Name of the response header carrying the cursor a poll got up to.
pub const CURSOR_HEADER: &str = "Live-Cursor";

#[derive(Deserialize)]
pub struct AfterQuery {
    after: String,
}

/// Parses a change cursor given by a reader; 400 with a message when it is not one.
fn parse_cursor(name: &str, text: &str) -> AppResult<i64> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|c| *c >= 0)
        .ok_or_else(|| {
            AppError::BadRequest(format!("{name} must be a change number, not “{text}”."))
        })
}

/// The story's changes after `cursor`, or `None` when there are more than a
/// reader should be replayed (it reloads instead).
async fn missed_changes(
    conn: &mut db::Connection,
    story: &StoryRow,
    cursor: i64,
) -> AppResult<Option<Vec<ChangeView>>> {
    let rows = db::live_changes::after(conn, Some(story.id), cursor, CATCH_UP + 1).await?;
    if rows.len() as i64 > CATCH_UP {
        return Ok(None);
    }
    Ok(Some(render_all(&rows)?))
}

fn render_all(rows: &[ChangeRow]) -> AppResult<Vec<ChangeView>> {
    Ok(rows.iter().map(ChangeView::new).collect::<Result<_, _>>()?)
}

/// `GET /news/{slug}/updates?after={cursor}`: the no-SSE fallback. Every
/// change after the cursor, oldest first, each as one element marked with
/// its event and cursor (`reader/_change.html`); the response's
/// [`CURSOR_HEADER`] is where the next poll resumes. `after=0` gives the
/// story's current updates; a reader too far behind is told to reload.
pub async fn updates_after(
    room: web::Data<Newsroom>,
    slug: Slug,
    query: web::Query<AfterQuery>,
) -> AppResult<HttpResponse> {
    let after = parse_cursor("after", &query.after)?;
    let mut conn = room.db.acquire().await?;
    let story = published_story(&mut conn, &slug).await?;
    let latest = db::live_changes::latest(&mut conn, story.id).await?;
    let changes = if after == 0 {
        Some(current_updates(&mut conn, &story, latest).await?)
    } else {
        missed_changes(&mut conn, &story, after).await?
    };
    drop(conn);
    let (html, cursor) = match changes {
        Some(changes) => {
            let mut html = String::new();
            for change in &changes {
                ChangeElement { change }.render_into(&mut html)?;
            }
            // `after=0` is answered with the story as it is now.
            let cursor = match changes.last() {
                _ if after == 0 => latest,
                Some(last) => last.seq.max(after),
                None => after,
            };
            (html, cursor)
        }
        None => (
            r#"<div class="live-change" data-change="reload"></div>"#.to_owned(),
            latest,
        ),
    };
    let mut response = HttpResponse::Ok();
    // Many readers poll the same cursor: a cache in front answers them all.
    respond::shared(
        &mut response,
        &room,
        Lifetime::LivePoll,
        &[SurrogateKey::Story(story.id)],
    );
    Ok(response
        .content_type(respond::HTML)
        .insert_header((CURSOR_HEADER, cursor.to_string()))
        .body(html))
}

/// The story's newest updates as `update` changes, oldest first, all at the
/// story's latest cursor: what a reader with nothing is sent.
async fn current_updates(
    conn: &mut db::Connection,
    story: &StoryRow,
    latest: i64,
) -> AppResult<Vec<ChangeView>> {
    let rows = db::updates::newest(conn, story.id, CATCH_UP).await?;
    let changes: Vec<ChangeRow> = rows
        .into_iter()
        .rev()
        .map(|update| ChangeRow {
            seq: latest,
            prev_seq: None,
            story_id: story.id,
            change: crate::domain::Change::Published(update.id),
            story: db::live_changes::StoryState::of(story),
            update: Some(update),
        })
        .collect();
    render_all(&changes)
}

#[derive(Deserialize)]
pub struct ResumeQuery {
    /// The cursor the page was rendered at.
    since: Option<String>,
}

/// `GET /news/{slug}/events`: Server-Sent Events for one story. A page opens
/// its first stream with `?since=` (the cursor its HTML was rendered at); a
/// reconnecting one sends `Last-Event-ID` (the last cursor it received).
/// Either way it first gets every change it missed, then each new one:
/// from this process, or, for a request that came through the push proxy,
/// from the proxy, which holds the connection ([`held_by_proxy`]).
pub async fn events(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    client: ClientAddress,
    slug: Slug,
    query: web::Query<ResumeQuery>,
) -> AppResult<HttpResponse> {
    let resume_from = resume_cursor(&req, &query)?;
    if let Some(grip) = &room.grip
        && grip.came_through(&req, room.clock.now())
    {
        return held_by_proxy(&req, &room, &slug, resume_from).await;
    }
    // Counted from here until the stream ends, however it ends.
    let slot = room
        .streams
        .open(client.0)
        .map_err(|refusal| match refusal {
            Refusal::AddressFull => AppError::TooManyStreams(STREAM_RETRY_SECONDS),
            Refusal::ServerFull => AppError::Busy(STREAM_RETRY_SECONDS),
        })?;
    let mut conn = room.db.acquire().await?;
    let story = published_story(&mut conn, &slug).await?;
    // Subscribe before reading the replay, so nothing committed in between is
    // lost; what arrives twice is skipped by its cursor.
    let receiver = room.live.subscribe(story.id);
    let cursor = match resume_from {
        Some(cursor) => cursor,
        None => db::live_changes::latest(&mut conn, story.id).await?,
    };
    let Some(missed) = missed_changes(&mut conn, &story, cursor).await? else {
        return Ok(event_stream_response().body(TOO_FAR_BEHIND));
    };
    drop(conn);
    let mut opening = VecDeque::from([Bytes::from_static(OPENING)]);
    let mut replayed_up_to = cursor;
    for change in missed {
        replayed_up_to = change.seq;
        opening.push_back(change.message().frame);
    }
    Ok(event_stream_response()
        // Never compressed or buffered: each frame must leave at once.
        .insert_header(("Content-Encoding", "identity"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(event_stream(slot, receiver, opening, replayed_up_to)))
}

/// The first frame of every stream: how long to wait before reconnecting.
const OPENING: &[u8] = b"retry: 3000\n: connected\n\n";

/// The whole answer to a reader too far behind to replay: reload the page.
const TOO_FAR_BEHIND: &str = "retry: 3000\nevent: reload\ndata: too far behind\n\n";

/// Where a reader resumes: `Last-Event-ID` (a reconnect), else `?since=`
/// (a page's first stream), else nowhere (from now on).
fn resume_cursor(req: &HttpRequest, query: &ResumeQuery) -> AppResult<Option<i64>> {
    let last_event = req
        .headers()
        .get("Last-Event-ID")
        .map(|value| parse_cursor("Last-Event-ID", value.to_str().unwrap_or("?")))
        .transpose()?;
    let since = query
        .since
        .as_deref()
        .map(|s| parse_cursor("since", s))
        .transpose()?;
    Ok(last_event.or(since))
}

/// A stream request that came through the push proxy: the replay the reader
/// is owed, and an instruction to hold the connection on the story's channel
/// from the last change sent. The proxy asks again (with `?since=`) when it
/// notices a gap. The response is complete: nothing here stays open.
async fn held_by_proxy(
    req: &HttpRequest,
    room: &Newsroom,
    slug: &Slug,
    resume_from: Option<i64>,
) -> AppResult<HttpResponse> {
    let mut conn = room.db.acquire().await?;
    let story = published_story(&mut conn, slug).await?;
    let latest = db::live_changes::latest(&mut conn, story.id).await?;
    // Only the proxy's own fetch of the `next` link says what it delivered:
    // that reader's stream is already open and has had its opening.
    let delivered = Grip::last_delivered(req, story.id);
    let cursor = delivered.or(resume_from).unwrap_or(latest);
    let Some(missed) = missed_changes(&mut conn, &story, cursor).await? else {
        return Ok(event_stream_response().body(TOO_FAR_BEHIND));
    };
    drop(conn);
    let mut body = match delivered {
        Some(_) => Vec::new(),
        None => OPENING.to_vec(),
    };
    for change in &missed {
        body.extend_from_slice(&change.message().frame);
    }
    // The story's last change the reader now has: what the next publish
    // on the channel names as its `prev-id`.
    let up_to = missed
        .last()
        .map_or(latest, |change| change.seq)
        .max(latest);
    let mut response = event_stream_response();
    grip::hold(
        &mut response,
        story.id,
        up_to,
        &urls::story_events(&story.slug, up_to),
    );
    // Never compressed: the proxy appends published frames to this body.
    Ok(response
        .insert_header(("Content-Encoding", "identity"))
        .body(body))
}

fn event_stream_response() -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"));
    response
}

/// The frames one page receives: the opening ones, then the hub's after
/// `replayed_up_to`, with a heartbeat when idle. It ends when the page has
/// fallen [`crate::live::BUFFER`] messages behind; the browser reconnects
/// with `Last-Event-ID` and is replayed. `slot` lives in the stream's state,
/// so the stream is counted exactly as long as it is open.
fn event_stream(
    slot: StreamSlot,
    receiver: broadcast::Receiver<Arc<LiveMessage>>,
    opening: VecDeque<Bytes>,
    replayed_up_to: i64,
) -> impl Stream<Item = Result<Bytes, Infallible>> {
    let heartbeat = tokio::time::interval_at(Instant::now() + HEARTBEAT, HEARTBEAT);
    stream::unfold(
        (slot, receiver, opening, heartbeat),
        move |(slot, mut receiver, mut opening, mut heartbeat)| async move {
            if let Some(frame) = opening.pop_front() {
                return Some((Ok(frame), (slot, receiver, opening, heartbeat)));
            }
            loop {
                tokio::select! {
                    message = receiver.recv() => match message {
                        // Already sent in the replay.
                        Ok(m) if m.seq <= replayed_up_to => continue,
                        Ok(m) => return Some((Ok(m.frame.clone()), (slot, receiver, opening, heartbeat))),
                        Err(_lagged_or_closed) => return None,
                    },
                    _ = heartbeat.tick() => {
                        return Some((Ok(Bytes::from_static(b": heartbeat\n\n")), (slot, receiver, opening, heartbeat)));
                    }
                }
            }
        },
    )
}
