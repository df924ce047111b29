//! Which version of each content file was last imported.

use chrono::{DateTime, Utc};

use super::Connection;

/// The hash of the file last imported for `slug`, if any.
pub async fn hash_of(conn: &mut Connection, slug: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT sha256 FROM content_files WHERE slug = ?")
        .bind(slug)
        .fetch_optional(conn)
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
