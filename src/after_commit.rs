//! Everything that follows a committed change, in one place, whoever wrote
//! it: the desk, `newsdesk import` in this process or another, and any future
//! writer. Writers record each change in the change log (`db::live_changes`)
//! inside their transaction; this module reads the log from where it last
//! stopped and, per batch, purges what the changes touched (the page cache
//! here, the caches in front), sends each change to the story's open pages
//! (directly, and through the push proxy) and tells the WebSub hub.
//!
//! Two paths lead here, and each change is handled once whichever comes
//! first: a writer in this process calls [`AfterCommit::committed`] the
//! moment it commits (so an editor's redirect already finds the page fresh),
//! and a follower task notices commits by other processes within a second.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::SqlitePool;
use tokio::sync::Mutex;

use crate::cache::PageCache;
use crate::db::{self, feeds::StoryFeedNames};
use crate::domain::Change;
use crate::grip::{self, Grip};
use crate::live::LiveHub;
use crate::purge::Caches;
use crate::surrogate::{self, SurrogateKey, Surroundings};
use crate::views::ChangeView;
use crate::websub::WebSub;

/// What a write committed: the story it changed and the change's cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    pub story_id: i64,
    pub seq: i64,
}

/// Changes read from the log at a time; a bigger backlog takes several rounds.
const BATCH: i64 = 500;

/// What one batch handled: up to which change, and whether the log may hold more.
struct Handled {
    last: i64,
    more: bool,
}

/// How often the follower looks for commits by other processes.
const FOLLOW_EVERY: Duration = Duration::from_secs(1);

/// The after-commit module: see the module documentation.
#[derive(Debug)]
pub struct AfterCommit {
    db: SqlitePool,
    pages: Arc<PageCache>,
    live: Arc<LiveHub>,
    outside: Outside,
    /// The cursor of the last change handled. The lock also makes rounds
    /// run one at a time, so changes go out in order, each once.
    handled: Mutex<i64>,
}

impl AfterCommit {
    /// Starts after the latest change already in the log: nobody was
    /// reading before the process started.
    pub async fn new(
        db: SqlitePool,
        pages: Arc<PageCache>,
        live: Arc<LiveHub>,
        outside: Outside,
    ) -> anyhow::Result<AfterCommit> {
        let mut conn = db.acquire().await.context("connecting to the database")?;
        let latest = db::live_changes::site_latest(&mut conn)
            .await
            .context("reading the change log")?;
        drop(conn);
        Ok(AfterCommit {
            db,
            pages,
            live,
            outside,
            handled: Mutex::new(latest),
        })
    }

    /// Marks every change so far as handled without telling anyone: for the
    /// import `newsdesk serve` runs before it serves, when no page is open
    /// and no feed has changed for anyone who read it from this process.
    pub async fn skip_backlog(&self) -> anyhow::Result<()> {
        let mut handled = self.handled.lock().await;
        let mut conn = self.db.acquire().await?;
        *handled = db::live_changes::site_latest(&mut conn).await?;
        self.pages.clear();
        // Caches in front outlive a restart; what the import changed is unknown.
        self.outside.caches.purge(&[SurrogateKey::Site]).await;
        Ok(())
    }

    /// The servers told of every change, for `/healthz`.
    pub fn outside(&self) -> &Outside {
        &self.outside
    }

    /// Called by a writer right after it committed; returns once the change
    /// (and any before it) has been handled.
    pub async fn committed(&self, committed: Option<Committed>) {
        let Some(committed) = committed else {
            return;
        };
        // The follower may have handled it already: then no query is needed.
        if *self.handled.lock().await < committed.seq {
            self.catch_up().await;
        }
    }

