use std::sync::Arc;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::Newsroom;
use crate::db::{self, search::SearchResults};
use crate::error::{AppError, AppResult};
use crate::filters;
use crate::freshness::Lifetime;
use crate::handlers::respond;
use crate::site::Site;
use crate::surrogate::SurrogateKey;

/// Matching stories shown, newest first. Each excerpt costs the most (a
/// story's whole text is read and tokenised again): 60 µs on this machine.
pub const STORY_RESULTS: i64 = 10;
/// Matching live updates shown, newest first.
pub const UPDATE_RESULTS: i64 = 30;

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "reader/search.html")]
pub struct SearchPage {
    /// The publication, for the shared layout.
    pub site: Arc<Site>,
    pub query: String,
    pub found: SearchResults,
}

/// `GET /search?q=`: full-text search over stories and updates, the newest
/// matches of each (see [`db::search::query`] for why newest). Not in the
/// page cache (every query is different); a cache in front may keep it
/// until the next change.
pub async fn search_page(
    room: web::Data<Newsroom>,
    query: web::Query<SearchQuery>,
) -> AppResult<HttpResponse> {
    // Control characters mean nothing in a search and would reach the page
    // and SQLite (where a NUL ends the query mid-string): they become spaces.
    let query: String = query
        .into_inner()
        .q
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let query = query.trim().to_owned();
    if query.len() > 200 {
        return Err(AppError::BadRequest(
            "Search for at most 200 characters.".into(),
        ));
    }
    let mut conn = room.db.acquire().await?;
    let found = db::search::query(&mut conn, &query, STORY_RESULTS, UPDATE_RESULTS).await?;
    let body = SearchPage {
        site: room.site.clone(),
        query,
        found,
    }
    .render()?;
    let mut response = HttpResponse::Ok();
    respond::shared(
        &mut response,
        &room,
        Lifetime::Page,
        &[SurrogateKey::Search],
    );
    Ok(response.content_type(respond::HTML).body(body))
}
