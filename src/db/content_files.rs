//! Which version of each content file was last imported.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::{Connection, json_list};

/// The hash of every file last imported, by slug: one statement, however
/// many files there are.
pub async fn hashes(conn: &mut Connection) -> sqlx::Result<HashMap<String, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT slug, sha256 FROM content_files")
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Those of stories `slugs` that the desk has changed since their file was
/// last imported: saved (a revision by an editor) or ended their live
/// coverage. One statement however many.
pub async fn desk_changed_since_import(
    conn: &mut Connection,
    slugs: &[&str],
) -> sqlx::Result<HashSet<String>> {
    if slugs.is_empty() {
        return Ok(HashSet::new());
    }
    let changed: Vec<String> = sqlx::query_scalar(
        "SELECT s.slug FROM stories s JOIN content_files f ON f.slug = s.slug
         WHERE s.slug IN (SELECT value FROM json_each(?1)) AND (
           s.live_ended_at > f.imported_at
           OR EXISTS (SELECT 1 FROM story_revisions r
                      WHERE r.story_id = s.id AND r.editor_id IS NOT NULL
                        AND r.saved_at > f.imported_at))",
    )
    .bind(json_list(slugs))
    .fetch_all(conn)
    .await?;
    Ok(changed.into_iter().collect())
}

/// Records that these (slug, SHA-256) versions of files were imported:
/// one statement however many.
pub async fn record_all(
    conn: &mut Connection,
    files: &[(&str, &str)],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO content_files (slug, sha256, imported_at)
         SELECT value ->> 0, value ->> 1, ?2 FROM json_each(?1) WHERE true
         ON CONFLICT (slug) DO UPDATE SET sha256 = excluded.sha256, imported_at = excluded.imported_at",
    )
    .bind(json_list(files))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
