//! Live updates and their revisions.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite};

use super::{Connection, json_rows};
use crate::domain::UpdateKind;

/// A live update row. Deleted updates are never returned by the readers' queries.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct UpdateRow {
    pub id: i64,
    pub story_id: i64,
    pub posted_at: DateTime<Utc>,
    pub kind: UpdateKind,
    pub body_md: String,
    pub body_html: String,
    /// Plain-text first words, made at write time.
    pub summary: String,
    pub author: String,
    #[serde(deserialize_with = "json_rows::bool_from_integer")]
    pub key_event: bool,
    pub place: Option<String>,
    pub who: Option<String>,
    pub figure_number: Option<i64>,
    pub figure_what: Option<String>,
    pub figure_source: Option<String>,
    pub edited_at: Option<DateTime<Utc>>,
}

/// The columns a publish or an edit writes.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateWrite<'a> {
    pub posted_at: DateTime<Utc>,
    pub kind: UpdateKind,
    pub body_md: &'a str,
    pub body_html: &'a str,
    pub summary: &'a str,
    pub author: &'a str,
    pub key_event: bool,
    pub place: Option<&'a str>,
    pub who: Option<&'a str>,
    pub figure_number: Option<i64>,
    pub figure_what: Option<&'a str>,
    pub figure_source: Option<&'a str>,
}

const COLUMNS: &str =
    "id, story_id, posted_at, kind, body_md, body_html, summary, author, key_event,
    place, who, figure_number, figure_what, figure_source, edited_at";

/// [`UpdateRow`]'s columns taken from the table named `alias`, for a join.
pub(super) fn columns_of(alias: &str) -> String {
    COLUMNS
        .split(',')
        .map(|column| format!("{alias}.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The order a story's updates are read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateOrder {
    NewestFirst,
    OldestFirst,
}

/// Where a page of updates starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStart {
    First,
    /// Just past this update, in the page's order (keyset pagination).
    Past(i64),
    /// After skipping this many updates (to land on the page holding a permalink).
    Skip(i64),
}

/// A page of a story's live updates. Ordered by (posted_at, id): a backdated
/// update sits where its time says.
pub async fn page(
    conn: &mut Connection,
    story_id: i64,
    order: UpdateOrder,
    start: PageStart,
    limit: i64,
) -> sqlx::Result<Vec<UpdateRow>> {
    // The only dynamic SQL: comparison, direction and cursor condition come
    // from the enums, never from input. A cursor is its own statement (not
    // `?2 IS NULL OR …`), so that SQLite seeks to it in the index rather
    // than walking every newer update: deep pages cost what the first does.
    let (past, direction) = match order {
        UpdateOrder::NewestFirst => ("<", "DESC"),
        UpdateOrder::OldestFirst => (">", "ASC"),
    };
    let (cursor, skip) = match start {
        PageStart::First => (None, 0),
        PageStart::Past(id) => (Some(id), 0),
        PageStart::Skip(n) => (None, n),
    };
    let after_cursor = match cursor {
        Some(_) => {
            format!("AND (posted_at, id) {past} (SELECT posted_at, id FROM updates WHERE id = ?2)")
        }
        None => String::new(),
    };
    let select = format!(
        "SELECT {COLUMNS} FROM updates
         WHERE story_id = ?1 AND deleted_at IS NULL {after_cursor}
         ORDER BY posted_at {direction}, id {direction} LIMIT ?3 OFFSET ?4"
    );
    let fields: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
    let statement = json_rows::as_json_array(
        &select,
        &fields,
        &format!("posted_at {direction}, id {direction}"),
    );
    json_rows::fetch(
        conn,
        sqlx::query_scalar(sqlx::AssertSqlSafe(statement))
            .bind(story_id)
            .bind(cursor)
            .bind(limit)
            .bind(skip),
    )
    .await
}

/// The newest `limit` updates of a story, for feeds and the desk.
pub async fn newest(
    conn: &mut Connection,
    story_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<UpdateRow>> {
    page(
        conn,
        story_id,
        UpdateOrder::NewestFirst,
        PageStart::First,
        limit,
    )
    .await
}

/// The first `limit` updates published after update `after_id` (by id, the
/// order they were published in), oldest first: what an open page has not seen.
pub async fn published_after(
    conn: &mut Connection,
    story_id: i64,
    after_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<UpdateRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM updates
         WHERE story_id = ? AND id > ? AND deleted_at IS NULL ORDER BY id LIMIT ?"
    )))
    .bind(story_id)
    .bind(after_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// An update imported from `content/`, as the desk may have left it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportedUpdate {
    /// The update's time in its file.
    pub import_key: String,
    pub deleted: bool,
    #[sqlx(flatten)]
    pub row: UpdateRow,
}

