//! Topics and the stories filed under them.

use std::collections::HashMap;

use super::{Connection, json_rows};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TopicRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// Creates the topic, or renames it if the slug exists; returns its id.
pub async fn upsert(conn: &mut Connection, slug: &str, name: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO topics (slug, name) VALUES (?, ?)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name RETURNING id",
    )
    .bind(slug)
    .bind(name)
    .fetch_one(conn)
    .await
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

/// The topics of each of `story_ids`, each story's in the order the editor
/// gave them: one statement for a whole feed rather than one per story.
pub async fn for_stories(
    conn: &mut Connection,
    story_ids: &[i64],
) -> sqlx::Result<HashMap<i64, Vec<TopicRow>>> {
    /// A topic of one of the stories.
    #[derive(serde::Deserialize)]
    struct Filed {
        story_id: i64,
        id: i64,
        slug: String,
        name: String,
    }
    let ids = serde_json::to_string(story_ids).expect("ids are JSON");
    let statement = json_rows::as_json_array(
        "SELECT st.story_id, st.position, t.id, t.slug, t.name FROM story_topics st
         JOIN topics t ON t.id = st.topic_id
         WHERE st.story_id IN (SELECT value FROM json_each(?))",
        &["story_id", "id", "slug", "name"],
        "story_id, position",
    );
    let rows: Vec<Filed> = json_rows::fetch(
        conn,
        sqlx::query_scalar(sqlx::AssertSqlSafe(statement)).bind(ids),
    )
    .await?;
    let mut topics: HashMap<i64, Vec<TopicRow>> = HashMap::new();
    for Filed {
        story_id,
        id,
        slug,
        name,
    } in rows
    {
        topics
            .entry(story_id)
            .or_default()
            .push(TopicRow { id, slug, name });
    }
    Ok(topics)
}

/// Replaces a story's topics (call inside the story's write transaction).
pub async fn set_for_story(
    conn: &mut Connection,
    story_id: i64,
    topic_ids: &[i64],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM story_topics WHERE story_id = ?")
        .bind(story_id)
        .execute(&mut *conn)
        .await?;
    for (position, topic_id) in topic_ids.iter().enumerate() {
        sqlx::query("INSERT INTO story_topics (story_id, topic_id, position) VALUES (?, ?, ?)")
            .bind(story_id)
            .bind(topic_id)
            .bind(position as i64)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
