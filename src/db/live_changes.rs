//! The ordered record of changes sent to open pages, for replaying what a
//! reconnecting page missed.

use super::Connection;

/// One recorded change: its sequence number, the update, and the SSE event name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChangeRow {
    pub seq: i64,
    pub update_id: i64,
    pub event: String,
}

/// Records a change (inside the write's transaction); returns its sequence number.
pub async fn record(
    conn: &mut Connection,
    story_id: i64,
    update_id: i64,
    event: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO live_changes (story_id, update_id, event) VALUES (?, ?, ?) RETURNING seq",
    )
    .bind(story_id)
    .bind(update_id)
    .bind(event)
    .fetch_one(conn)
    .await
}

/// The story's first `limit` changes after `seq`, in order.
pub async fn after(
    conn: &mut Connection,
    story_id: i64,
    seq: i64,
    limit: i64,
) -> sqlx::Result<Vec<ChangeRow>> {
    sqlx::query_as(
        "SELECT seq, update_id, event FROM live_changes
         WHERE story_id = ? AND seq > ? ORDER BY seq LIMIT ?",
    )
    .bind(story_id)
    .bind(seq)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The sequence number of the story's latest change (0 if none): what a
/// freshly rendered page has seen.
pub async fn latest(conn: &mut Connection, story_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM live_changes WHERE story_id = ?")
        .bind(story_id)
        .fetch_one(conn)
        .await
}

/// Where to resume a page whose last event was about `update_id` (the SSE id
/// is the update's id): after the first change to that update, so nothing
/// later is missed (a change sent twice is harmless: pages replace an update
/// they already show). For an update never sent live (imported), before the
/// first change to any later update.
pub async fn resume_point(
    conn: &mut Connection,
    story_id: i64,
    update_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COALESCE(
             (SELECT MIN(seq) FROM live_changes WHERE story_id = ?1 AND update_id = ?2),
             (SELECT MIN(seq) - 1 FROM live_changes WHERE story_id = ?1 AND update_id > ?2),
             (SELECT MAX(seq) FROM live_changes WHERE story_id = ?1),
             0)",
    )
    .bind(story_id)
    .bind(update_id)
    .fetch_one(conn)
    .await
}
