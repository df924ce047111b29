//! Live readers held by a GRIP proxy: N Server-Sent Events clients on one
//! live story through Pushpin's public port (newsdesk answers each with one
//! short response and Pushpin holds the connection), one update published
//! through the desk, and the time until every reader has it; newsdesk's and
//! the proxy's memory, and newsdesk's open descriptors, before the readers
//! connect and with all of them connected. `bench/edge.sh` builds this,
//! starts newsdesk behind `deploy/run-edge.sh` and runs it.
//!
//! With `--hold-seconds`, the readers then stay connected that long, so
//! that what the proxy asks newsdesk while it holds them can be counted.
//!
//! Prints progress on stderr and `name value` lines on stdout (see the end
//! of `main`), with the wall-clock times (Unix seconds) at which all readers
//! were connected, the POST started and the readers were let go. Readers
//! whose stream ended before the update (`closed`) and readers that had
//! nothing `--delivery-timeout` seconds after the POST (`late`) are counted
//! and left out of the times.

#[path = "client.rs"]
mod client;

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::ensure;
use clap::Parser;
use client::{
    Editor, events_request, millis, open_descriptors, percentile, resident_kib, subscribe_all,
    time_delivery,
};

/// The comment newsdesk opens every stream with.
const OPENING: &[u8] = b": connected";

#[derive(Parser)]
struct Args {
    /// Where readers connect: the push proxy's public port, on loopback.
    #[arg(long)]
    readers_addr: SocketAddr,
    /// newsdesk itself, where the editor signs in and publishes.
    #[arg(long)]
    desk_addr: SocketAddr,
    /// A live story.
    #[arg(long, default_value = "junior-doctors-strike-live")]
    slug: String,
    /// Readers to connect.
    #[arg(long, default_value_t = 1000)]
    clients: usize,
    /// newsdesk's process id: its resident memory and open descriptors.
    #[arg(long)]
    server_pid: u32,
    /// The proxy's processes (repeat the flag): their resident memory, summed.
    #[arg(long = "proxy-pid", required = true)]
    proxy_pids: Vec<u32>,
    /// Seconds every reader may take to receive the update after the POST starts.
    #[arg(long, default_value_t = 30)]
    delivery_timeout: u64,
    /// Seconds between the last reader connecting and the publish (at
    /// least 2, for anything the proxy does once a reader is held).
    #[arg(long, default_value_t = 2)]
    settle_seconds: u64,
    /// A log the proxy writes a line to for each request it makes of
    /// newsdesk (Pushpin's handler log): before the publish, wait until it
    /// has not grown for a few seconds, so that the publish does not meet a
    /// burst of the proxy's own requests (at most `--quiet-limit` seconds).
    #[arg(long)]
    quiet_log: Option<std::path::PathBuf>,
    /// Longest wait for `--quiet-log` to be quiet, in seconds.
    #[arg(long, default_value_t = 300)]
    quiet_limit: u64,
    /// Seconds the readers stay connected after the update reached them all.
    #[arg(long, default_value_t = 0)]
    hold_seconds: u64,
    /// Editor account that publishes the update.
    #[arg(long, default_value = "bench")]
    user: String,
    /// Its password (from the environment, so it stays out of `ps`).
    #[arg(long, env = "BENCH_PASSWORD", hide_env_values = true)]
    password: String,
}

/// Now as Unix seconds, to the millisecond: to be matched with the proxy's logs.
fn wall_clock() -> String {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!("{:.3}", since_epoch.as_secs_f64())
}

/// Established TCP connections to `port` on this machine (IPv4), from
/// `/proc/net/tcp`: at newsdesk's port, Varnish's backend connections.
fn connections_to(port: u16) -> anyhow::Result<usize> {
    let table = std::fs::read_to_string("/proc/net/tcp")?;
    let local = format!(":{port:04X}");
    Ok(table
        .lines()
        .skip(1)
        .filter(|line| {
            let mut fields = line.split_whitespace().skip(1);
            let (Some(local_address), Some(_remote), Some(state)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return false;
            };
            local_address.ends_with(&local) && state == "01"
        })
        .count())
}

/// Waits until the file at `path` has not grown for [`QUIET`], at most `limit`.
async fn wait_until_quiet(path: &std::path::Path, limit: Duration) -> anyhow::Result<()> {
    const QUIET: Duration = Duration::from_secs(3);
    let deadline = Instant::now() + limit;
    let mut size = std::fs::metadata(path)?.len();
    while Instant::now() < deadline {
        tokio::time::sleep(QUIET).await;
        let now = std::fs::metadata(path)?.len();
        if now == size {
            return Ok(());
        }
        size = now;
    }
    eprintln!(
        "{} still growing after {limit:?}; publishing anyway",
        path.display()
    );
    Ok(())
}

/// Resident memory of newsdesk and of each of the proxy's processes, and
/// newsdesk's descriptors.
struct Sample {
    server_kib: u64,
    server_fds: usize,
    server_connections: usize,
    proxy_kib: Vec<u64>,
}

