//! Fan-out benchmark: N Server-Sent Events clients on one live story, one
//! update published through the admin form, and the time until every client
//! has it. `bench/fanout.sh` builds this, starts the server and runs it.
//!
//! With `--publishes P`, also the editor's side: P publishes timed from the
//! POST to its response on an idle server (before any client connects), then
//! P more while the N clients stay connected (reading every update) and wrk
//! loads the story page: publish latency at the ceiling.
//!
//! Prints progress on stderr and Markdown rows `| measure | newsdesk |
//! reference | ratio | target |` on stdout; `--figures FILE` also writes the
//! figures as `name value` lines for scripts. Exits non-zero unless every
//! client got the update within [`DELIVERY_TIMEOUT`].

#[path = "client.rs"]
mod client;

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use clap::Parser;
use client::{
    Editor, events_request, millis, percentile, resident_kib, subscribe_all, time_delivery,
};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// How long every client may take to receive the update after the POST starts.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// The page load during the loaded publishes: one wrk thread (the other core
/// is the server's), enough connections to keep the server busy.
const WRK_CONNECTIONS: &str = "16";
/// Time for wrk to connect and reach its pace before the first publish.
const WRK_RAMP: Duration = Duration::from_secs(2);
/// Between two publishes: a busy live blog, and time for one update to reach
/// every client before the next, so each POST is timed, not a queue of them.
const PUBLISH_INTERVAL: Duration = Duration::from_millis(200);

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
    /// Publishes timed idle and then under load (0: none).
    #[arg(long, default_value_t = 0)]
    publishes: usize,
    /// Also write the figures, `name value` a line, to this file.
    #[arg(long)]
    figures: Option<PathBuf>,
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
    let n = thousands(args.clients);
    let mut figures = Figures::default();

    // Signing in runs argon2 on the server: done before any clock starts.
    let editor = Editor::sign_in(args.addr, &args.slug, &args.user, &args.password).await?;
    let idle = time_publishes(&editor, &args.slug, args.publishes, "idle").await?;

    let rss_before = resident_kib(args.server_pid)?;
    let connecting = Instant::now();
    // One try each: a refused or dropped stream fails the benchmark.
    let (streams, _) = subscribe_all(args.addr, request.as_bytes(), args.clients, 1).await?;
    let connect_time = connecting.elapsed();
    eprintln!("{} clients subscribed in {connect_time:.1?}", args.clients);
    let rss_after = resident_kib(args.server_pid)?;

    let delivery = time_delivery(
        streams,
        &editor,
        &args.slug,
        "Benchmark update: every open page should show this at once.",
        DELIVERY_TIMEOUT,
    )
    .await?;
    delivery.ensure_everyone_received_it(DELIVERY_TIMEOUT)?;
    let delays = &delivery.delays;
    let (p50, p99) = (percentile(delays, 0.50), percentile(delays, 0.99));
    let max = *delays.last().expect("at least one client");
    let kib_per_client = rss_after.saturating_sub(rss_before) as f64 / args.clients as f64;
    figures.add("p50_ms", millis(p50));
    figures.add("p99_ms", millis(p99));
    figures.add("max_ms", millis(max));
    figures.add("kib_per_client", kib_per_client);
    figures.add("post_ms", millis(delivery.post));
    figures.add("connect_s", connect_time.as_secs_f64());
    row(
        &format!(
            "one update to {n} stream readers: delivery p99 (ms; p50 {:.1}, max {:.1}, the POST {:.1})",
            millis(p50),
            millis(max),
            millis(delivery.post)
        ),
        &format!("{:.1} ms", millis(p99)),
        "–",
        "",
        "≤ 100 ms",
    );
    row(
        &format!(
            "server memory per stream reader, {n} readers (KiB; RSS growth while they connected, {:.1} s)",
            connect_time.as_secs_f64()
        ),
        &format!("{kib_per_client:.1} KiB"),
        &format!("{:.0} MiB before", rss_before as f64 / 1024.0),
        "",
        "≤ 8 KiB",
    );

    if args.publishes > 0 {
        // The clients read every update from now on, as open pages do.
        let readers: Vec<_> = delivery.streams.into_iter().map(drain).collect();
        let url = format!("http://{}/news/{}", args.addr, args.slug);
        let mut wrk = start_wrk(&url)?;
        tokio::time::sleep(WRK_RAMP).await;
        let loaded = time_publishes(&editor, &args.slug, args.publishes, "loaded").await;
        let load = stop_wrk(&mut wrk);
        let (loaded, load) = (loaded?, load?);
        let open = readers.iter().filter(|r| !r.is_finished()).count();
        readers.iter().for_each(|r| r.abort());
        ensure!(
            open == args.clients,
            "{} of {} clients lost their stream during the publishes",
            args.clients - open,
            args.clients
        );
        let (idle_p99, loaded_p99) = (percentile(&idle, 0.99), percentile(&loaded, 0.99));
        figures.add("publish_idle_p99_ms", millis(idle_p99));
        figures.add("publish_loaded_p99_ms", millis(loaded_p99));
        row(
            &format!(
                "publish POST p99 with {n} readers connected and wrk on the story page ({load}; \
                 {} publishes {} ms apart; p50 {:.1} ms)",
                args.publishes,
                PUBLISH_INTERVAL.as_millis(),
                millis(percentile(&loaded, 0.5))
            ),
            &format!("{:.1} ms", millis(loaded_p99)),
            &format!(
                "idle {:.1} ms (p50 {:.1})",
                millis(idle_p99),
                millis(percentile(&idle, 0.5))
            ),
            &format!("{:.2}", loaded_p99.as_secs_f64() / idle_p99.as_secs_f64()),
            "≤ 20 ms",
        );
    }
    if let Some(path) = &args.figures {
        std::fs::write(path, &figures.0).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// `count` publishes through the desk form, [`PUBLISH_INTERVAL`] apart, each
/// timed from the POST to its response; sorted.
async fn time_publishes(
    editor: &Editor,
    slug: &str,
    count: usize,
    label: &str,
) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(count);
    for i in 0..count {
        let body = format!(
            "Benchmark publish {i} ({label}): timed from the editor's POST to its response."
        );
        let t0 = Instant::now();
        editor.publish(slug, &body).await?;
        times.push(t0.elapsed());
        tokio::time::sleep(PUBLISH_INTERVAL).await;
    }
    times.sort_unstable();
    Ok(times)
}

