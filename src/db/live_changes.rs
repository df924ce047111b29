//! The change log: every change to a story, in commit order. Its sequence
//! number is the live stream's cursor (SSE `id:`, `?since=`, `Last-Event-ID`,
//! `/updates?after=`), so a reader behind is replayed exactly what it missed.

use std::sync::LazyLock;

use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, Row};

use super::Connection;
use super::updates::{self, UpdateRow};
use crate::domain::{Change, LiveState, StoryStatus};

/// Records a change inside the write's transaction; returns its sequence number.
///
/// Writers hold SQLite's write lock from `BEGIN IMMEDIATE` to commit, so
/// sequence numbers become visible in order: a reader that has seen `seq`
/// has seen every change before it.
pub async fn record(conn: &mut Connection, story_id: i64, change: Change) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO live_changes (story_id, update_id, event) VALUES (?, ?, ?) RETURNING seq",
    )
    .bind(story_id)
    .bind(change.update_id())
    .bind(change.as_str())
    .fetch_one(conn)
    .await
}

/// Records (story id, change) changes in this order, inside the write's
/// transaction: one statement however many (an import's).
pub async fn record_all(conn: &mut Connection, changes: &[(i64, Change)]) -> sqlx::Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let rows: Vec<(i64, Option<i64>, &str)> = changes
        .iter()
        .map(|(story_id, change)| (*story_id, change.update_id(), change.as_str()))
        .collect();
    sqlx::query(
        "INSERT INTO live_changes (story_id, update_id, event)
         SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?) ORDER BY key",
    )
    .bind(super::json_list(&rows))
    .execute(conn)
    .await?;
    Ok(())
}

/// The story as a change to it leaves it: what a `story` event tells pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryState {
    pub slug: String,
    pub headline: String,
    pub live_state: LiveState,
    pub pinned_update_id: Option<i64>,
    /// Whether readers can see it: changes to a draft are the desk's alone.
    pub published: bool,
}

impl StoryState {
    /// The state of a story as read now.
    pub fn of(story: &super::stories::StoryRow) -> StoryState {
        StoryState {
            slug: story.slug.clone(),
            headline: story.headline.clone(),
            live_state: story.live_state,
            pinned_update_id: story.pinned_update_id,
            published: story.status.is_published(),
        }
    }
}

/// One recorded change with everything needed to tell a page about it, as
/// the database holds it now.
#[derive(Debug, Clone)]
pub struct ChangeRow {
    pub seq: i64,
    /// The cursor of the story's change before this one, if any: a push
    /// proxy checks it to notice a change it missed.
    pub prev_seq: Option<i64>,
    pub story_id: i64,
    pub change: Change,
    pub story: StoryState,
    /// The update the change is about, unless it is deleted by now.
    pub update: Option<UpdateRow>,
}

impl FromRow<'_, SqliteRow> for ChangeRow {
    fn from_row(row: &SqliteRow) -> sqlx::Result<ChangeRow> {
        let event: String = row.try_get("change_event")?;
        let update_id: Option<i64> = row.try_get("change_update_id")?;
        let change = Change::parse(&event, update_id).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "change_event".to_owned(),
            source: format!("unknown change {event:?} for update {update_id:?}").into(),
        })?;
        let update_shown: bool = row.try_get("update_shown")?;
        Ok(ChangeRow {
            seq: row.try_get("change_seq")?,
            prev_seq: row.try_get("change_prev_seq")?,
            story_id: row.try_get("change_story_id")?,
            change,
            story: StoryState {
                slug: row.try_get("story_slug")?,
                headline: row.try_get("story_headline")?,
                live_state: row.try_get("story_live_state")?,
                pinned_update_id: row.try_get("story_pinned_update_id")?,
                published: row
                    .try_get::<StoryStatus, _>("story_status")?
                    .is_published(),
            },
            update: if update_shown {
                Some(UpdateRow::from_row(row)?)
            } else {
                None
            },
        })
    }
}

/// Changes with their story and update, in one statement; `{filter}` is one
/// of two fixed conditions (see [`after`]), never input.
static SELECT_CHANGES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT c.seq AS change_seq, c.story_id AS change_story_id,
                (SELECT MAX(p.seq) FROM live_changes p
                 WHERE p.story_id = c.story_id AND p.seq < c.seq) AS change_prev_seq,
                c.update_id AS change_update_id, c.event AS change_event,
                s.slug AS story_slug, s.headline AS story_headline,
                s.live_state AS story_live_state, s.pinned_update_id AS story_pinned_update_id,
                s.status AS story_status,
                (u.id IS NOT NULL AND u.deleted_at IS NULL) AS update_shown,
                {}
         FROM live_changes c
         JOIN stories s ON s.id = c.story_id
         LEFT JOIN updates u ON u.id = c.update_id",
        updates::columns_of("u")
    )
});

/// The first `limit` changes after cursor `seq`, in order: of one story
/// (a page catching up), or of every story (`None`: the after-commit follower).
pub async fn after(
    conn: &mut Connection,
    story_id: Option<i64>,
    seq: i64,
    limit: i64,
) -> sqlx::Result<Vec<ChangeRow>> {
    // Two fixed statements rather than `?2 IS NULL OR …`, so that each uses its index.
    let filter = match story_id {
        Some(_) => "WHERE c.story_id = ?2 AND c.seq > ?1",
        None => "WHERE c.seq > ?1",
    };
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} {filter} ORDER BY c.seq LIMIT ?3",
        *SELECT_CHANGES
    )))
    .bind(seq)
    .bind(story_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The cursor of the story's latest change (0 if none): what a page rendered
/// now has seen.
pub async fn latest(conn: &mut Connection, story_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM live_changes WHERE story_id = ?")
        .bind(story_id)
        .fetch_one(conn)
        .await
}

/// The cursor of the latest change to any story (0 if none).
pub async fn site_latest(conn: &mut Connection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM live_changes")
        .fetch_one(conn)
        .await
}
