//! newsdesk: a server-rendered news and live-blog site.
//!
//! `main` parses the command line and runs one of [`commands`]; the
//! integration tests start the very same server through [`http_server`].

pub mod auth;
pub mod cache;
pub mod commands;
pub mod config;
pub mod content;
pub mod db;
pub mod domain;
pub mod error;
pub mod filters;
pub mod handlers;
pub mod live;
pub mod publishing;
pub mod routes;
pub mod site;
pub mod urls;
pub mod websub;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{App, HttpServer, web};
use sqlx::SqlitePool;

use crate::cache::PageCache;
use crate::config::Config;
use crate::error::AppError;
use crate::live::{LiveChange, LiveHub};

/// Everything a request or a write needs: the database, the page cache, the
/// live hub and the site's public URL. Cheap to clone.
#[derive(Clone)]
pub struct Newsroom {
    pub db: SqlitePool,
    pub pages: Arc<PageCache>,
    pub live: Arc<LiveHub>,
    pub logins: Arc<auth::LoginThrottle>,
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
        Ok(Newsroom {
            db: db::connect(&config.database).await?,
            pages: Arc::default(),
            live: Arc::default(),
            logins: Arc::default(),
            site_url: config.site_url().into(),
            site: Arc::new(config.site()),
            websub: websub::WebSub::start(config.websub_hub.as_deref())?,
            trusted_proxy: config.trusted_proxy,
        })
    }

    /// Everything that follows a committed write to a story: cached pages are
    /// dropped, open pages are told (when an update changed), feed hubs pinged.
    pub async fn story_changed(&self, story_id: i64, change: Option<LiveChange>) {
        self.pages.clear();
        if let Some(change) = change {
            self.announce(story_id, change).await;
        }
        self.feeds_changed(story_id);
    }

    /// Drops every cached page within a second of a write by another process
    /// (a `newsdesk import` while the site runs). Our own writes clear the
    /// cache anyway; clearing again after them costs one extra render a page.
    async fn drop_pages_on_outside_writes(self) {
        // A connection of its own: SQLite's data_version is per connection.
        let Ok(conn) = self.db.acquire().await else {
            return;
        };
        let mut conn = conn.detach();
        let mut ticks = tokio::time::interval(std::time::Duration::from_secs(1));
        let mut last = None;
        loop {
            ticks.tick().await;
            let version = db::data_version(&mut conn).await.ok();
            if version.is_some() && last.is_some() && version != last {
                self.pages.clear();
            }
            last = version;
        }
    }

    /// Tells the story's open pages about a committed change. Rendering fails
    /// only on a database error; the write stands and pages catch up on reload.
    async fn announce(&self, story_id: i64, change: LiveChange) {
        let message = match self.db.acquire().await {
            Ok(mut conn) => handlers::live::render_message(&mut conn, change).await,
            Err(error) => Err(error.into()),
        };
        match message {
            Ok(message) => self.live.send(story_id, message),
            Err(error) => tracing::warn!("could not announce {change:?}: {error:#}"),
        }
    }
}

/// Content-Security-Policy: no inline script or style, nothing from elsewhere.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The HTTP server on `listener`, with the one route table and its middleware.
pub fn http_server(room: Newsroom, listener: TcpListener) -> std::io::Result<Server> {
    tokio::spawn(room.clone().drop_pages_on_outside_writes());
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
