use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::super::respond::{self, HTML};
use super::UpdateView;
use crate::Newsroom;
use crate::content::SafeHtml;
use crate::db::{self, stories::StoryRow, stories::StorySummary, topics::TopicRow};
use crate::error::{AppError, AppResult};
use crate::filters;

/// Live updates per page: a story with thousands of them stays one fast page.
pub const UPDATES_PER_PAGE: i64 = 50;
const RELATED_STORIES: i64 = 5;

#[derive(Deserialize)]
pub struct StoryQuery {
    /// Show the updates older than this one (the next page).
    before: Option<String>,
}

#[derive(Template)]
#[template(path = "reader/story.html")]
pub struct StoryPage {
    pub story: StoryRow,
    pub body: SafeHtml,
    pub topics: Vec<TopicRow>,
    pub updates: Vec<UpdateView>,
    /// The `before` cursor for the next (older) page, when there is one.
    pub older_page: Option<i64>,
    pub related: Vec<StorySummary>,
}

impl StoryPage {
    pub fn is_live(&self) -> bool {
        self.story.live_state == "live"
    }

    pub fn has_ended(&self) -> bool {
        self.story.live_state == "ended"
    }

    /// Newest update id on this page, where live updates resume from.
    pub fn newest_update_id(&self) -> i64 {
        self.updates.iter().map(|u| u.id).max().unwrap_or(0)
    }
}

/// Parses an update id given in a URL; 400 with a message when it is not one.
pub fn parse_update_id(name: &str, text: &str) -> AppResult<i64> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id >= 0)
        .ok_or_else(|| {
            AppError::BadRequest(format!("{name} must be an update number, not “{text}”."))
        })
}

/// `GET /news/{slug}`: a story with its newest live updates.
pub async fn story_page(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: web::Path<String>,
    query: web::Query<StoryQuery>,
) -> AppResult<HttpResponse> {
    let before = query
        .before
        .as_deref()
        .map(|b| parse_update_id("before", b))
        .transpose()?;
    respond::cached(&req, &room, HTML, || async {
        let mut conn = room.db.acquire().await?;
        let story = published_story(&mut conn, &slug).await?;
        let rows =
            db::updates::page_newest_first(&mut conn, story.id, before, UPDATES_PER_PAGE + 1)
                .await?;
        let older_page =
            (rows.len() as i64 > UPDATES_PER_PAGE).then(|| rows[UPDATES_PER_PAGE as usize - 1].id);
        let updates = rows
            .into_iter()
            .take(UPDATES_PER_PAGE as usize)
            .map(|row| UpdateView::new(&story.slug, row))
            .collect();
        let page = StoryPage {
            topics: db::topics::for_story(&mut conn, story.id).await?,
            related: db::stories::related(&mut conn, story.id, RELATED_STORIES).await?,
            body: SafeHtml::from_stored(story.body_html.clone()),
            story,
            updates,
            older_page,
        };
        Ok(page.render()?)
    })
    .await
}

/// The published story with this slug; drafts are as good as missing to readers.
pub async fn published_story(conn: &mut db::Connection, slug: &str) -> AppResult<StoryRow> {
    match db::stories::find_by_slug(conn, slug).await? {
        Some(story) if story.status == "published" => Ok(story),
        _ => Err(AppError::NotFound),
    }
}
