//! Sitemaps for crawlers: `/sitemap.xml`, every published story with its last
//! change, and `/sitemap-news.xml`, the Google News sitemap of the last 48
//! hours. Askama templates with the `.xml` extension escape every value.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Duration, Utc};

use super::XML;
use super::markup::xml_chars_only;
use crate::Newsroom;
use crate::db::{self, stories::StorySummary};
use crate::error::AppResult;
use crate::filters;
use crate::handlers::respond::{self, Dated};
use crate::surrogate::SurrogateKey;
use crate::urls;

/// The sitemap protocol's limit of URLs per file; a site past it needs a
/// sitemap index, which this one is far from.
const SITEMAP_URLS: i64 = 50_000;
/// Google News takes only stories published in the last two days...
const NEWS_WINDOW: Duration = Duration::hours(48);
/// ...and at most this many of them.
const NEWS_URLS: i64 = 1_000;

/// `/sitemap.xml`: a plain sitemap `urlset`.
#[derive(Template)]
#[template(path = "feeds/sitemap.xml")]
pub struct Sitemap<'a> {
    pub site: &'a str,
    pub stories: Vec<StorySummary>,
}

/// `/sitemap-news.xml`: a `urlset` with Google News tags.
#[derive(Template)]
#[template(path = "feeds/sitemap-news.xml")]
pub struct NewsSitemap<'a> {
    pub site: &'a str,
    pub publication: &'a str,
    pub stories: Vec<StorySummary>,
}

/// `GET /sitemap.xml`: every published story and when it last changed.
pub async fn sitemap(req: HttpRequest, room: web::Data<Newsroom>) -> AppResult<HttpResponse> {
    respond::cached_dated(&req, &room, urls::SITEMAP.to_owned(), XML, || async {
        let mut conn = room.db.acquire().await?;
        let stories = db::feeds::sitemap_stories(&mut conn, None, SITEMAP_URLS).await?;
        let last_modified = newest(&stories);
        let body = Sitemap {
            site: &room.site_url,
            stories,
        }
        .render()?;
        Ok(Dated {
            body: xml_chars_only(body),
            last_modified,
            keys: vec![SurrogateKey::Sitemap],
        })
    })
    .await
}

/// `GET /sitemap-news.xml`: stories published in the last 48 hours. Not kept
/// in the page cache: it changes as stories age out, with no write to clear it.
pub async fn news_sitemap(req: HttpRequest, room: web::Data<Newsroom>) -> AppResult<HttpResponse> {
    let mut conn = room.db.acquire().await?;
    let since = room.clock.now() - NEWS_WINDOW;
    let stories = db::feeds::sitemap_stories(&mut conn, Some(since), NEWS_URLS).await?;
    let last_modified = newest(&stories);
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
        Dated {
            body: xml_chars_only(body),
            last_modified,
            keys: vec![SurrogateKey::Sitemap],
        },
    ))
}

/// The last change to any listed story; the epoch when there is none.
fn newest(stories: &[StorySummary]) -> DateTime<Utc> {
    stories
        .iter()
        .map(|s| s.updated_at)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH)
}
