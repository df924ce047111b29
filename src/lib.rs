//! newsdesk: a server-rendered news and live-blog site.
//!
//! `main` parses the command line and runs one of [`commands`]; the
//! integration tests start the very same server through [`http_server`].

pub mod after_commit;
pub mod auth;
pub mod cache;
pub mod clock;
pub mod commands;
pub mod config;
pub mod content;
pub mod db;
pub mod domain;
pub mod error;
pub mod filters;
pub mod handlers;
pub mod import;
pub mod live;
pub mod publishing;
pub mod routes;
pub mod site;
pub mod tokens;
pub mod urls;
pub mod views;
pub mod websub;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders};
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
    /// What follows every committed change; writers call it after commit.
    pub after_commit: Arc<AfterCommit>,
    pub logins: Arc<auth::LoginThrottle>,
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
    /// The reverse proxy whose `X-Forwarded-For` is believed, if any.
    pub trusted_proxy: Option<std::net::IpAddr>,
}

impl Newsroom {
    /// Opens the database (migrating it) for the given configuration.
    pub async fn open(config: &Config) -> anyhow::Result<Newsroom> {
        let db = db::connect(&config.database).await?;
        let pages = Arc::new(PageCache::new(config.page_cache_bytes()));
        let live = Arc::new(LiveHub::default());
        let websub = websub::WebSub::start(config.websub_hub.as_deref(), &config.site_url())?;
        let after_commit =
            AfterCommit::new(db.clone(), pages.clone(), live.clone(), websub.clone());
        Ok(Newsroom {
            after_commit: Arc::new(after_commit.await?),
            db,
            pages,
            live,
            logins: Arc::default(),
            clock: clock::Clock::default(),
            session_seconds: config.session_seconds,
            site_url: config.site_url().into(),
            site: Arc::new(config.site()),
            websub,
            trusted_proxy: config.trusted_proxy,
        })
    }
}

/// Content-Security-Policy: no inline script or style, nothing from elsewhere.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The HTTP server on `listener`, with the one route table and its middleware.
pub fn http_server(room: Newsroom, listener: TcpListener) -> std::io::Result<Server> {
    tokio::spawn(room.after_commit.clone().follow());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(room.clone()))
            // Malformed URLs get the site's own error pages, not plain text.
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .app_data(web::QueryConfig::default().error_handler(|error, _| {
                AppError::BadRequest(format!("The address has a malformed query: {error}")).into()
            }))
            .wrap(error::pages())
            .wrap(Compress::default())
            .wrap(
                DefaultHeaders::new()
                    .add(("Content-Security-Policy", CSP))
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "strict-origin-when-cross-origin")),
            )
            .configure(routes::routes)
    })
    // `serve` handles SIGINT/SIGTERM itself: it must end the live streams first.
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(server)
}