/// Every update of story `story_id` imported from `content/`, deleted ones
/// too, by import key: one statement however many.
pub async fn imported(
    conn: &mut Connection,
    story_id: i64,
) -> sqlx::Result<HashMap<String, ImportedUpdate>> {
    let rows: Vec<ImportedUpdate> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT import_key, deleted_at IS NOT NULL AS deleted, {COLUMNS} FROM updates
         WHERE story_id = ? AND import_key IS NOT NULL"
    )))
    .bind(story_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|imported| (imported.import_key.clone(), imported))
        .collect())
}

/// The id SQLite would give the next update inserted without one: one more
/// than the largest (the table has no AUTOINCREMENT). An update's HTML
/// carries its id (`u123-fn-1`), so it is rendered before its insert. Read
/// inside the write transaction, which holds SQLite's write lock: no other
/// writer inserts meanwhile.
pub async fn next_id(conn: &mut Connection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM updates")
        .fetch_one(conn)
        .await
}

/// A new update to insert, under the id [`next_id`] gave it.
#[derive(Debug, Clone)]
pub struct NewUpdate<'a> {
    pub id: i64,
    pub story_id: i64,
    pub update: UpdateWrite<'a>,
    /// Set for an update from `content/`.
    pub import_key: Option<&'a str>,
}

/// SQLite's limit on bound values in one statement (3.32 and later).
const MAX_VALUES: usize = 32_766;
const INSERTED_COLUMNS: usize = 15;

