//! `READ MORE:` links between stories.

use super::{Connection, json_list};

/// Forgets which stories these stories link to (before recording anew).
pub async fn unlink_stories(conn: &mut Connection, from_ids: &[i64]) -> sqlx::Result<()> {
    if from_ids.is_empty() {
        return Ok(());
    }
    sqlx::query("DELETE FROM story_links WHERE from_story_id IN (SELECT value FROM json_each(?))")
        .bind(json_list(from_ids))
        .execute(conn)
        .await?;
    Ok(())
}

/// Records (from story id, to slug) links, each to the story with that slug
/// if there is one: one statement however many.
pub async fn link_stories(conn: &mut Connection, links: &[(i64, &str)]) -> sqlx::Result<()> {
    if links.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT OR IGNORE INTO story_links (from_story_id, to_story_id)
         SELECT j.value ->> 0, s.id FROM json_each(?) j JOIN stories s ON s.slug = j.value ->> 1",
    )
    .bind(json_list(links))
    .execute(conn)
    .await?;
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

/// Forgets which stories update `update_id` links to (before recording anew).
pub async fn unlink_update(conn: &mut Connection, update_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM update_links WHERE update_id = ?")
        .bind(update_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records (update id, to slug) `READ MORE:` links of updates: one
/// statement however many.
pub async fn link_updates(conn: &mut Connection, links: &[(i64, &str)]) -> sqlx::Result<()> {
    if links.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT OR IGNORE INTO update_links (update_id, to_slug)
         SELECT value ->> 0, value ->> 1 FROM json_each(?)",
    )
    .bind(json_list(links))
    .execute(conn)
    .await?;
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
