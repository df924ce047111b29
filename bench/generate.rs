//! Generates a newsroom's archive at real size into a new SQLite database,
//! for benchmarks (README, "Benchmarks"):
//!
//!     cargo run --release --example generate -- --stories 100000 \
//!         --updates 1000000 --seed 1 --database big.db
//!
//! Every row is one newsdesk's desk would have written (rendered HTML,
//! search index, links, revisions, audit trail, change log); see
//! `bench/dataset/`.

mod dataset;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::bail;
use chrono::{DateTime, Utc};
use clap::Parser;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 100_000)]
    stories: u64,
    #[arg(long, default_value_t = 1_000_000)]
    updates: u64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The database file to create (it must not exist).
    #[arg(long)]
    database: PathBuf,
    /// The newest time in the archive: no update is posted after it.
    #[arg(long, default_value = "2026-12-01T00:00:00Z")]
    until: DateTime<Utc>,
    /// Write through the desk's own write paths, a statement at a time
    /// (much slower; the bulk writer is tested against it).
    #[arg(long)]
    through_desk: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.database.exists() {
        bail!("{} exists; give a new file", args.database.display());
    }
    let started = Instant::now();
    let pool = newsdesk::db::connect(&format!("sqlite://{}", args.database.display())).await?;
    let mut conn = pool.acquire().await?;
    // A bulk load: a crash loses a file nobody relies on yet.
    sqlx::raw_sql("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144")
        .execute(&mut *conn)
        .await?;
    let options = dataset::Options {
        stories: args.stories,
        updates: args.updates,
        seed: args.seed,
        until: args.until,
    };
    let writer = if args.through_desk {
        dataset::Writer::Desk
    } else {
        dataset::Writer::Bulk
    };
    dataset::generate(&mut conn, options, writer, |stories, updates| {
        eprintln!(
            "{stories}/{} stories, {updates}/{} updates, {:.0} s",
            args.stories,
            args.updates,
            started.elapsed().as_secs_f64()
        );
    })
    .await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut *conn)
        .await?;
    drop(conn);
    pool.close().await;
    println!(
        "{}: {} stories, {} updates in {:.0} s",
        args.database.display(),
        args.stories,
        args.updates,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
