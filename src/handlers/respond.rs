//! Serving pages from the page cache, with ETags and 304s.

use std::future::Future;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use crate::Newsroom;
use crate::cache::CachedPage;
use crate::error::AppResult;

pub const HTML: &str = "text/html; charset=utf-8";

/// Answers from the cache, rendering and storing the page on a miss. Keyed by
/// path and query, so `?order=oldest` is its own page.
pub async fn cached<F, Fut>(
    req: &HttpRequest,
    room: &Newsroom,
    content_type: &'static str,
    render: F,
) -> AppResult<HttpResponse>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = AppResult<String>>,
{
    let key = req.uri().to_string();
    let page = match room.pages.get(&key) {
        Some(page) => page,
        None => {
            let generation = room.pages.generation();
            let page = Arc::new(CachedPage::new(render().await?, content_type));
            room.pages.insert(key, page.clone(), generation);
            page
        }
    };
    Ok(conditional(req, &page))
}

/// 304 when the reader already has this version, the page otherwise.
/// `no-cache` makes browsers and caches revalidate every time, which costs a
/// 304 and means nobody is shown a page older than the last publish.
fn conditional(req: &HttpRequest, page: &CachedPage) -> HttpResponse {
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == page.etag || t.trim() == "*"));
    let mut response = if matches { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response
        .insert_header((header::ETAG, page.etag.clone()))
        .insert_header((header::CACHE_CONTROL, "public, no-cache"));
    if matches {
        response.finish()
    } else {
        response.content_type(page.content_type).body(page.body.clone())
    }
}
