//! The FTS5 index over stories and live updates.
//!
//! Each entry's rowid says what it indexes: a live update's own id, or a
//! story's id negated (ids are positive, so the two never meet). FTS5 finds
//! a row by rowid at once; `story_id` and `update_id` are `UNINDEXED`
//! columns, which a `WHERE` can only read by scanning the whole index.
//!
//! Triggers keep the entries in step with the rows (migration
//! `search_index_triggers`): no write path indexes anything itself.

use super::Connection;

/// One search hit: a published story, and the update that matched if it was one.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SearchHit {
    pub slug: String,
    pub headline: String,
    pub update_id: Option<i64>,
    /// A plain-text excerpt with the matched words between `[` and `]`.
    pub excerpt: String,
}

/// Best matches first. `terms` is turned into a phrase-per-word FTS5 query, so
/// a reader's quotes or operators cannot make it a syntax error, and control
/// characters (a NUL would end the query string) separate words.
pub async fn query(conn: &mut Connection, terms: &str, limit: i64) -> sqlx::Result<Vec<SearchHit>> {
    let fts_query: Vec<String> = terms
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect();
    if fts_query.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(
        "SELECT s.slug, s.headline, i.update_id,
                snippet(search_index, 3, '[', ']', '…', 24) AS excerpt
         FROM search_index i JOIN stories s ON s.id = i.story_id
         WHERE search_index MATCH ? AND s.status = 'published'
         ORDER BY rank LIMIT ?",
    )
    .bind(fts_query.join(" "))
    .bind(limit)
    .fetch_all(conn)
    .await
}
