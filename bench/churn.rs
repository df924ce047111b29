//! Churn and mixed-load benchmark ("nothing lost" under load).
//!
//! `churn`: clients that stay on the live story while waves of thousands of
//! others connect and disconnect for a while, and an editor publishes every
//! second. Afterwards the server's resident memory and open descriptors must
//! be back near where they were after a shorter warm-up of the same load, and
//! every staying client must hold every update. `mixed`: readers fetching
//! pages and feeds, streams and an editor publishing, for a while; every
//! request must succeed.
//!
//! `bench/churn.sh` builds this, starts the server and runs it. Prints
//! Markdown rows `| measure | newsdesk | reference | ratio | target |`, the
//! reference being the same server after the warm-up.

#[path = "client.rs"]
mod client;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use clap::{Parser, Subcommand};
use client::{Editor, events_request, resident_kib, subscribe};
use futures_util::future::join_all;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// Clients connecting at once (below the accept backlog).
const BATCH: usize = 100;

#[derive(Parser)]
struct Args {
    /// The server, on loopback.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// A live story.
    #[arg(long, default_value = "junior-doctors-strike-live")]
    slug: String,
    /// The server's process id, to read its memory and open descriptors.
    #[arg(long)]
    server_pid: u32,
    /// Editor account that publishes.
    #[arg(long, default_value = "bench")]
    user: String,
    /// Its password (from the environment, so it stays out of `ps`).
    #[arg(long, env = "BENCH_PASSWORD", hide_env_values = true)]
    password: String,
    /// How long the load lasts, in seconds.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    #[command(subcommand)]
    load: Load,
}

#[derive(Subcommand)]
enum Load {
    /// Waves of stream clients connecting and disconnecting.
    Churn {
        /// Clients per wave.
        #[arg(long, default_value_t = 5000)]
        wave: usize,
        /// Clients that stay connected throughout.
        #[arg(long, default_value_t = 200)]
        stayers: usize,
    },
    /// Page readers, feed pollers, streams and publishing at once.
    Mixed {
        /// Concurrent page and feed readers.
        #[arg(long, default_value_t = 32)]
        readers: usize,
        /// Stream clients.
        #[arg(long, default_value_t = 500)]
        streams: usize,
    },
}

// One thread: on a 2-core machine a second client thread would only take CPU
// from the server (awc also needs actix's single-threaded runtime).
#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    ensure!(
        args.addr.ip().is_loopback(),
        "benchmark loopback servers only"
    );
    let editor = Editor::sign_in(args.addr, &args.slug, &args.user, &args.password).await?;
    match args.load {
        Load::Churn { wave, stayers } => churn(&args, &editor, wave, stayers).await,
        Load::Mixed { readers, streams } => mixed(&args, &editor, readers, streams).await,
    }
}

/// Open file descriptors of a process.
fn open_fds(pid: u32) -> anyhow::Result<usize> {
    let dir = format!("/proc/{pid}/fd");
    Ok(std::fs::read_dir(&dir)
        .with_context(|| format!("reading {dir}"))?
        .count())
}

/// Opens `n` streams, a batch at a time.
async fn connect(addr: SocketAddr, request: &str, n: usize) -> anyhow::Result<Vec<TcpStream>> {
    let mut streams = Vec::with_capacity(n);
    while streams.len() < n {
        let batch = BATCH.min(n - streams.len());
        for stream in join_all((0..batch).map(|_| subscribe(addr, request.as_bytes()))).await {
            streams.push(stream?);
        }
    }
    Ok(streams)
}

/// The cursors of the `update` events a staying client has received.
type Seen = Arc<Mutex<BTreeSet<String>>>;

