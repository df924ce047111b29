//! What several page areas look up the same way: update ids given in a query
//! string, and the published story behind a slug.

use crate::db::{self, stories::StoryRow};
use crate::domain::{Slug, UpdateId};
use crate::error::{AppError, AppResult};

/// Parses an update id given in a query string; 400 with a message when it is
/// not one (unlike a path segment, a query can say which parameter was wrong).
pub fn parse_update_id(name: &str, text: &str) -> AppResult<i64> {
    UpdateId::parse(text).map(UpdateId::get).ok_or_else(|| {
        AppError::BadRequest(format!("{name} must be an update number, not “{text}”."))
    })
}

/// The published story with this slug; drafts are as good as missing to readers.
pub async fn published_story(conn: &mut db::Connection, slug: &Slug) -> AppResult<StoryRow> {
    match db::stories::find_by_slug(conn, slug.as_str()).await? {
        Some(story) if story.status.is_published() => Ok(story),
        _ => Err(AppError::NotFound),
    }
}
