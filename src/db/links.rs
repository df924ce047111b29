//! `READ MORE:` links between stories.

use super::Connection;
use crate::domain::Slug;

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

/// Stories whose body, or one of whose updates, links to the story
/// `to_id` (now at `to_slug`): what a change of its headline re-renders.
pub async fn stories_linking_to(
    conn: &mut Connection,
    to_id: i64,
    to_slug: &str,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT from_story_id FROM story_links WHERE to_story_id = ?1
         UNION
         SELECT u.story_id FROM updates u
         JOIN update_links l ON l.update_id = u.id WHERE l.to_slug = ?2",
    )
    .bind(to_id)
    .bind(to_slug)
    .fetch_all(conn)
    .await
}

/// Replaces the stories update `update_id` links to with `READ MORE:`.
pub async fn replace_from_update(
    conn: &mut Connection,
    update_id: i64,
    to: &[Slug],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM update_links WHERE update_id = ?")
        .bind(update_id)
        .execute(&mut *conn)
        .await?;
    for slug in to {
        sqlx::query("INSERT OR IGNORE INTO update_links (update_id, to_slug) VALUES (?, ?)")
            .bind(update_id)
            .bind(slug.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Ids and Markdown of the live updates that link to the story `to_slug`.
pub async fn updates_linking_to(
    conn: &mut Connection,
    to_slug: &str,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT u.id, u.body_md FROM updates u
         JOIN update_links l ON l.update_id = u.id WHERE l.to_slug = ?",
    )
    .bind(to_slug)
    .fetch_all(conn)
    .await
}