/// A staying client: reads its stream in the background and collects the
/// cursor of every `update` event into what it returns.
fn stay(mut stream: TcpStream) -> Seen {
    let seen = Seen::default();
    let collected = seen.clone();
    tokio::spawn(async move {
        let mut pending = String::new();
        let mut buf = vec![0; 16 * 1024];
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
            pending.push_str(&String::from_utf8_lossy(&buf[..n]));
            while let Some(end) = pending.find("\n\n") {
                let frame: String = pending.drain(..end + 2).collect();
                let is_update = frame.lines().any(|l| l == "event: update");
                let id = frame.lines().find_map(|l| l.strip_prefix("id: "));
                if let (true, Some(id)) = (is_update, id) {
                    collected.lock().expect("seen lock").insert(id.to_owned());
                }
            }
        }
    });
    seen
}

/// Publishes an update every second until `until`; returns how many.
async fn publish_every_second(
    editor: &Editor,
    slug: &str,
    until: Instant,
) -> anyhow::Result<usize> {
    let mut published = 0;
    let mut ticks = tokio::time::interval(Duration::from_secs(1));
    while Instant::now() < until {
        ticks.tick().await;
        editor
            .publish(slug, &format!("Load update {published}"))
            .await?;
        published += 1;
    }
    Ok(published)
}

/// The server's resident memory once freed memory has gone back to the
/// system: it is asked to every 10 s after streams close (src/memory.rs), so
/// this waits until memory is within 10% of `near` (0: no such hope) or
/// has stopped falling for 12 s,
/// 25 s at most.
async fn settled_kib(pid: u32, near: u64) -> anyhow::Result<u64> {
    let until = Instant::now() + Duration::from_secs(25);
    let mut kib = resident_kib(pid)?;
    let mut lowest_at = Instant::now();
    while (kib as f64) > near as f64 * 1.1
        && Instant::now() < until
        && lowest_at.elapsed() < Duration::from_secs(12)
    {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = resident_kib(pid)?;
        if now < kib {
            kib = now;
            lowest_at = Instant::now();
        }
    }
    Ok(kib)
}

/// How long the warm-up load lasts, in seconds.
const WARM_UP: u64 = 20;

/// Waves of `wave` stream clients connecting and disconnecting for `length`
/// while an editor publishes every second: how many waves, how many updates.
async fn waves_while_publishing(
    args: &Args,
    editor: &Editor,
    request: &str,
    wave: usize,
    length: Duration,
) -> anyhow::Result<(usize, usize)> {
    let until = Instant::now() + length;
    let waves = async {
        let mut waves = 0;
        while Instant::now() < until {
            let streams = connect(args.addr, request, wave).await?;
            eprintln!("wave {waves}: {} clients in", streams.len());
            drop(streams);
            waves += 1;
        }
        anyhow::Ok(waves)
    };
    let (waves, published) =
        futures_util::join!(waves, publish_every_second(editor, &args.slug, until));
    Ok((waves?, published?))
}

/// Published after a load, a second or two apart.
const SETTLING_UPDATES: [&str; 2] = ["Load over", "Load over, really"];

