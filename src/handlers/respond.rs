//! Serving pages, feeds and sitemaps from the page cache, with validators
//! (ETag, and Last-Modified for feeds), 304s, their lifetimes
//! (`crate::freshness`) and the surrogate keys naming what they show.

use std::future::Future;
use std::time::SystemTime;

use actix_web::http::header::{self, HttpDate};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use chrono::{DateTime, Utc};

use crate::Newsroom;
use crate::cache::CachedPage;
use crate::csp::PagePolicy;
use crate::encoding::Coding;
use crate::error::AppResult;
use crate::freshness::Lifetime;
use crate::surrogate::{self, SurrogateKey};

pub const HTML: &str = "text/html; charset=utf-8";

/// A page as rendered, what it shows, and the Content-Security-Policy it needs.
pub struct Rendered {
    pub body: String,
    pub keys: Vec<SurrogateKey>,
    pub policy: PagePolicy,
}

impl Rendered {
    /// A page under the site's default policy.
    pub fn new(body: String, keys: Vec<SurrogateKey>) -> Rendered {
        Rendered {
            body,
            keys,
            policy: PagePolicy::Default,
        }
    }
}

/// Marks a response as one that shared caches may keep for as long as
/// `lifetime` says, filed under `keys` (the `xkey` header for Varnish, the
/// `Surrogate-Key` header for CDNs) so that the write that changes what it
/// shows purges it.
pub fn shared(
    response: &mut HttpResponseBuilder,
    room: &Newsroom,
    lifetime: Lifetime,
    keys: &[SurrogateKey],
) {
    response.insert_header((
        header::CACHE_CONTROL,
        room.freshness.cache_control(lifetime).to_owned(),
    ));
    let mut names = surrogate::header_value(keys);
    if !names.is_empty() {
        names.push(' ');
    }
    names.push_str(&SurrogateKey::Site.to_string());
    response
        .insert_header(("xkey", names.clone()))
        .insert_header(("Surrogate-Key", names));
}

/// Answers from the cache, rendering and storing the page on a miss. `key`
/// names what the handler parsed from the request (the decoded path and
/// every parameter that changes the page, normalised), never the raw URL:
/// two requests share an entry only when they render the same page.
pub async fn cached<F, Fut>(
    req: &HttpRequest,
    room: &Newsroom,
    key: String,
    content_type: &'static str,
    render: F,
) -> AppResult<HttpResponse>
where
    F: Fn() -> Fut,
    Fut: Future<Output = AppResult<Rendered>>,
{
    from_cache(req, room, key, || async {
        let page = render().await?;
        Ok(CachedPage::new(page.body, content_type, page.keys).with_policy(page.policy))
    })
    .await
}

/// The page stored under `key` (rendered by `build` on a miss), answered
/// with its validators.
async fn from_cache<F, Fut>(
    req: &HttpRequest,
    room: &Newsroom,
    key: String,
    build: F,
) -> AppResult<HttpResponse>
where
    F: Fn() -> Fut,
    Fut: Future<Output = AppResult<CachedPage>>,
{
    let page = room.pages.get_or_render(key, build).await?;
    Ok(conditional(req, room, &page))
}

/// A feed or sitemap as rendered: its body and when its newest content changed.
/// That time comes from the content, never the clock, so an unchanged feed
/// renders to the same bytes and keeps its ETag.
pub struct Dated {
    pub body: String,
    pub last_modified: DateTime<Utc>,
    pub keys: Vec<SurrogateKey>,
}

impl Dated {
    /// The document, filed under `keys`: what it shows.
    pub fn showing(self, keys: Vec<SurrogateKey>) -> Dated {
        Dated { keys, ..self }
    }
}

/// [`cached`] for documents that machines poll (feeds, sitemaps): adds
/// `Last-Modified`, answers `If-Modified-Since` too, and may be kept in front.
pub async fn cached_dated<F, Fut>(
    req: &HttpRequest,
    room: &Newsroom,
    key: String,
    content_type: &'static str,
    render: F,
) -> AppResult<HttpResponse>
where
    F: Fn() -> Fut,
    Fut: Future<Output = AppResult<Dated>>,
{
    from_cache(req, room, key, || async {
        Ok(dated_page(render().await?, content_type))
    })
    .await
}

