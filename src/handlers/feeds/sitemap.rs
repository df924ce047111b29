//! Sitemaps for crawlers: `/sitemap.xml`, a sitemap index of the pages
//! `/sitemap-{n}.xml` (every published story with its last change, at most
//! `Newsroom::sitemap_page_urls` a page) and of `/sitemap-news.xml`, the
//! Google News sitemap of the last 48 hours. Askama templates with the
//! `.xml` extension escape every value.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Duration, Utc};

use super::XML;
use super::markup::xml_chars_only;
use crate::Newsroom;
use crate::db::feeds::{SitemapEntry, SitemapPage};
use crate::db::{self, stories::StorySummary};
use crate::error::{AppError, AppResult};
use crate::filters;
use crate::handlers::respond::{self, Dated};
use crate::surrogate::SurrogateKey;
use crate::urls;

/// Google News takes only stories published in the last two days...
const NEWS_WINDOW: Duration = Duration::hours(48);
/// ...and at most this many of them.
const NEWS_URLS: i64 = 1_000;

/// `/sitemap.xml`: a `sitemapindex`.
#[derive(Template)]
#[template(path = "feeds/sitemap-index.xml")]
pub struct SitemapIndex<'a> {
    pub site: &'a str,
    pub pages: Vec<SitemapPage>,
}

/// `/sitemap-{n}.xml`: a plain sitemap `urlset`.
#[derive(Template)]
#[template(path = "feeds/sitemap.xml")]
pub struct Sitemap<'a> {
    pub site: &'a str,
    pub stories: Vec<SitemapEntry>,
}

/// `/sitemap-news.xml`: a `urlset` with Google News tags.
#[derive(Template)]
#[template(path = "feeds/sitemap-news.xml")]
pub struct NewsSitemap<'a> {
    pub site: &'a str,
    pub publication: &'a str,
    pub stories: Vec<StorySummary>,
}

/// `GET /sitemap.xml`: the sitemap's pages, each with its last change, and
/// the news sitemap.
pub async fn sitemap_index(req: HttpRequest, room: web::Data<Newsroom>) -> AppResult<HttpResponse> {
    respond::cached_dated(&req, &room, urls::SITEMAP.to_owned(), XML, || async {
        let mut conn = room.db.acquire().await?;
        let pages = db::feeds::sitemap_pages(&mut conn, room.sitemap_page_urls).await?;
        let last_modified = newest(pages.iter().map(|p| p.updated_at));
        let body = SitemapIndex {
            site: &room.site_url,
            pages,
        }
        .render()?;
        Ok(sitemap_document(body, last_modified))
    })
    .await
}

/// `GET /sitemap-{n}.xml`: the published stories of page `n`, each with its
/// last change; 404 for a page the index does not list.
pub async fn sitemap_page(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    number: web::Path<String>,
) -> AppResult<HttpResponse> {
    // The route takes digits without a leading zero: one address per page.
    let number: i64 = number.parse().map_err(|_| AppError::NotFound)?;
    respond::cached_dated(&req, &room, urls::sitemap_page(number), XML, || async {
        let mut conn = room.db.acquire().await?;
        let stories = db::feeds::sitemap_page(&mut conn, number, room.sitemap_page_urls).await?;
        if stories.is_empty() {
            return Err(AppError::NotFound);
        }
        let last_modified = newest(stories.iter().map(|s| s.updated_at));
        let body = Sitemap {
            site: &room.site_url,
            stories,
        }
        .render()?;
        Ok(sitemap_document(body, last_modified))
    })
    .await
}

/// `GET /sitemap-news.xml`: stories published in the last 48 hours. Not kept
/// in the page cache: it changes as stories age out, with no write to clear it.
pub async fn news_sitemap(req: HttpRequest, room: web::Data<Newsroom>) -> AppResult<HttpResponse> {
    let mut conn = room.db.acquire().await?;
    let since = room.clock.now() - NEWS_WINDOW;
    let stories = db::feeds::news_sitemap_stories(&mut conn, since, NEWS_URLS).await?;
    let last_modified = newest(stories.iter().map(|s| s.updated_at));
    let body = NewsSitemap {
        site: &room.site_url,
        publication: &room.site.name,
        stories,
    }
    .render()?;
    Ok(respond::uncached_dated(
        &req,
        &room,
        XML,
        sitemap_document(body, last_modified),
    ))
}

/// A rendered sitemap, filed under `sitemap`: every change to a story purges it.
fn sitemap_document(body: String, last_modified: DateTime<Utc>) -> Dated {
    Dated {
        body: xml_chars_only(body),
        last_modified,
        keys: vec![SurrogateKey::Sitemap],
    }
}

/// The latest of `times`; the epoch when there is none.
fn newest(times: impl Iterator<Item = DateTime<Utc>>) -> DateTime<Utc> {
    times.max().unwrap_or(DateTime::UNIX_EPOCH)
}