/// A gone client is noticed at the server's second write to it (the first
/// still lands in the kernel's buffer; the peer's reset fails the next): two
/// more updates, apart, let the server drop every stream of the last wave.
async fn settle_streams(editor: &Editor, slug: &str) -> anyhow::Result<()> {
    for last in SETTLING_UPDATES {
        editor.publish(slug, last).await?;
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    Ok(())
}

fn row(measure: &str, newsdesk: f64, reference: f64, target: &str) {
    let ratio = if reference == 0.0 {
        "–".to_owned()
    } else {
        format!("{:.2}", newsdesk / reference)
    };
    println!("| {measure} | {newsdesk:.0} | {reference:.0} | {ratio} | {target} |");
}

async fn churn(args: &Args, editor: &Editor, wave: usize, stayers: usize) -> anyhow::Result<()> {
    let request = events_request(args.addr, &args.slug);
    let staying: Vec<_> = connect(args.addr, &request, stayers)
        .await?
        .into_iter()
        .map(stay)
        .collect();
    let rss_cold = resident_kib(args.server_pid)?;
    // The same load for a while first, then the same wait for memory to
    // settle as after it: the server's pools reach their working size on
    // first use and keep it. Each of the eight SQLite connections has its own
    // statement cache and page cache, filled by whatever requests it happens
    // to serve: measured per thread, after one publish they held half of what
    // they hold after a minute of publishing, and three minutes add nothing
    // more. Growth past the warm-up is what the crowd left behind.
    let (warm_waves, warm_published) =
        waves_while_publishing(args, editor, &request, wave, Duration::from_secs(WARM_UP)).await?;
    settle_streams(editor, &args.slug).await?;
    let rss_before = settled_kib(args.server_pid, 0).await?;
    let fds_before = open_fds(args.server_pid)?;
    let (waves, published) = waves_while_publishing(
        args,
        editor,
        &request,
        wave,
        Duration::from_secs(args.seconds),
    )
    .await?;
    settle_streams(editor, &args.slug).await?;
    let rss_after = settled_kib(args.server_pid, rss_before).await?;
    let fds_after = open_fds(args.server_pid)?;
    let expected = warm_published + published + 2 * SETTLING_UPDATES.len();
    let missed: usize = staying
        .iter()
        .map(|seen| expected.saturating_sub(seen.lock().expect("seen lock").len()))
        .sum();
    eprintln!(
        "warm-up: {warm_waves} waves, {warm_published} updates; then {waves} waves of {wave} clients, {published} updates"
    );
    row(
        &format!(
            "resident memory after the waves (KiB), against after a {WARM_UP} s warm-up of the same load"
        ),
        rss_after as f64,
        rss_before as f64,
        "≤ 1.10×",
    );
    row(
        "resident memory after the waves (KiB), against the cold start",
        rss_after as f64,
        rss_cold as f64,
        "documented",
    );
    row(
        "open descriptors after the waves",
        fds_after as f64,
        fds_before as f64,
        "≤ 1.00×",
    );
    row("updates missed by staying clients", missed as f64, 0.0, "0");
    Ok(())
}

async fn mixed(args: &Args, editor: &Editor, readers: usize, streams: usize) -> anyhow::Result<()> {
    let request = events_request(args.addr, &args.slug);
    let open = connect(args.addr, &request, streams).await?;
    let until = Instant::now() + Duration::from_secs(args.seconds);
    let (ok, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let paths = [
        format!("/news/{}", args.slug),
        "/".to_owned(),
        "/feed.xml".to_owned(),
        format!("/news/{}/feed.xml", args.slug),
        "/sitemap.xml".to_owned(),
        format!("/news/{}/updates?after=0", args.slug),
    ];
    let reading = join_all((0..readers).map(|reader| {
        let (ok, failed, paths) = (ok.clone(), failed.clone(), paths.clone());
        let base = format!("http://{}", args.addr);
        async move {
            let client = awc::Client::builder()
                .timeout(Duration::from_secs(10))
                .finish();
            let mut n = reader;
            while Instant::now() < until {
                let path = &paths[n % paths.len()];
                n += 1;
                let answered = client.get(format!("{base}{path}")).send().await;
                match answered {
                    Ok(mut response) if response.status().is_success() => {
                        let _ = response.body().limit(16 * 1024 * 1024).await;
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(response) => {
                        eprintln!("{path}: {}", response.status());
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(error) => {
                        eprintln!("{path}: {error}");
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }
    }));
    let (_, published) =
        futures_util::join!(reading, publish_every_second(editor, &args.slug, until));
    let published = published?;
    drop(open);
    let (ok, failed) = (ok.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    eprintln!(
        "{ok} requests answered, {published} updates published over {} s",
        args.seconds
    );
    row("failed requests under mixed load", failed as f64, 0.0, "0");
    row(
        "requests answered under mixed load",
        ok as f64,
        ok as f64,
        "–",
    );
    Ok(())
}
