//! newsdesk: a server-rendered news and live-blog site.
//!
//! `main` parses the command line and calls [`serve`] or [`import_command`];
//! the integration tests start the very same server through [`http_server`].

pub mod cache;
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

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use sqlx::SqlitePool;

use crate::cache::PageCache;
use crate::config::Config;
use crate::live::{LiveEvent, LiveHub, LiveMessage};

/// Everything a request or a write needs: the database, the page cache, the
/// live hub and the site's public URL. Cheap to clone.
#[derive(Clone)]
pub struct Newsroom {
    pub db: SqlitePool,
    pub pages: Arc<PageCache>,
    pub live: Arc<LiveHub>,
    /// Public base URL without a trailing slash, for absolute links.
    pub site_url: Arc<str>,
}

impl Newsroom {
    /// Opens the database (migrating it) for the given configuration.
    pub async fn open(config: &Config) -> anyhow::Result<Newsroom> {
        Ok(Newsroom {
            db: db::connect(&config.database).await?,
            pages: Arc::default(),
            live: Arc::default(),
            site_url: config.site_url().into(),
        })
    }

    /// Tells the story's open pages about a committed change. Rendering fails
    /// only on a database error; the write stands and pages catch up on reload.
    pub async fn announce(&self, story_id: i64, event: LiveEvent) {
        match handlers::live::render_message(self, event).await {
            Ok(html) => self.live.send(story_id, LiveMessage { event, html }),
            Err(error) => tracing::warn!("could not announce {event:?}: {error:#}"),
        }
    }
}

/// Content-Security-Policy: no inline script or style, nothing from elsewhere.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The HTTP server on `listener`, with the one route table and its middleware.
pub fn http_server(room: Newsroom, listener: TcpListener) -> std::io::Result<Server> {
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(room.clone()))
            .wrap(Compress::default())
            .wrap(
                DefaultHeaders::new()
                    .add(("Content-Security-Policy", CSP))
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "strict-origin-when-cross-origin")),
            )
            .configure(routes::routes)
    })
    .listen(listener)?
    .run();
    Ok(server)
}

/// `newsdesk serve`: migrate, import `content/`, serve until SIGINT/SIGTERM.
/// actix-web stops accepting on the signal and lets in-flight requests finish.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let room = Newsroom::open(&config).await?;
    if config.content.is_dir() {
        let report = content::import::import_dir(&room, &config.content, false).await?;
        tracing::info!("imported {}: {report}", config.content.display());
    }
    let listener = TcpListener::bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
    println!("newsdesk is serving {} on http://{}", room.site_url, listener.local_addr()?);
    http_server(room, listener)?.await.context("running HTTP server")
}

/// `newsdesk import [DIR]`: import and report what changed.
pub async fn import_command(config: &Config, dir: &Path) -> anyhow::Result<()> {
    let room = Newsroom::open(config).await?;
    let show_progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let report = content::import::import_dir(&room, dir, show_progress).await?;
    println!("{}: {report}", dir.display());
    Ok(())
}
