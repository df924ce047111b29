//! Which version of each content file was last imported.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::Connection;

/// The hash of every file last imported, by slug: one statement, however
/// many files there are.
pub async fn hashes(conn: &mut Connection) -> sqlx::Result<HashMap<String, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT slug, sha256 FROM content_files")
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Whether the desk has changed story `slug` since its file was last
/// imported: saved it (a revision by an editor) or ended its live coverage.
pub async fn desk_changed_since_import(conn: &mut Connection, slug: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (
           SELECT 1 FROM stories s JOIN content_files f ON f.slug = s.slug
           WHERE s.slug = ?1 AND (
             s.live_ended_at > f.imported_at
             OR EXISTS (SELECT 1 FROM story_revisions r
                        WHERE r.story_id = s.id AND r.editor_id IS NOT NULL
                          AND r.saved_at > f.imported_at)))",
    )
    .bind(slug)
    .fetch_one(conn)
    .await
}

/// Records that this version of the file was imported.
pub async fn record(
    conn: &mut Connection,
    slug: &str,
    sha256: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO content_files (slug, sha256, imported_at) VALUES (?, ?, ?)
         ON CONFLICT (slug) DO UPDATE SET sha256 = excluded.sha256, imported_at = excluded.imported_at",
    )
    .bind(slug)
    .bind(sha256)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
