//! `READ MORE:` links between stories.

use super::Connection;

/// Replaces the stories `from_id` links to (call inside the story's write transaction).
pub async fn replace_from(conn: &mut Connection, from_id: i64, to_ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM story_links WHERE from_story_id = ?")
        .bind(from_id)
        .execute(&mut *conn)
        .await?;
    for to_id in to_ids {
        sqlx::query("INSERT OR IGNORE INTO story_links (from_story_id, to_story_id) VALUES (?, ?)")
            .bind(from_id)
            .bind(to_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Ids and Markdown of the stories that link to `to_id`, to re-render after its headline changes.
pub async fn sources_of(conn: &mut Connection, to_id: i64) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT s.id, s.body_md FROM stories s
         JOIN story_links l ON l.from_story_id = s.id WHERE l.to_story_id = ?",
    )
    .bind(to_id)
    .fetch_all(conn)
    .await
}