/// A client that reads and drops whatever its stream sends until it ends.
fn drain(mut stream: TcpStream) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut buf = vec![0; 4096];
        while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
    })
}

/// wrk on `url` until [`stop_wrk`]; its report is read from its stdout then.
fn start_wrk(url: &str) -> anyhow::Result<Child> {
    Command::new("wrk")
        .args(["--threads", "1", "--connections", WRK_CONNECTIONS])
        .args(["--duration", "10m", "--timeout", "5s", url])
        .stdout(Stdio::piped())
        .spawn()
        .context("starting wrk (Debian package wrk)")
}

/// Stops wrk as Ctrl-C does (it then prints its report); what it did, in words.
fn stop_wrk(wrk: &mut Child) -> anyhow::Result<String> {
    let stopped = Command::new("kill")
        .args(["-INT", &wrk.id().to_string()])
        .status()?;
    ensure!(stopped.success(), "could not stop wrk");
    let mut report = String::new();
    std::io::Read::read_to_string(wrk.stdout.as_mut().context("wrk's stdout")?, &mut report)?;
    wrk.wait()?;
    let rate = report
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .context("no Requests/sec in wrk's report")?
        .trim();
    ensure!(
        !report.contains("Non-2xx") && !report.contains("Socket errors"),
        "wrk saw errors:\n{report}"
    );
    let rate: f64 = rate.parse()?;
    Ok(format!("{rate:.0} req/s, {WRK_CONNECTIONS} connections"))
}

/// `1,000` for 1000.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn row(measure: &str, newsdesk: &str, reference: &str, ratio: &str, target: &str) {
    println!("| {measure} | {newsdesk} | {reference} | {ratio} | {target} |");
}

/// The figures as `name value` lines.
#[derive(Default)]
struct Figures(String);

impl Figures {
    fn add(&mut self, name: &str, value: f64) {
        let _ = writeln!(self.0, "{name} {value:.1}");
    }
}
