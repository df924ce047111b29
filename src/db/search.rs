//! The FTS5 index over stories and live updates.
//!
//! Each entry's rowid says what it indexes: a live update's own id, or a
//! story's id negated (ids are positive, so the two never meet). FTS5 finds
//! a row by rowid at once; `story_id` and `update_id` are `UNINDEXED`
//! columns, which a `WHERE` can only read by scanning the whole index.
//!
//! Triggers keep the entries in step with the rows (migration
//! `search_index_triggers`): no write path indexes anything itself.

use chrono::{DateTime, Utc};

use super::{Connection, json_rows};

/// One search hit: a published story, or a live update of one.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SearchHit {
    pub slug: String,
    pub headline: String,
    /// The live update that matched; `None` when the story itself did.
    pub update_id: Option<i64>,
    /// When the story was published, or the update posted.
    pub at: DateTime<Utc>,
    /// A plain-text excerpt with the matched words between `[` and `]`.
    pub excerpt: String,
}

/// The newest matches of a search, stories and live updates apart, each
/// newest first, with whether more of each match than were kept.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub stories: Vec<SearchHit>,
    pub more_stories: bool,
    pub updates: Vec<SearchHit>,
    pub more_updates: bool,
}

/// The newest `stories` stories and `updates` live updates that match
/// every word of `terms`. Each word becomes a quoted FTS5 phrase, so a
/// reader's quotes or operators cannot make it a syntax error, and control
/// characters (a NUL would end the query string) separate words.
///
/// Newest, not most relevant: ranking (bm25) first counts every entry that
/// holds each word, about 10 ms per common word over a million updates,
/// whatever the `LIMIT`; and an excerpt costs 20–60 µs (its text is read and
/// tokenised again), so only the rows shown get one. The index walks its
/// entries by rowid, newest first, and stops at the limit: a story's rowid
/// is its id negated, so stories walk upwards from the most negative, and
/// updates downwards from the largest id. "Newest" is thus the most recently
/// added; the page then orders those by their time.
pub async fn query(
    conn: &mut Connection,
    terms: &str,
    stories: i64,
    updates: i64,
) -> sqlx::Result<SearchResults> {
    let fts_query: Vec<String> = terms
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect();
    if fts_query.is_empty() {
        return Ok(SearchResults::default());
    }
    // One more of each than is shown says whether there are more. CROSS
    // JOIN keeps the index the outer loop, walked in rowid order: SQLite
    // would otherwise start from the published stories and look each of
    // their updates up in the index (seconds).
    let select = "SELECT * FROM (
           SELECT i.rowid AS entry, s.slug, s.headline, NULL AS update_id, s.published_at AS at,
                  snippet(search_index, 3, '[', ']', '…', 24) AS excerpt
           FROM search_index i CROSS JOIN stories s ON s.id = i.story_id
           WHERE search_index MATCH ?1 AND i.rowid < 0 AND s.status = 'published'
           ORDER BY i.rowid LIMIT ?2 + 1)
         UNION ALL
         SELECT * FROM (
           SELECT i.rowid, s.slug, s.headline, u.id, u.posted_at,
                  snippet(search_index, 3, '[', ']', '…', 24)
           FROM search_index i CROSS JOIN updates u ON u.id = i.rowid CROSS JOIN stories s ON s.id = u.story_id
           WHERE search_index MATCH ?1 AND i.rowid > 0 AND s.status = 'published'
           ORDER BY i.rowid DESC LIMIT ?3 + 1)";
    // Each kind newest first: stories' entries upwards from the most
    // negative, updates' downwards from the largest.
    let statement = json_rows::as_json_array(
        select,
        &["slug", "headline", "update_id", "at", "excerpt"],
        "-abs(entry)",
    );
    let hits: Vec<SearchHit> = json_rows::fetch(
        conn,
        sqlx::query_scalar(sqlx::AssertSqlSafe(statement))
            .bind(fts_query.join(" "))
            .bind(stories)
            .bind(updates),
    )
    .await?;
    let (stories_found, updates_found): (Vec<SearchHit>, Vec<SearchHit>) =
        hits.into_iter().partition(|hit| hit.update_id.is_none());
    let (stories, more_stories) = newest(stories_found, stories);
    let (updates, more_updates) = newest(updates_found, updates);
    Ok(SearchResults {
        stories,
        more_stories,
        updates,
        more_updates,
    })
}

/// The `limit` newest of `hits` (one more than `limit` were fetched, in the
/// order they were added), newest first, and whether any was left out.
fn newest(mut hits: Vec<SearchHit>, limit: i64) -> (Vec<SearchHit>, bool) {
    let limit = usize::try_from(limit).unwrap_or(0);
    let more = hits.len() > limit;
    hits.truncate(limit);
    hits.sort_by_key(|hit| std::cmp::Reverse(hit.at));
    (hits, more)
}
