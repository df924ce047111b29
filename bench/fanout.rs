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

use anyhow::{Context, bail, ensure};
use clap::Parser;
use client::{Editor, events_request, millis, percentile, read_until, resident_kib, subscribe};
use futures_util::future::join_all;

/// Clients connecting at once: fewer than the server's accept backlog (128,
/// std's `TcpListener::bind`), so no SYN is dropped and retried a second later.
const BATCH: usize = 100;
/// How long every client may take to receive the update after the POST starts.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one batch may take to connect and be subscribed.
const BATCH_TIMEOUT: Duration = Duration::from_secs(30);

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
    let mut streams = Vec::with_capacity(args.clients);
    while streams.len() < args.clients {
        let batch = BATCH.min(args.clients - streams.len());
        let opened = tokio::time::timeout(
            BATCH_TIMEOUT,
            join_all((0..batch).map(|_| subscribe(args.addr, request.as_bytes()))),
        )
        .await
        .with_context(|| format!("connecting clients {}..", streams.len()))?;
        for stream in opened {
            streams.push(stream.with_context(|| format!("client {}", streams.len()))?);
        }
    }
    eprintln!(
        "{} clients subscribed in {:.1?}",
        args.clients,
        connecting.elapsed()
    );
    let rss_after = resident_kib(args.server_pid)?;

    // Each client waits in its own task, so it is woken (and timed) the moment
    // its own socket is readable. It keeps its stream: closing early would add
    // work to the server while it is still fanning out.
    let waiting: Vec<_> = streams
        .into_iter()
        .map(|mut stream| {
            tokio::spawn(async move {
                let mut buf = Vec::with_capacity(1024);
                read_until(&mut stream, &mut buf, b"event: update").await?;
                anyhow::Ok((Instant::now(), stream))
            })
        })
        .collect();

    // Signing in runs argon2 on the server: done before t0, not during the fan-out.
    let editor = Editor::sign_in(args.addr, &args.slug, &args.user, &args.password).await?;
    let t0 = Instant::now();
    editor
        .publish(
            &args.slug,
            "Benchmark update: every open page should show this at once.",
        )
        .await?;
    let post_latency = t0.elapsed();

    let deadline = tokio::time::Instant::from_std(t0 + DELIVERY_TIMEOUT);
    let mut delays = Vec::with_capacity(args.clients);
    let mut missed = 0;
    let mut kept_open = Vec::with_capacity(args.clients);
    for task in waiting {
        match tokio::time::timeout_at(deadline, task).await {
            Ok(Ok(Ok((at, stream)))) => {
                delays.push(at.duration_since(t0));
                kept_open.push(stream);
            }
            Ok(Ok(Err(error))) => {
                eprintln!("client failed: {error:#}");
                missed += 1;
            }
            Ok(Err(join_error)) => bail!("client task panicked: {join_error}"),
            Err(_elapsed) => missed += 1,
        }
    }
    drop(kept_open);
    ensure!(
        missed == 0,
        "{missed} of {} clients did not receive the update within {DELIVERY_TIMEOUT:?}",
        args.clients
    );

    delays.sort_unstable();
    let kib_per_client = rss_after.saturating_sub(rss_before) as f64 / args.clients as f64;
    println!(
        "{}\t{:.1}\t{:.1}\t{:.1}\t{:.1}\t{:.1}",
        args.clients,
        millis(percentile(&delays, 0.50)),
        millis(percentile(&delays, 0.99)),
        millis(*delays.last().expect("at least one client")),
        kib_per_client,
        millis(post_latency),
    );
    Ok(())
}