    /// Handles every change committed since the last round; returns whether
    /// there was any. A database error is logged and the round stops there;
    /// the next one retries from there.
    pub async fn catch_up(&self) -> bool {
        let mut handled = self.handled.lock().await;
        let before = *handled;
        loop {
            match self.handle_batch(*handled).await {
                Ok(Some(Handled { last, more })) => {
                    *handled = last;
                    // A short batch was the last one. Asking again anyway
                    // would yield to the stream tasks the batch just woke,
                    // thousands of them on a big day, and the editor's
                    // response would wait behind every delivery.
                    if !more {
                        break;
                    }
                }
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!("after commit: could not read the change log: {error:#}");
                    break;
                }
            }
        }
        *handled != before
    }

    /// One batch of changes after `cursor`: what it handled, or `None` when
    /// there were none.
    async fn handle_batch(&self, cursor: i64) -> anyhow::Result<Option<Handled>> {
        let mut conn = self.db.acquire().await?;
        let rows = db::live_changes::after(&mut conn, None, cursor, BATCH).await?;
        let Some(last) = rows.last().map(|row| row.seq) else {
            return Ok(None);
        };
        let more = rows.len() as i64 == BATCH;
        // Each changed story's feeds, topics and linking stories, as the
        // changes left them.
        let mut stories: BTreeMap<i64, (Option<StoryFeedNames>, Surroundings)> = BTreeMap::new();
        for row in &rows {
            if let Entry::Vacant(story) = stories.entry(row.story_id) {
                let names = db::feeds::story_feed_names(&mut conn, row.story_id).await?;
                let saved = rows
                    .iter()
                    .any(|r| r.story_id == row.story_id && r.change == Change::StorySaved);
                let linked_from = match &names {
                    Some(names) if saved => {
                        db::links::stories_linking_to(&mut conn, row.story_id, &names.slug).await?
                    }
                    _ => Vec::new(),
                };
                let topics = names.as_ref().map(|n| n.topics.clone()).unwrap_or_default();
                story.insert((
                    names,
                    Surroundings {
                        topics,
                        linked_from,
                    },
                ));
            }
        }
        drop(conn);
        let mut keys = BTreeSet::new();
        for row in &rows {
            let (_, around) = &stories[&row.story_id];
            keys.extend(surrogate::changed_by(row.change, row.story_id, around));
        }
        let keys: Vec<SurrogateKey> = keys.into_iter().collect();
        // Pages first: a reader told of a change who reloads must see it.
        self.pages.purge(&keys);
        self.outside.caches.purge(&keys).await;
        let mut published = Vec::new();
        for row in &rows {
            match ChangeView::new(row) {
                Ok(view) => {
                    let message = view.message();
                    published.extend(grip::item(row, &message));
                    self.live.send(row.story_id, message);
                }
                // A page that misses it catches up on reload or reconnect.
                Err(error) => tracing::warn!("could not render change {}: {error:#}", row.seq),
            }
        }
        if let Some(grip) = &self.outside.grip {
            grip.publish(published);
        }
        for (names, _) in stories.values() {
            self.outside.websub.story_changed(names.as_ref());
        }
        Ok(Some(Handled { last, more }))
    }

    /// Follows commits made by other processes (`newsdesk import` while the
    /// site serves, scheduled publishing): a trigger counts every commit to
    /// what readers see, so an idle site costs one cheap query a second.
    pub async fn follow(self: Arc<Self>) {
        let mut ticks = tokio::time::interval(FOLLOW_EVERY);
        let mut last = None;
        let mut cleared_at = None;
        loop {
            ticks.tick().await;
            let Ok(mut conn) = self.db.acquire().await else {
                continue;
            };
            let Ok((version, logged)) = db::content_versions(&mut conn).await else {
                continue;
            };
            drop(conn);
            if last.is_some_and(|last| last != version) {
                self.catch_up().await;
                // Content changed that no logged change names (an operator's
                // fix in the sqlite3 shell): pages here must not stay stale.
                // Caches in front are not told: see the README on editing by
                // hand. Sign-ins, sessions and kept forms are not content.
                if version > logged && cleared_at != Some(version) {
                    self.pages.clear();
                    cleared_at = Some(version);
                }
            }
            last = Some(version);
        }
    }
}

/// The servers told of every change: the caches in front, the push proxy
/// and the WebSub hub, each when configured.
#[derive(Debug, Default)]
pub struct Outside {
    pub caches: Caches,
    pub grip: Option<Arc<Grip>>,
    pub websub: WebSub,
}
