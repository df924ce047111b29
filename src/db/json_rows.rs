//! Many rows fetched as one. sqlx runs SQLite on a thread of its own and
//! hands each row to the request's task through a channel, waking the task
//! for each: tens of microseconds a row when the two run on different CPUs,
//! more than SQLite takes to find it. A list of 50 or 100 rows is asked for
//! as a single JSON array instead (`json_group_array` in SQLite, serde here).

use serde::de::DeserializeOwned;

use super::Connection;

/// A statement returning the rows of `select` as one JSON array of objects
/// keyed by `columns` (output columns of `select`), in `order` (an `ORDER BY`
/// of those columns: an aggregate is otherwise free to take its rows in any
/// order).
pub fn as_json_array(select: &str, columns: &[&str], order: &str) -> String {
    let fields: Vec<String> = columns.iter().map(|c| format!("'{c}', {c}")).collect();
    format!(
        "SELECT json_group_array(json_object({}) ORDER BY {order}) FROM ({select})",
        fields.join(", ")
    )
}

/// Reads a boolean column, which SQLite stores (and JSON carries) as 0 or 1.
pub fn bool_from_integer<'de, D: serde::Deserializer<'de>>(column: D) -> Result<bool, D::Error> {
    let stored: i64 = serde::Deserialize::deserialize(column)?;
    Ok(stored != 0)
}

/// Runs a statement made by [`as_json_array`], with its parameters bound,
/// and reads its rows.
pub async fn fetch<'q, T: DeserializeOwned>(
    conn: &mut Connection,
    statement: sqlx::query::QueryScalar<'q, sqlx::Sqlite, String, sqlx::sqlite::SqliteArguments>,
) -> sqlx::Result<Vec<T>> {
    let json = statement.fetch_one(conn).await?;
    serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
