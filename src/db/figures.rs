//! Figures as data: the number, what and source carried by `figures` updates.

use chrono::{DateTime, Utc};

use super::{Connection, json_rows};

/// One figure, as a `figures` update reported it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct FigureRow {
    /// The update that reported it, for its permalink.
    pub id: i64,
    pub posted_at: DateTime<Utc>,
    pub number: i64,
    /// What was counted ("operations cancelled").
    pub what: String,
    pub place: Option<String>,
    pub source: String,
}

/// Every figure of a story that has not been deleted, ordered by
/// (what, place, posted_at, id): each series together, oldest first.
pub async fn for_story(conn: &mut Connection, story_id: i64) -> sqlx::Result<Vec<FigureRow>> {
    // Validation gives every figures update a number, a what and a source;
    // the COALESCEs only keep a hand-edited row from failing the whole story.
    let statement = json_rows::as_json_array(
        "SELECT id, posted_at, figure_number AS number, COALESCE(figure_what, '') AS what,
                place, COALESCE(figure_source, '') AS source
         FROM updates
         WHERE story_id = ? AND kind = 'figures' AND figure_number IS NOT NULL
           AND deleted_at IS NULL",
        &["id", "posted_at", "number", "what", "place", "source"],
        "what, place, posted_at, id",
    );
    json_rows::fetch(
        conn,
        sqlx::query_scalar(sqlx::AssertSqlSafe(statement)).bind(story_id),
    )
    .await
}
