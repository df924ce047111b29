//! Copying the write-ahead log into the database file off the editors' path.
//!
//! Left to itself, SQLite copies the log back (a checkpoint) inside the
//! commit that takes it past 1,000 pages: that editor's publish waits while
//! up to 4 MB of pages are written into the database file and both files
//! are synced. On the 1M-update benchmark database that was one publish in
//! about fifty, taking up to four seconds (`bench/fanout.sh`, idle p99). A
//! serving process checkpoints every five seconds instead, from here: a passive
//! checkpoint never takes the write lock, so a commit goes on while it
//! copies, and the log never gets near the size at which a commit would do
//! it itself (which stays as a backstop). With nothing new in the log, a
//! checkpoint only reads the log's header.

use std::time::Duration;

use sqlx::SqlitePool;

/// How often: even five publishes a second (the fanout benchmark's pace)
/// write a few hundred pages in that time, far below the 1,000 at which a
/// commit would copy them itself, and fewer rounds mean fewer syncs of the
/// database file competing with the editors' commits.
const EVERY: Duration = Duration::from_secs(5);

/// Copies what it can of the log into the database file, without waiting
/// for readers or writers.
async fn passive(pool: &SqlitePool) -> sqlx::Result<()> {
    sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .execute(pool)
        .await?;
    Ok(())
}

/// Runs for the life of the server. A failure (a full disk, a read-only
/// file) is logged when it starts and when it ends, not every round.
pub async fn keep_the_log_short(pool: SqlitePool) {
    let mut ticks = tokio::time::interval(EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    loop {
        ticks.tick().await;
        match passive(&pool).await {
            Ok(_) if failing => {
                tracing::info!("checkpoints work again");
                failing = false;
            }
            Ok(_) => {}
            Err(error) if !failing => {
                tracing::warn!("could not copy the write-ahead log into the database: {error}");
                failing = true;
            }
            Err(_) => {}
        }
    }
}
