//! Fan-out benchmark: N Server-Sent Events clients on one live story, one
//! update published through the admin form, and the time until every client
//! has it. `bench/fanout.sh` builds this, starts the server and runs it.
//!
//! Prints progress on stderr and one tab-separated result row on stdout:
//! clients, p50, p99 and max delivery time (ms), server KiB per client, and the
//! publish POST's own latency (ms). Exits non-zero unless every client got the
//! update within [`DELIVERY_TIMEOUT`].

#[path = "client.rs"]
mod client;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::ensure;
use clap::Parser;
use client::{
    Editor, events_request, millis, percentile, resident_kib, subscribe_all, time_delivery,
};

/// How long every client may take to receive the update after the POST starts.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Parser)]
struct Args {
    /// The server, on loopback.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// A live story.
    #[arg(long, default_value = "junior-doctors-strike-live")]
    slug: String,
    /// SSE clients to connect.
    #[arg(long, default_value_t = 1000)]
    clients: usize,
    /// The server's process id, to read its resident memory.
    #[arg(long)]
    server_pid: u32,
    /// Editor account that publishes the update.
    #[arg(long, default_value = "bench")]
    user: String,
    /// Its password (from the environment, so it stays out of `ps`).
    #[arg(long, env = "BENCH_PASSWORD", hide_env_values = true)]
    password: String,
}

// One thread runs everything: awc needs actix's single-threaded runtime, and on
// a 2-core machine a second client thread would only take CPU from the server.
#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    ensure!(
        args.addr.ip().is_loopback(),
        "benchmark loopback servers only"
    );
    ensure!(args.clients > 0, "--clients must be at least 1");
    let request = events_request(args.addr, &args.slug);

    let rss_before = resident_kib(args.server_pid)?;
    let connecting = Instant::now();
    // One try each: a refused or dropped stream fails the benchmark.
    let (streams, _) = subscribe_all(args.addr, request.as_bytes(), args.clients, 1).await?;
    eprintln!(
        "{} clients subscribed in {:.1?}",
        args.clients,
        connecting.elapsed()
    );
    let rss_after = resident_kib(args.server_pid)?;

    // Signing in runs argon2 on the server: done before the clock starts.
    let editor = Editor::sign_in(args.addr, &args.slug, &args.user, &args.password).await?;
    let delivery = time_delivery(
        streams,
        &editor,
        &args.slug,
        "Benchmark update: every open page should show this at once.",
        DELIVERY_TIMEOUT,
    )
    .await?;
    delivery.ensure_everyone_received_it(DELIVERY_TIMEOUT)?;
    drop(delivery.streams);
    let delays = &delivery.delays;

    let kib_per_client = rss_after.saturating_sub(rss_before) as f64 / args.clients as f64;
    println!(
        "{}\t{:.1}\t{:.1}\t{:.1}\t{:.1}\t{:.1}",
        args.clients,
        millis(percentile(delays, 0.50)),
        millis(percentile(delays, 0.99)),
        millis(*delays.last().expect("at least one client")),
        kib_per_client,
        millis(delivery.post),
    );
    Ok(())
}
