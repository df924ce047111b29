//! Every SQL statement of newsdesk, one module per table family. Knows nothing of HTTP.
//!
//! Queries are checked at run time (`query_as` + `FromRow`) rather than with
//! `query!`: the build needs no database, no `.sqlx/` snapshot and no sqlx-cli,
//! and every statement is exercised by the integration tests.

pub mod audit;
pub mod checkpoint;
pub mod content_files;
pub mod editors;
pub mod feeds;
pub mod figures;
pub mod json_rows;
pub mod links;
pub mod live_changes;
pub mod media;
pub mod search;
pub mod storage;
pub mod stories;
pub mod tokens;
pub mod topics;
mod types;
pub mod updates;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use sqlx::SqliteConnection as Connection;

/// A list as one JSON parameter, which a statement reads with `json_each`:
/// one statement for many rows, not one per row. Tuples become arrays.
fn json_list<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).expect("plain values serialise")
}

/// Commits to what readers see so far, and that count when the change log
/// last recorded a change (both kept by triggers): the first ahead of the
/// second means content changed that no logged change names.
pub async fn content_versions(conn: &mut Connection) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as("SELECT version, logged FROM content_version")
        .fetch_one(conn)
        .await
}

/// Writes a consistent copy of the whole database to `path` (which must not
/// exist) from one read snapshot, without stopping writers.
pub async fn backup_into(pool: &SqlitePool, path: &std::path::Path) -> anyhow::Result<()> {
    let target = path
        .to_str()
        .context("the backup path is not valid UTF-8")?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(pool)
        .await?;
    Ok(())
}

/// A write transaction. `BEGIN IMMEDIATE` takes SQLite's write lock at the
/// start, so two writers queue on the busy timeout instead of the second one
/// failing when its read turns into a write.
pub async fn write_tx(pool: &SqlitePool) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Whether an idle connection still counts a transaction as open, so that
/// every `BEGIN` on it would fail: the pool closes it instead of handing it out.
///
/// On a full disk or an I/O error SQLite may roll a transaction back by
/// itself; the `ROLLBACK` sqlx then sends fails ("no transaction is active")
/// and sqlx goes on counting the transaction open. Idle connections never
/// hold a transaction, so closing such a one loses nothing.
fn left_in_transaction(conn: &Connection) -> bool {
    use sqlx::Connection as _;
    conn.is_in_transaction()
}

/// Opens (creating if missing) the database and brings its schema up to date.
///
/// WAL lets readers go on while an editor writes; `synchronous = FULL` makes
/// every acknowledged commit durable, even across a power cut, at the cost of
/// one fsync per write (editors write seconds apart, readers never write).
pub async fn connect(url: &str) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("reading database URL {url}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .before_acquire(|conn, _| Box::pin(async move { Ok(!left_in_transaction(conn)) }))
        .connect_with(options)
        .await
        .with_context(|| format!("opening database {url}"))?;
    sqlx::migrate!()
        .run(&pool)
        .await
        .context("running database migrations")?;
    Ok(pool)
}