/// Inserts updates: one statement for as many as a statement can bind.
pub async fn insert(conn: &mut Connection, updates: &[NewUpdate<'_>]) -> sqlx::Result<()> {
    for chunk in updates.chunks(MAX_VALUES / INSERTED_COLUMNS) {
        let mut query = QueryBuilder::<Sqlite>::new(
            "INSERT INTO updates (id, story_id, posted_at, kind, body_md, body_html, summary, author,
                                  key_event, place, who, figure_number, figure_what, figure_source,
                                  import_key) ",
        );
        query.push_values(chunk, |mut row, new| {
            let update = &new.update;
            row.push_bind(new.id)
                .push_bind(new.story_id)
                .push_bind(update.posted_at)
                .push_bind(update.kind)
                .push_bind(update.body_md)
                .push_bind(update.body_html)
                .push_bind(update.summary)
                .push_bind(update.author)
                .push_bind(update.key_event)
                .push_bind(update.place)
                .push_bind(update.who)
                .push_bind(update.figure_number)
                .push_bind(update.figure_what)
                .push_bind(update.figure_source)
                .push_bind(new.import_key);
        });
        query.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Overwrites an update's content; `edited_at` marks it as corrected when given.
pub async fn rewrite(
    conn: &mut Connection,
    id: i64,
    update: &UpdateWrite<'_>,
    edited_at: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE updates SET posted_at = ?, kind = ?, body_md = ?, body_html = ?, summary = ?, author = ?,
                key_event = ?, place = ?, who = ?, figure_number = ?, figure_what = ?,
                figure_source = ?, edited_at = COALESCE(?, edited_at)
         WHERE id = ?",
    )
    .bind(update.posted_at)
    .bind(update.kind)
    .bind(update.body_md)
    .bind(update.body_html)
    .bind(update.summary)
    .bind(update.author)
    .bind(update.key_event)
    .bind(update.place)
    .bind(update.who)
    .bind(update.figure_number)
    .bind(update.figure_what)
    .bind(update.figure_source)
    .bind(edited_at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

impl UpdateRow {
    /// The row's content as a write, to compare with what an import would write.
    pub fn as_write(&self) -> UpdateWrite<'_> {
        UpdateWrite {
            posted_at: self.posted_at,
            kind: self.kind,
            body_md: &self.body_md,
            body_html: &self.body_html,
            summary: &self.summary,
            author: &self.author,
            key_event: self.key_event,
            place: self.place.as_deref(),
            who: self.who.as_deref(),
            figure_number: self.figure_number,
            figure_what: self.figure_what.as_deref(),
            figure_source: self.figure_source.as_deref(),
        }
    }
}

/// One update by id, with its story's slug (for its permalink).
pub async fn with_story_slug(
    conn: &mut Connection,
    id: i64,
) -> sqlx::Result<Option<(String, UpdateRow)>> {
    #[derive(sqlx::FromRow)]
    struct WithSlug {
        slug: String,
        #[sqlx(flatten)]
        row: UpdateRow,
    }
    let found: Option<WithSlug> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT s.slug, {} FROM updates u JOIN stories s ON s.id = u.story_id WHERE u.id = ?",
        columns_of("u")
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(found.map(|found| (found.slug, found.row)))
}

/// Soft-deletes an update: it leaves pages, feeds and search, but its row
/// stays as the record of what was published (a trigger takes it out of the
/// search index). False if already deleted.
pub async fn mark_deleted(conn: &mut Connection, id: i64, at: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE updates SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL")
        .bind(at)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps an update's text as it was before an edit.
pub async fn insert_revision(
    conn: &mut Connection,
    update_id: i64,
    body_md: &str,
    editor_id: i64,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO update_revisions (update_id, body_md, editor_id, revised_at) VALUES (?, ?, ?, ?)")
        .bind(update_id)
        .bind(body_md)
        .bind(editor_id)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn is_deleted(conn: &mut Connection, id: i64) -> sqlx::Result<bool> {
    let deleted: Option<bool> =
        sqlx::query_scalar("SELECT deleted_at IS NOT NULL FROM updates WHERE id = ?")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(deleted.unwrap_or(true))
}

/// A key event, for the list at the top of a live story.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct KeyEventRow {
    pub id: i64,
    pub posted_at: DateTime<Utc>,
    pub summary: String,
}

/// Every key event of a story, newest first: the list spans all pages.
pub async fn key_events(conn: &mut Connection, story_id: i64) -> sqlx::Result<Vec<KeyEventRow>> {
    let statement = json_rows::as_json_array(
        "SELECT id, posted_at, summary FROM updates
         WHERE story_id = ? AND key_event = 1 AND deleted_at IS NULL",
        &["id", "posted_at", "summary"],
        "posted_at DESC, id DESC",
    );
    json_rows::fetch(
        conn,
        sqlx::query_scalar(sqlx::AssertSqlSafe(statement)).bind(story_id),
    )
    .await
}

/// How many of the story's updates come before `update_id` newest first (or
/// oldest first): which page holds it. `None` if it is not a live update of the story.
pub async fn position(
    conn: &mut Connection,
    story_id: i64,
    update_id: i64,
    order: UpdateOrder,
) -> sqlx::Result<Option<i64>> {
    // The comparison flips with the order; both statements are fixed text.
    let sql = if order == UpdateOrder::NewestFirst {
        "SELECT COUNT(*) FROM updates u, updates x
         WHERE x.id = ?2 AND x.story_id = ?1 AND x.deleted_at IS NULL
           AND u.story_id = ?1 AND u.deleted_at IS NULL AND (u.posted_at, u.id) > (x.posted_at, x.id)
         GROUP BY x.id"
    } else {
        "SELECT COUNT(*) FROM updates u, updates x
         WHERE x.id = ?2 AND x.story_id = ?1 AND x.deleted_at IS NULL
           AND u.story_id = ?1 AND u.deleted_at IS NULL AND (u.posted_at, u.id) < (x.posted_at, x.id)
         GROUP BY x.id"
    };
    sqlx::query_scalar(sql)
        .bind(story_id)
        .bind(update_id)
        .fetch_optional(conn)
        .await
}

/// A non-deleted update of the story (the pinned one).
pub async fn find_live(
    conn: &mut Connection,
    story_id: i64,
    id: i64,
) -> sqlx::Result<Option<UpdateRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM updates WHERE id = ? AND story_id = ? AND deleted_at IS NULL"
    )))
    .bind(id)
    .bind(story_id)
    .fetch_optional(conn)
    .await
}

/// Replaces only the rendered body (a linked story's headline changed).
pub async fn set_body_html(conn: &mut Connection, id: i64, html: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE updates SET body_html = ? WHERE id = ?")
        .bind(html)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
