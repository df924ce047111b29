//! Topics and the stories filed under them.

use std::collections::HashMap;

use super::{Connection, json_list, json_rows};

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
