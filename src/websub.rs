//! WebSub publishing: when a feed changes, tell the configured hub
//! (`hub.mode=publish`), which fetches the feed and pushes it to subscribers.
//!
//! Pings go out from one background thread with its own small actix runtime:
//! awc's client is single-threaded, and with a thread of its own a write only
//! puts URLs on a queue, whatever runtime the write runs on. A failing hub is
//! retried with backoff, then given up on with a warning; it never fails or
//! delays a write. Pings still waiting when the process stops are lost: the
//! next publish pings again, and subscribers' own polling catches up.

use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use awc::http::Uri;
use tokio::sync::mpsc;

use sqlx::SqlitePool;

use crate::db;
use crate::urls;

/// Tries per ping before giving up on it.
const ATTEMPTS: u32 = 4;
/// Wait before the first retry; each further retry waits twice as long
/// (1 s, 2 s, 4 s): a hub that is restarting gets a few seconds to come back.
const FIRST_RETRY: Duration = Duration::from_secs(1);
/// Longest wait for the hub's answer to one ping.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The WebSub hub, if one is configured, and the queue to its pinger. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct WebSub(Option<Arc<Pinger>>);

#[derive(Debug)]
struct Pinger {
    hub: String,
    /// The site's public base URL: hubs are given absolute feed URLs.
    site_url: String,
    queue: mpsc::UnboundedSender<Vec<String>>,
}

impl Pinger {
    fn ping(&self, feeds: Vec<String>) {
        if self.queue.send(feeds).is_err() {
            tracing::warn!("WebSub: the pinger thread has stopped; the hub was not told");
        }
    }
}

impl WebSub {
    /// Checks the hub URL and starts the pinger thread; without a hub, pings nothing.
    pub fn start(hub: Option<&str>, site_url: &str) -> anyhow::Result<WebSub> {
        let Some(hub) = hub else {
            return Ok(WebSub::default());
        };
        let uri: Uri = hub
            .parse()
            .with_context(|| format!("reading the WebSub hub URL {hub}"))?;
        if uri.scheme_str() != Some("http") || uri.host().is_none() {
            // awc is built without TLS: an https hub would fail on every ping.
            bail!("the WebSub hub must be an http:// URL, not {hub}");
        }
        let (queue, pending) = mpsc::unbounded_channel();
        let target = hub.to_owned();
        std::thread::Builder::new()
            .name("websub".to_owned())
            .spawn(move || actix_web::rt::System::new().block_on(ping_forever(target, pending)))
            .context("starting the WebSub thread")?;
        Ok(WebSub(Some(Arc::new(Pinger {
            hub: hub.to_owned(),
            site_url: site_url.to_owned(),
            queue,
        }))))
    }

    /// The hub that feeds advertise with `rel="hub"`.
    pub fn hub(&self) -> Option<&str> {
        self.0.as_deref().map(|pinger| pinger.hub.as_str())
    }
}

impl WebSub {
    /// Tells the WebSub hub that story `story_id` changed, so that it fetches
    /// the site feeds, the story's own feeds and its topics' feeds. Called by
    /// the after-commit module for every committed change. Returns at once
    /// (the lookup and the pings run in the background) and does nothing when
    /// no hub is configured.
    pub fn story_changed(&self, db: &SqlitePool, story_id: i64) {
        let Some(pinger) = &self.0 else {
            return;
        };
        let (pinger, db) = (pinger.clone(), db.clone());
        tokio::spawn(async move {
            match changed_feeds(&db, &pinger.site_url, story_id).await {
                Ok(feeds) => pinger.ping(feeds),
                Err(error) => tracing::warn!(
                    "WebSub: could not list the feeds of story {story_id}: {error:#}"
                ),
            }
        });
    }
}

/// Absolute URLs of every feed that shows story `story_id`.
async fn changed_feeds(
    db: &SqlitePool,
    site_url: &str,
    story_id: i64,
) -> anyhow::Result<Vec<String>> {
    let mut conn = db.acquire().await.context("connecting to the database")?;
    let names = db::feeds::story_feed_names(&mut conn, story_id)
        .await
        .context("loading the story's feeds")?;
    let mut feeds = vec![urls::SITE_RSS.to_owned(), urls::SITE_ATOM.to_owned()];
    if let Some(story) = names {
        // A draft has no feeds of its own, but its save may have taken it out of these.
        if story.published {
            feeds.extend([urls::story_rss(&story.slug), urls::story_atom(&story.slug)]);
        }
        feeds.extend(story.topics.iter().map(|topic| urls::topic_rss(topic)));
    }
    Ok(feeds
        .iter()
        .map(|path| format!("{site_url}{path}"))
        .collect())
}

/// The pinger thread: waits for feed URLs and pings each, until every sender is gone.
async fn ping_forever(hub: String, mut pending: mpsc::UnboundedReceiver<Vec<String>>) {
    let client = awc::Client::builder().timeout(TIMEOUT).finish();
    let hub: Rc<str> = hub.into();
    while let Some(feeds) = pending.recv().await {
        // Writes queued meanwhile join this round: a burst is one ping per feed.
        let mut round: BTreeSet<String> = feeds.into_iter().collect();
        while let Ok(more) = pending.try_recv() {
            round.extend(more);
        }
        for feed in round {
            actix_web::rt::spawn(ping_with_retries(client.clone(), hub.clone(), feed));
        }
    }
}

async fn ping_with_retries(client: awc::Client, hub: Rc<str>, feed: String) {
    let mut wait = FIRST_RETRY;
    for attempt in 1..=ATTEMPTS {
        match ping(&client, &hub, &feed).await {
            Ok(()) => return,
            Err(error) if attempt < ATTEMPTS => {
                tracing::warn!(
                    "WebSub: pinging {hub} for {feed} failed ({error:#}); retrying in {wait:?}"
                );
                actix_web::rt::time::sleep(wait).await;
                wait *= 2;
            }
            Err(error) => {
                tracing::warn!(
                    "WebSub: giving up on pinging {hub} for {feed} after {ATTEMPTS} tries: {error:#}"
                );
            }
        }
    }
}

/// One `hub.mode=publish` ping; any 2xx answer means the hub took it.
async fn ping(client: &awc::Client, hub: &str, feed: &str) -> anyhow::Result<()> {
    let response = client
        .post(hub)
        .send_form(&[("hub.mode", "publish"), ("hub.url", feed)])
        .await
        // awc's error holds a non-Send part, so anyhow can carry only its message.
        .map_err(|error| anyhow!("{error}"))?;
    if !response.status().is_success() {
        bail!("the hub answered {}", response.status());
    }
    Ok(())
}