impl Sample {
    fn take(args: &Args) -> anyhow::Result<Sample> {
        Ok(Sample {
            server_kib: resident_kib(args.server_pid)?,
            server_fds: open_descriptors(args.server_pid)?,
            server_connections: connections_to(args.desk_addr.port())?,
            proxy_kib: args
                .proxy_pids
                .iter()
                .map(|pid| resident_kib(*pid))
                .collect::<anyhow::Result<_>>()?,
        })
    }
}

// One thread runs everything, as in the fan-out benchmark.
#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    ensure!(
        args.readers_addr.ip().is_loopback() && args.desk_addr.ip().is_loopback(),
        "benchmark loopback servers only"
    );
    ensure!(args.clients > 0, "--clients must be at least 1");
    let request = events_request(args.readers_addr, &args.slug);

    let before = Sample::take(&args)?;
    let connecting = Instant::now();
    // A reader the proxy refuses or drops while connecting tries again, as
    // a browser does; how often is reported.
    let (streams, reconnects) =
        subscribe_all(args.readers_addr, request.as_bytes(), args.clients, 5).await?;
    let connect_time = connecting.elapsed();
    let connected_at = wall_clock();
    eprintln!("{} readers held in {connect_time:.1?}", args.clients);
    // Each reader already has its opening frame, so the proxy holds it; a
    // moment more for anything the proxy does after that.
    tokio::time::sleep(Duration::from_secs(args.settle_seconds.max(2))).await;
    let with = Sample::take(&args)?;
    let quiet_wait = Instant::now();
    if let Some(log) = &args.quiet_log {
        wait_until_quiet(log, Duration::from_secs(args.quiet_limit)).await?;
    }
    let quiet_wait = quiet_wait.elapsed();

    // Signing in runs argon2 on the server: done before the clock starts.
    let editor = Editor::sign_in(args.desk_addr, &args.slug, &args.user, &args.password).await?;
    let published_at = wall_clock();
    let delivery = time_delivery(
        streams,
        &editor,
        &args.slug,
        "Benchmark update: every reader held by the proxy should show this at once.",
        Duration::from_secs(args.delivery_timeout),
    )
    .await?;
    // Readers whose stream the proxy ended first, and readers still
    // connected that had nothing by the limit, are counted (bench/edge.sh
    // reports them and fails); the times are those of the others.
    if delivery.late > 0 {
        eprintln!(
            "{} of {} readers still connected did not receive the update within {} s",
            delivery.late,
            args.clients - delivery.closed,
            args.delivery_timeout
        );
    }
    ensure!(!delivery.delays.is_empty(), "no reader received the update");
    if args.hold_seconds > 0 {
        eprintln!("holding the readers for {} s", args.hold_seconds);
        tokio::time::sleep(Duration::from_secs(args.hold_seconds)).await;
    }
    let released_at = wall_clock();
    // What reached the readers while they were held: heartbeats, and
    // whatever the proxy appended from a next link it fetched.
    let mut opened_again = 0;
    let mut chunk = vec![0; 64 * 1024];
    for stream in &delivery.streams {
        let mut held = Vec::new();
        while let Ok(read @ 1..) = stream.try_read(&mut chunk) {
            held.extend_from_slice(&chunk[..read]);
        }
        if held.windows(OPENING.len()).any(|w| w == OPENING) {
            opened_again += 1;
        }
    }
    drop(delivery.streams);
    let delays = &delivery.delays;

    for (name, value) in [
        ("clients", args.clients.to_string()),
        ("received", delivery.delays.len().to_string()),
        ("closed", delivery.closed.to_string()),
        ("late", delivery.late.to_string()),
        ("opened_again", opened_again.to_string()),
        ("reconnects", reconnects.to_string()),
        ("quiet_wait_s", format!("{:.0}", quiet_wait.as_secs_f64())),
        ("connect_s", format!("{:.1}", connect_time.as_secs_f64())),
        ("p50_ms", format!("{:.1}", millis(percentile(delays, 0.50)))),
        ("p99_ms", format!("{:.1}", millis(percentile(delays, 0.99)))),
        (
            "max_ms",
            format!(
                "{:.1}",
                millis(*delays.last().expect("at least one reader"))
            ),
        ),
        ("post_ms", format!("{:.1}", millis(delivery.post))),
        ("server_kib_before", before.server_kib.to_string()),
        ("server_kib_with", with.server_kib.to_string()),
        ("server_fds_before", before.server_fds.to_string()),
        ("server_fds_with", with.server_fds.to_string()),
        (
            "server_connections_before",
            before.server_connections.to_string(),
        ),
        (
            "server_connections_with",
            with.server_connections.to_string(),
        ),
        (
            "proxy_kib_before",
            before.proxy_kib.iter().sum::<u64>().to_string(),
        ),
        (
            "proxy_kib_with",
            with.proxy_kib.iter().sum::<u64>().to_string(),
        ),
        ("connected_at", connected_at),
        ("published_at", published_at),
        ("released_at", released_at),
    ] {
        println!("{name} {value}");
    }
    // Each of the proxy's processes: its resident KiB before and with the readers.
    for (i, pid) in args.proxy_pids.iter().enumerate() {
        println!(
            "proxy_kib.{pid} {} {}",
            before.proxy_kib[i], with.proxy_kib[i]
        );
    }
    Ok(())
}
