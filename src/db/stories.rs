//! The `stories` table and its revisions.

use chrono::{DateTime, Utc};

use super::{Connection, json_rows};
use crate::domain::{LiveState, StoryStatus};

/// A whole story row, for the story page and the editor.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoryRow {
    pub id: i64,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    pub byline: String,
    pub body_md: String,
    pub body_html: String,
    pub status: StoryStatus,
    pub live_state: LiveState,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub pinned_update_id: Option<i64>,
    /// When live coverage was ended at the desk.
    pub live_ended_at: Option<DateTime<Utc>>,
    /// `media.id` of the photo its body opens with ([`crate::content::LeadPhoto`]).
    pub lead_photo_id: Option<i64>,
    /// That photo's alt text; empty without one.
    pub lead_photo_alt: String,
}

/// What lists of stories show: front page, topic pages, feeds.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct StorySummary {
    pub id: i64,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    pub live_state: LiveState,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// As in [`StoryRow`]: the photo its card shows.
    pub lead_photo_id: Option<i64>,
    pub lead_photo_alt: String,
}

/// The columns of a [`StorySummary`], of `stories` named `s`.
pub const SUMMARY_COLUMNS: &str = "s.id, s.slug, s.headline, s.standfirst, s.live_state,
    s.published_at, s.updated_at, s.lead_photo_id, s.lead_photo_alt";
/// Their names, as [`json_rows`] reads them.
const SUMMARY_FIELDS: &[&str] = &[
    "id",
    "slug",
    "headline",
    "standfirst",
    "live_state",
    "published_at",
    "updated_at",
    "lead_photo_id",
    "lead_photo_alt",
];

/// The columns a save writes.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryWrite<'a> {
    pub slug: &'a str,
    pub headline: &'a str,
    pub standfirst: &'a str,
    pub byline: &'a str,
    pub body_md: &'a str,
    pub body_html: &'a str,
    pub status: StoryStatus,
    pub live_state: LiveState,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The photo the rendered body opens with: `(media id, alt text)`.
    pub lead_photo: Option<(i64, &'a str)>,
}

/// The columns of a [`StoryRow`], for every query that reads one.
pub const STORY_COLUMNS: &str =
    "id, slug, headline, standfirst, byline, body_md, body_html, status,
    live_state, published_at, updated_at, version, pinned_update_id, live_ended_at,
    lead_photo_id, lead_photo_alt";

pub async fn find_by_slug(conn: &mut Connection, slug: &str) -> sqlx::Result<Option<StoryRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {STORY_COLUMNS} FROM stories WHERE slug = ?"
    )))
    .bind(slug)
    .fetch_optional(conn)
    .await
}

/// The stories with these slugs (in no order): one statement however many.
pub async fn find_by_slugs(conn: &mut Connection, slugs: &[&str]) -> sqlx::Result<Vec<StoryRow>> {
    if slugs.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {STORY_COLUMNS} FROM stories WHERE slug IN (SELECT value FROM json_each(?))"
    )))
    .bind(super::json_list(slugs))
    .fetch_all(conn)
    .await
}

/// A story as its page opens: the row, the cursor of its latest change
/// (`db::live_changes`, 0 if none) and when its first live update was posted.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoryPageHead {
    #[sqlx(flatten)]
    pub story: StoryRow,
    pub latest_change: i64,
    pub coverage_start: Option<DateTime<Utc>>,
}

/// The story with this slug and what its page reads beside it, in one
/// statement: each statement costs a round trip to SQLite's thread.
pub async fn page_head(conn: &mut Connection, slug: &str) -> sqlx::Result<Option<StoryPageHead>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {STORY_COLUMNS},
                (SELECT COALESCE(MAX(seq), 0) FROM live_changes WHERE story_id = stories.id)
                  AS latest_change,
                (SELECT posted_at FROM updates
                 WHERE story_id = stories.id AND deleted_at IS NULL
                 ORDER BY posted_at, id LIMIT 1) AS coverage_start
         FROM stories WHERE slug = ?"
    )))
    .bind(slug)
    .fetch_optional(conn)
    .await
}

/// Inserts a story at version 1 and returns its id.
pub async fn insert(conn: &mut Connection, story: &StoryWrite<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO stories (slug, headline, standfirst, byline, body_md, body_html, status,
                              live_state, published_at, updated_at, lead_photo_id, lead_photo_alt)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(story.slug)
    .bind(story.headline)
    .bind(story.standfirst)
    .bind(story.byline)
    .bind(story.body_md)
    .bind(story.body_html)
    .bind(story.status)
    .bind(story.live_state)
    .bind(story.published_at)
    .bind(story.updated_at)
    .bind(story.lead_photo.map(|(id, _)| id))
    .bind(story.lead_photo.map_or("", |(_, alt)| alt))
    .fetch_one(conn)
    .await
}

