//! Topics and the stories filed under them.

use super::{Connection, json_list};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TopicRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// Creates the topics, or renames those whose slug exists, in the given
/// order (a slug given twice ends with its last name): one statement
/// however many. `topics` are (slug, name) pairs.
pub async fn upsert_all(conn: &mut Connection, topics: &[(&str, &str)]) -> sqlx::Result<()> {
    if topics.is_empty() {
        return Ok(());
    }
    // `WHERE true` tells SQLite's parser that ON CONFLICT is the upsert's,
    // not a join constraint of the SELECT.
    sqlx::query(
        "INSERT INTO topics (slug, name)
         SELECT value ->> 0, value ->> 1 FROM json_each(?) WHERE true ORDER BY key
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name",
    )
    .bind(json_list(topics))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find_by_slug(conn: &mut Connection, slug: &str) -> sqlx::Result<Option<TopicRow>> {
    sqlx::query_as("SELECT id, slug, name FROM topics WHERE slug = ?")
        .bind(slug)
        .fetch_optional(conn)
        .await
}

/// A story's topics in the order the editor gave them.
pub async fn for_story(conn: &mut Connection, story_id: i64) -> sqlx::Result<Vec<TopicRow>> {
    sqlx::query_as(
        "SELECT t.id, t.slug, t.name FROM topics t
         JOIN story_topics st ON st.topic_id = t.id
         WHERE st.story_id = ? ORDER BY st.position",
    )
    .bind(story_id)
    .fetch_all(conn)
    .await
}

/// Files stories under topics, which exist: (story id, position, topic
/// slug) rows, for stories not filed yet ([`unfile`] those that were). One
/// statement however many.
pub async fn file_stories(conn: &mut Connection, filings: &[(i64, i64, &str)]) -> sqlx::Result<()> {
    if filings.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO story_topics (story_id, topic_id, position)
         SELECT j.value ->> 0, t.id, j.value ->> 1 FROM json_each(?) j
         JOIN topics t ON t.slug = j.value ->> 2",
    )
    .bind(json_list(filings))
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes stories out of every topic.
pub async fn unfile(conn: &mut Connection, story_ids: &[i64]) -> sqlx::Result<()> {
    if story_ids.is_empty() {
        return Ok(());
    }
    sqlx::query("DELETE FROM story_topics WHERE story_id IN (SELECT value FROM json_each(?))")
        .bind(json_list(story_ids))
        .execute(conn)
        .await?;
    Ok(())
}
