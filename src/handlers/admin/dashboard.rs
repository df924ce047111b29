use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::admin_html;
use super::session::Editor;
use crate::Newsroom;
use crate::db::{self, audit::AuditRow, stories::DeskRow};
use crate::error::{AppError, AppResult};
use crate::filters;
use crate::site::Site;

const AUDIT_ENTRIES: i64 = 50;

/// Stories per page of the desk: a morning's work at a glance, and a page
/// that stays small however long the archive grows.
const DESK_PAGE_STORIES: i64 = 100;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
pub struct DashboardPage {
    /// The publication, for the shared layout.
    pub site: Arc<Site>,
    pub editor: Editor,
    /// Stories live now: on the first page only.
    pub live: Vec<DeskRow>,
    pub stories: Vec<DeskRow>,
    /// Whether this is a later page (`?before=`).
    pub later_page: bool,
    /// The story the next page starts after, when there are more.
    pub older: Option<i64>,
    /// On the first page only.
    pub audit: Vec<AuditRow>,
}

#[derive(Deserialize)]
pub struct DeskQuery {
    before: Option<String>,
}

/// `GET /admin`: the stories live now, then every other story, most
/// recently changed first, a page at a time (`?before=` the last story of
/// the page before), and the recent audit trail.
pub async fn dashboard(
    editor: Editor,
    room: web::Data<Newsroom>,
    query: web::Query<DeskQuery>,
) -> AppResult<HttpResponse> {
    let before = query.before.as_deref().map(parse_story_id).transpose()?;
    let mut conn = room.db.acquire().await?;
    let mut stories = db::stories::desk_page(&mut conn, before, DESK_PAGE_STORIES + 1).await?;
    let older = (stories.len() as i64 > DESK_PAGE_STORIES).then(|| {
        stories.truncate(DESK_PAGE_STORIES as usize);
        stories.last().map(|s| s.id)
    });
    let first_page = before.is_none();
    let page = DashboardPage {
        site: room.site.clone(),
        editor,
        live: match first_page {
            // No newsroom runs a hundred live stories at once.
            true => db::stories::desk_live(&mut conn, DESK_PAGE_STORIES).await?,
            false => Vec::new(),
        },
        stories,
        later_page: !first_page,
        older: older.flatten(),
        audit: match first_page {
            true => db::audit::recent(&mut conn, AUDIT_ENTRIES).await?,
            false => Vec::new(),
        },
    };
    Ok(admin_html(StatusCode::OK, page.render()?))
}

fn parse_story_id(text: &str) -> AppResult<i64> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            AppError::BadRequest(format!("before must be a story number, not “{text}”."))
        })
}