/// [`cached_dated`] without the page cache, for a document that changes with
/// the clock rather than with a write (the news sitemap's last 48 hours).
pub fn uncached_dated(
    req: &HttpRequest,
    room: &Newsroom,
    content_type: &'static str,
    document: Dated,
) -> HttpResponse {
    conditional(req, room, &dated_page(document, content_type))
}

fn dated_page(document: Dated, content_type: &'static str) -> CachedPage {
    CachedPage::new(document.body, content_type, document.keys)
        .dated(document.last_modified, Lifetime::Polled)
}

/// 304 when the reader already has this version, the page otherwise, in
/// the coding the client prefers, compressed once in the cache.
fn conditional(req: &HttpRequest, room: &Newsroom, page: &CachedPage) -> HttpResponse {
    let now = room.clock.now();
    let coding = Coding::accepted_by(req);
    let etag = coding.etag(&page.etag);
    let modified = last_modified(page, now);
    let unchanged = not_modified(req, &etag, modified, now);
    let mut response = validated(unchanged, etag);
    shared(&mut response, room, page.lifetime, &page.keys);
    if let Some(policy) = page.policy.header_value() {
        response.insert_header((header::CONTENT_SECURITY_POLICY, policy));
    }
    if let Some(modified) = modified {
        response.insert_header((
            header::LAST_MODIFIED,
            HttpDate::from(SystemTime::from(modified)),
        ));
    }
    if unchanged {
        response.finish()
    } else {
        encoded(
            &mut response,
            coding,
            page.content_type,
            page.encoded(coding),
        )
    }
}

/// A 304 (`unchanged`) or a 200 for the variant tagged `etag`, with the
/// headers both carry: the tag and `Vary: Accept-Encoding`.
pub fn validated(unchanged: bool, etag: String) -> HttpResponseBuilder {
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::VARY, "Accept-Encoding"));
    response
}

/// A 200 carrying `body`, already in `coding`. An identity body says
/// `Content-Encoding: identity` so that the compression middleware leaves it
/// as the client asked and as its ETag names it. (A 304 says nothing of its
/// coding: there is no body to decode.)
pub fn encoded(
    response: &mut HttpResponseBuilder,
    coding: Coding,
    content_type: &'static str,
    body: Bytes,
) -> HttpResponse {
    response
        .content_type(content_type)
        .insert_header((
            header::CONTENT_ENCODING,
            coding.header_value().unwrap_or("identity"),
        ))
        .body(body)
}

/// The page's `Last-Modified`, never after `now`: content dated in the
/// future (a typo, or data from before times were checked) must not make
/// pollers that send the date back get 304 until that date comes.
fn last_modified(page: &CachedPage, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    page.last_modified.map(|modified| modified.min(now))
}

/// Whether the request's validators match the page as sent in the
/// negotiated coding, tagged `etag`. `If-None-Match` decides
/// when present (RFC 9110 §13.2.2); `If-Modified-Since` counts only without it,
/// and not when it is after `now` (an invalid date, RFC 7232 §3.3).
fn not_modified(
    req: &HttpRequest,
    etag: &str,
    modified: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    if let Some(matched) = none_match(req, etag) {
        return matched;
    }
    let since = req
        .headers()
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<HttpDate>().ok())
        .map(|date| DateTime::<Utc>::from(SystemTime::from(date)))
        .filter(|since| *since <= now);
    // HTTP dates have whole seconds: compare at that resolution.
    matches!((modified, since), (Some(modified), Some(since)) if modified.timestamp() <= since.timestamp())
}

/// Whether `If-None-Match` names `etag` (weakly compared, as a cache in
/// front may have weakened the tag); `None` without that header.
pub fn none_match(req: &HttpRequest, etag: &str) -> Option<bool> {
    let tags = req.headers().get(header::IF_NONE_MATCH)?;
    Some(tags.to_str().is_ok_and(|tags| {
        tags.split(',')
            .map(str::trim)
            .map(|t| t.trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag)
    }))
}
