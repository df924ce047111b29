//! A newsroom's archive at real size: ten years of stories with topics,
//! bylines and `READ MORE:` links, live updates spread over a fifth of them
//! and one live blog of 5,000, as editors would have written them. The same
//! seed gives the same content. Used by `bench/generate.rs` and by the
//! query-plan test.

mod bulk;
mod desk;
mod plan;
mod rng;
mod story;
mod text;

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use newsdesk::db::{self, Connection};
use newsdesk::domain::DisplayName;
use newsdesk::publishing;

use story::LinkTarget;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub stories: u64,
    pub updates: u64,
    pub seed: u64,
    /// The newest time in the archive: no update is posted after it.
    pub until: DateTime<Utc>,
}

/// How rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// Multi-row inserts of the rows the desk would write: fast.
    Bulk,
    /// The desk's own write paths, a statement at a time: the reference.
    Desk,
}

/// Stories written per transaction (fewer when they carry many updates).
const BATCH_STORIES: usize = 1_000;
const BATCH_UPDATES: u64 = 20_000;
/// How far back a story's `READ MORE:` links reach, in stories.
const LINK_WINDOW: usize = 2_000;
/// The site's address, which absolute links would be checked against.
const SITE_URL: &str = "http://127.0.0.1:8080";

/// Writes the dataset into `conn`, a new database's connection, one
/// transaction per batch; `progress` is told the stories and updates
/// written after each.
pub async fn generate(
    conn: &mut Connection,
    options: Options,
    writer: Writer,
    mut progress: impl FnMut(usize, usize),
) -> anyhow::Result<()> {
    let seed = rng::Rng::new(options.seed);
    let plans = plan::plan(&seed, options.stories, options.updates, options.until);
    let first = plans.first().map_or(options.until, |p| p.published_at);
    add_editors(conn, first).await?;
    let mut earlier: Vec<LinkTarget> = Vec::with_capacity(plans.len());
    let mut ids = bulk::Ids::default();
    let (mut stories, mut updates) = (0, 0);
    let mut start = 0;
    while start < plans.len() {
        let end = batch_end(&plans, start);
        let mut texts = Vec::with_capacity(end - start);
        for (index, plan) in plans.iter().enumerate().take(end).skip(start) {
            let window = &earlier[earlier.len().saturating_sub(LINK_WINDOW)..];
            let text = story::story(&seed, index, plan, window, options.until);
            if !plan.draft {
                let draft = &text.draft;
                earlier.push((draft.slug.to_string(), draft.headline.clone()));
            }
            texts.push(text);
        }
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let saving = texts.iter().map(|t| &t.draft);
        let renderer = publishing::headline_lookup(&mut tx, SITE_URL, saving).await?;
        match writer {
            Writer::Bulk => bulk::write(&mut tx, &mut ids, &renderer, &texts).await?,
            Writer::Desk => {
                for text in &texts {
                    desk::story(&mut tx, &renderer, text)
                        .await
                        .with_context(|| format!("writing {}", text.draft.slug))?;
                }
            }
        }
        tx.commit().await?;
        stories += texts.len();
        updates += texts.iter().map(|t| t.updates.len()).sum::<usize>();
        progress(stories, updates);
        start = end;
    }
    Ok(())
}

/// Where the batch starting at `start` ends: at most [`BATCH_STORIES`]
/// stories or about [`BATCH_UPDATES`] updates, at least one story.
fn batch_end(plans: &[plan::StoryPlan], start: usize) -> usize {
    let mut updates = 0;
    let mut end = start;
    while end < plans.len() && end - start < BATCH_STORIES {
        updates += plans[end].updates;
        end += 1;
        if updates >= BATCH_UPDATES {
            break;
        }
    }
    end
}

/// The editors, one per name in [`text::EDITORS`], ids 1, 2, …; their
/// password is random and thrown away (add a usable editor with
/// `newsdesk editor add`).
async fn add_editors(conn: &mut Connection, at: DateTime<Utc>) -> anyhow::Result<()> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow!("random password: {e}"))?;
    let hash = newsdesk::auth::hash_password(&format!("{secret:?}"))?;
    for (i, name) in text::EDITORS.iter().enumerate() {
        let username = format!("editor{}", i + 1);
        let id = db::editors::insert(conn, &username, &hash, at)
            .await?
            .context("a new database has no editors")?;
        anyhow::ensure!(id == i as i64 + 1, "editor ids start at 1");
        let display = DisplayName::parse(name, &username).map_err(|e| anyhow!(e))?;
        db::editors::set_display_name(conn, id, &display).await?;
    }
    Ok(())
}