/// Overwrites a story's columns and bumps its version.
pub async fn update(conn: &mut Connection, id: i64, story: &StoryWrite<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE stories SET slug = ?, headline = ?, standfirst = ?, byline = ?, body_md = ?,
                body_html = ?, status = ?, live_state = ?, published_at = ?, updated_at = ?,
                lead_photo_id = ?, lead_photo_alt = ?, version = version + 1
         WHERE id = ?",
    )
    .bind(story.slug)
    .bind(story.headline)
    .bind(story.standfirst)
    .bind(story.byline)
    .bind(story.body_md)
    .bind(story.body_html)
    .bind(story.status)
    .bind(story.live_state)
    .bind(story.published_at)
    .bind(story.updated_at)
    .bind(story.lead_photo.map(|(id, _)| id))
    .bind(story.lead_photo.map_or("", |(_, alt)| alt))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces only the rendered body (a linked story's headline changed).
pub async fn set_body_html(conn: &mut Connection, id: i64, html: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE stories SET body_html = ? WHERE id = ?")
        .bind(html)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_pinned_update(
    conn: &mut Connection,
    id: i64,
    update_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE stories SET pinned_update_id = ? WHERE id = ?")
        .bind(update_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Every published story's slug and current headline, for resolving
/// `READ MORE:` links: a draft is not there for readers to follow.
pub async fn published_headlines(conn: &mut Connection) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT slug, headline FROM stories WHERE status = 'published'")
        .fetch_all(conn)
        .await
}

/// The headlines of those of `slugs` that are published stories, by slug:
/// one statement on the slug index, however many slugs.
pub async fn published_headlines_of(
    conn: &mut Connection,
    slugs: &[&str],
) -> sqlx::Result<Vec<(String, String)>> {
    if slugs.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(
        "SELECT slug, headline FROM stories
         WHERE status = 'published' AND slug IN (SELECT value FROM json_each(?))",
    )
    .bind(super::json_list(slugs))
    .fetch_all(conn)
    .await
}

/// Published stories for the front page: live ones first, then newest first.
pub async fn front_page(conn: &mut Connection, limit: i64) -> sqlx::Result<Vec<StorySummary>> {
    let select = format!(
        "SELECT {SUMMARY_COLUMNS} FROM stories s WHERE s.status = 'published'
         ORDER BY s.live_state = 'live' DESC, s.published_at DESC, s.id DESC LIMIT ?"
    );
    let statement = json_rows::as_json_array(
        &select,
        SUMMARY_FIELDS,
        "live_state = 'live' DESC, published_at DESC, id DESC",
    );
    json_rows::fetch(
        conn,
        sqlx::query_scalar(sqlx::AssertSqlSafe(statement)).bind(limit),
    )
    .await
}

/// Published stories filed under a topic, newest first: a walk of the
/// topic's `story_topics_newest` entries that stops at `limit`.
pub async fn in_topic(
    conn: &mut Connection,
    topic_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<StorySummary>> {
    let select = format!(
        "SELECT {SUMMARY_COLUMNS}
         FROM story_topics st JOIN stories s ON s.id = st.story_id
         WHERE st.topic_id = ? AND st.status = 'published'
         ORDER BY st.published_at DESC, st.story_id DESC LIMIT ?"
    );
    let statement = json_rows::as_json_array(&select, SUMMARY_FIELDS, "published_at DESC, id DESC");
    json_rows::fetch(
        conn,
        sqlx::query_scalar(sqlx::AssertSqlSafe(statement))
            .bind(topic_id)
            .bind(limit),
    )
    .await
}

/// How many of the newest stories sharing a topic [`related`] ranks: a
/// topic holds thousands over the years, and a page view must not sort them.
const RELATED_CANDIDATES: i64 = 200;

/// A related story and how many topics it shares.
#[derive(sqlx::FromRow)]
struct RelatedRow {
    #[sqlx(flatten)]
    story: StorySummary,
    shared: i64,
}

/// Published stories sharing a topic with `story_id`, most shared topics
/// first, then newest: chosen among the newest stories sharing one.
pub async fn related(
    conn: &mut Connection,
    story_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<StorySummary>> {
    // The newest candidates sharing any of the story's topics are among the
    // newest of each topic: each topic's window is a walk of its
    // `story_topics_newest` entries down to its candidate-th newest, and
    // only the chosen few are read from `stories`. A candidate is in the
    // window of every topic it shares (no topic holds more stories newer
    // than it than all of them together), so the windows it is in count the
    // topics it shares. The windows are materialised so that what is sorted
    // is their bounded rows.
    let mut rows: Vec<RelatedRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "WITH windows AS MATERIALIZED (
           SELECT c.story_id, c.published_at
           FROM story_topics mine JOIN story_topics c
             ON c.topic_id = mine.topic_id AND c.status = 'published'
            AND c.published_at >= COALESCE(
                  (SELECT x.published_at FROM story_topics x
                   WHERE x.topic_id = mine.topic_id AND x.status = 'published'
                   ORDER BY x.published_at DESC, x.story_id DESC LIMIT 1 OFFSET ?3 - 1), '')
           WHERE mine.story_id = ?1 AND c.story_id <> ?1),
         candidates AS (
           SELECT story_id, published_at, COUNT(*) AS shared FROM windows GROUP BY story_id
           ORDER BY published_at DESC, story_id DESC LIMIT ?3),
         ranked AS (
           SELECT story_id, shared FROM candidates
           ORDER BY shared DESC, published_at DESC, story_id DESC LIMIT ?2)
         SELECT {SUMMARY_COLUMNS}, ranked.shared
         FROM ranked JOIN stories s ON s.id = ranked.story_id"
    )))
    .bind(story_id)
    .bind(limit)
    .bind(RELATED_CANDIDATES)
    .fetch_all(conn)
    .await?;
    // The few rows read from `stories` come in any order: ranked here.
    rows.sort_by(|a, b| {
        (b.shared, b.story.published_at, b.story.id).cmp(&(
            a.shared,
            a.story.published_at,
            a.story.id,
        ))
    });
    Ok(rows.into_iter().map(|row| row.story).collect())
}

/// The first update makes a story live; every update makes `now` its updated
/// time. Going live is a new version, so a story form loaded before it
/// cannot silently set the story back to "not live". Returns its slug.
pub async fn mark_live(conn: &mut Connection, id: i64, now: DateTime<Utc>) -> sqlx::Result<String> {
    sqlx::query_scalar(
        "UPDATE stories SET version = version + (live_state = 'none'),
                live_state = CASE live_state WHEN 'none' THEN 'live' ELSE live_state END,
                updated_at = MAX(updated_at, ?)
         WHERE id = ? RETURNING slug",
    )
    .bind(now)
    .bind(id)
    .fetch_one(conn)
    .await
}

/// Keeps story `id`'s text as saved now, at its current version.
pub async fn insert_revision(
    conn: &mut Connection,
    id: i64,
    editor_id: i64,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO story_revisions (story_id, version, headline, standfirst, body_md, editor_id, saved_at)
         SELECT id, version, headline, standfirst, body_md, ?, ? FROM stories WHERE id = ?",
    )
    .bind(editor_id)
    .bind(at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends a story's live coverage.
pub async fn end_live(conn: &mut Connection, id: i64, at: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE stories SET live_state = 'ended', live_ended_at = ?, updated_at = ?, version = version + 1
         WHERE id = ? AND live_state = 'live'",
    )
    .bind(at)
    .bind(at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A story as the editors' dashboard lists it, with its update count and last update time.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeskRow {
    pub id: i64,
    pub slug: String,
    pub headline: String,
    pub status: StoryStatus,
    pub live_state: LiveState,
    pub updated_at: DateTime<Utc>,
    pub update_count: i64,
    pub last_update_at: Option<DateTime<Utc>>,
}

/// The dashboard's columns of story `s`; the two per-story figures are read
/// from `updates_in_story_order` for the listed rows only.
const DESK_COLUMNS: &str = "SELECT s.id, s.slug, s.headline, s.status, s.live_state, s.updated_at,
        (SELECT COUNT(*) FROM updates u WHERE u.story_id = s.id AND u.deleted_at IS NULL)
            AS update_count,
        (SELECT MAX(u.posted_at) FROM updates u WHERE u.story_id = s.id AND u.deleted_at IS NULL)
            AS last_update_at
     FROM stories s";

/// The stories live now, most recently changed first, up to `limit`: the desk's top table.
pub async fn desk_live(conn: &mut Connection, limit: i64) -> sqlx::Result<Vec<DeskRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{DESK_COLUMNS} WHERE s.live_state = 'live' ORDER BY s.updated_at DESC, s.id DESC LIMIT ?"
    )))
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Up to `limit` stories that are not live, most recently changed first,
/// starting after story `before` when given (the desk's "Older stories").
pub async fn desk_page(
    conn: &mut Connection,
    before: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<DeskRow>> {
    let rows = match before {
        None => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{DESK_COLUMNS} WHERE s.live_state <> 'live'
             ORDER BY s.updated_at DESC, s.id DESC LIMIT ?"
        )))
        .bind(limit),
        Some(before) => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{DESK_COLUMNS} WHERE s.live_state <> 'live'
                 AND (s.updated_at, s.id) < (SELECT updated_at, id FROM stories WHERE id = ?)
             ORDER BY s.updated_at DESC, s.id DESC LIMIT ?"
        )))
        .bind(before)
        .bind(limit),
    };
    rows.fetch_all(conn).await
}
