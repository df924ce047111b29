use std::sync::Arc;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::Newsroom;
use crate::db::{self, search::SearchHit};
use crate::error::{AppError, AppResult};
use crate::freshness::Lifetime;
use crate::handlers::respond;
use crate::site::Site;
use crate::surrogate::SurrogateKey;

const RESULTS: i64 = 50;

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
    pub hits: Vec<SearchHit>,
}

/// `GET /search?q=`: full-text search over stories and updates. Not in the
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
    let hits = db::search::query(&mut conn, &query, RESULTS).await?;
    let body = SearchPage {
        site: room.site.clone(),
        query,
        hits,
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
