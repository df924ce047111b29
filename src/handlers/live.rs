//! Live endpoints: the HTML fragment of new updates (the no-SSE fallback) and
//! the rendering of hub messages.

use actix_web::{HttpResponse, web};
use anyhow::Context;
use askama::Template;
use serde::Deserialize;

use super::reader::story::{parse_update_id, published_story};
use super::reader::{UpdateFragment, UpdateView};
use crate::Newsroom;
use crate::db;
use crate::error::AppResult;
use crate::live::LiveEvent;

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
    let rows = db::updates::published_after(&mut conn, story.id, after).await?;
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
