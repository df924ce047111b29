//! newsdesk: a server-rendered news and live-blog site.
//!
//! `main` parses the command line and runs one of [`commands`]; the
//! integration tests start the very same server through [`http_server`].

pub mod after_commit;
pub mod auth;
pub mod body_limit;
pub mod cache;
pub mod clock;
pub mod commands;
pub mod config;
pub mod content;
pub mod csp;
pub mod db;
pub mod domain;
pub mod encoding;
pub mod error;
pub mod filters;
pub mod freshness;
pub mod grip;
pub mod handlers;
pub mod import;
pub mod live;
pub mod media;
pub mod memory;
pub mod outbound;
pub mod proxies;
pub mod publishing;
pub mod purge;
pub mod routes;
pub mod site;
pub mod stream_limits;
pub mod surrogate;
pub mod tokens;
pub mod urls;
pub mod views;
pub mod websub;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use sqlx::SqlitePool;

use crate::after_commit::AfterCommit;
use crate::cache::PageCache;
use crate::config::Config;
use crate::error::AppError;
use crate::live::LiveHub;

/// Everything a request or a write needs: the database, the page cache, the
/// live hub, the after-commit module and the site's public URL. Cheap to clone.
#[derive(Clone)]
pub struct Newsroom {
    pub db: SqlitePool,
    pub pages: Arc<PageCache>,
    pub live: Arc<LiveHub>,
    /// Uploaded photos and videos: where they are kept and the limits they meet.
    pub media: Arc<media::MediaLibrary>,
    /// What follows every committed change; writers call it after commit.
    pub after_commit: Arc<AfterCommit>,
    /// Recent sign-in attempts per client address and username.
    pub logins: Arc<auth::throttle::LoginThrottle>,
    /// Bounds the argon2 checks running at once.
    pub password_checks: Arc<auth::checks::PasswordChecks>,
    /// Bounds the live streams open at once.
    pub streams: Arc<stream_limits::StreamLimits>,
    /// The time for every time-dependent rule (expiry, throttles); tests move it.
    pub clock: clock::Clock,
    /// How long a sign-in lasts, in seconds (`--session-seconds`).
    pub session_seconds: i64,
    /// Public base URL without a trailing slash, for absolute links.
    pub site_url: Arc<str>,
    /// The publication's name and description.
    pub site: Arc<site::Site>,
    /// The WebSub hub told of feed changes, if one is configured.
    pub websub: websub::WebSub,
    /// The push proxy holding live streams, if one is configured.
    pub grip: Option<Arc<grip::Grip>>,
    /// How long browsers and shared caches may keep each kind of response.
    pub freshness: Arc<freshness::Freshness>,
    /// The reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<proxies::TrustedProxies>,
    /// Story ids per sitemap page.
    pub sitemap_page_urls: i64,
}

impl Newsroom {
    /// Opens the database (migrating it) for the given configuration.
    pub async fn open(config: &Config) -> anyhow::Result<Newsroom> {
        let db = db::connect(&config.database).await?;
        let pages = Arc::new(PageCache::new(config.page_cache_bytes()));
        let live = Arc::new(LiveHub::default());
        let websub = websub::WebSub::start(config.websub_hub.as_deref(), &config.site_url())?;
        let grip = grip::Grip::start(config.grip_url.as_deref())?.map(Arc::new);
        let outside = after_commit::Outside {
            caches: purge::Caches::start(&config.purge_url)?,
            grip: grip.clone(),
            websub: websub.clone(),
        };
        let after_commit = AfterCommit::new(db.clone(), pages.clone(), live.clone(), outside);
        Ok(Newsroom {
            after_commit: Arc::new(after_commit.await?),
            db,
            pages,
            live,
            media: Arc::new(media::MediaLibrary::open(
                &config.media,
                media::Limits::default(),
            )?),
            logins: Arc::default(),
            password_checks: Arc::default(),
            streams: Arc::new(stream_limits::StreamLimits::configured(
                config.max_streams_per_address,
                config.max_streams,
            )),
            clock: clock::Clock::default(),
            session_seconds: config.session_seconds,
            site_url: config.site_url().into(),
            site: Arc::new(config.site()),
            websub,
            grip,
            freshness: Arc::new(freshness::Freshness::new(config.shared_max_age())),
            trusted_proxies: Arc::new(proxies::TrustedProxies::new(config.trusted_proxy.clone())),
            sitemap_page_urls: config.sitemap_page_urls,
        })
    }
}

/// HSTS for a site served over https: a year, the usual minimum for browsers'
/// preload lists. Without `includeSubDomains`: newsdesk answers for its own
/// host only, and sibling or child hosts of a newsroom's domain (a legacy
/// intranet, a mail web interface) may still be plain http; an operator who
/// knows better can add it at the proxy.
const HSTS: &str = "max-age=31536000";

/// Headers every response carries (a page that shows videos sets its own
/// Content-Security-Policy, `csp::PagePolicy`); HSTS only when the site's URL is https,
/// since a browser must never be told to insist on TLS a site lacks.
fn security_headers(site_url: &str) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("Content-Security-Policy", csp::DEFAULT))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"));
    if site_url.starts_with("https://") {
        headers.add(("Strict-Transport-Security", HSTS))
    } else {
        headers
    }
}

/// The HTTP server on `listener`, with the one route table and its middleware.
pub fn http_server(room: Newsroom, listener: TcpListener) -> std::io::Result<Server> {
    tokio::spawn(room.after_commit.clone().follow());
    tokio::spawn(memory::return_freed_memory(room.streams.clone()));
    tokio::spawn(db::checkpoint::keep_the_log_short(room.db.clone()));
    handlers::assets::prepare();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(room.clone()))
            // Malformed URLs get the site's own error pages, not plain text.
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .app_data(web::QueryConfig::default().error_handler(|error, _| {
                AppError::BadRequest(format!("The address has a malformed query: {error}")).into()
            }))
            // Inside the error pages, so a refused body gets the site's 413 page.
            .wrap(from_fn(body_limit::refuse_oversized_bodies))
            .wrap(error::pages())
            .wrap(Compress::default())
            .wrap(security_headers(&room.site_url))
            .configure(routes::routes)
    })
    // `serve` handles SIGINT/SIGTERM itself: it must end the live streams first.
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(server)
}
