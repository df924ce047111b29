//! Fan-out benchmark: N Server-Sent Events clients on one live story, one
//! update published through the admin form, and the time until every client
//! has it. `bench/fanout.sh` builds this, starts the server and runs it.
//!
//! Prints progress on stderr and one tab-separated result row on stdout:
//! clients, p50, p99 and max delivery time (ms), server KiB per client, and the
//! publish POST's own latency (ms). Exits non-zero unless every client got the
//! update within [`DELIVERY_TIMEOUT`].

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use clap::Parser;
use futures_util::future::join_all;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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
    let request = format!(
        "GET /news/{}/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        args.slug, args.addr
    );

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
    let editor = Editor::sign_in(&args).await?;
    let t0 = Instant::now();
    editor.publish(&args.slug).await?;
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

/// Opens an SSE stream and reads up to the server's opening `: connected`
/// comment, which it sends only once the client is subscribed to the story.
async fn subscribe(addr: SocketAddr, request: &[u8]) -> anyhow::Result<TcpStream> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request).await?;
    let mut buf = Vec::with_capacity(1024);
    read_until(&mut stream, &mut buf, b": connected").await?;
    ensure!(
        buf.starts_with(b"HTTP/1.1 200"),
        "unexpected response: {}",
        String::from_utf8_lossy(&buf)
    );
    Ok(stream)
}

/// Reads until `needle` has arrived (a frame may come in pieces).
async fn read_until(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    needle: &[u8],
) -> anyhow::Result<()> {
    while !buf.windows(needle.len()).any(|w| w == needle) {
        if stream.read_buf(buf).await? == 0 {
            bail!("stream closed before {:?}", String::from_utf8_lossy(needle));
        }
    }
    Ok(())
}

/// An editor's browser, signed in: the session cookie and the forms' CSRF token.
struct Editor {
    client: awc::Client,
    base: String,
    cookie: String,
    csrf: String,
}

impl Editor {
    /// Signs in through the login form, as `tests/app/editor_session.rs` does.
    async fn sign_in(args: &Args) -> anyhow::Result<Editor> {
        // Redirects are not followed: the session cookie comes with the 303.
        let client = awc::Client::builder().max_redirects(0).finish();
        let base = format!("http://{}", args.addr);
        let (login_cookie, login_page) = get(&client, &format!("{base}/admin/login"), "").await?;
        let login_csrf = cookie(&login_cookie, "newsdesk_login_csrf")?;
        let desk = format!("/admin/stories/{}", args.slug);
        let fields = [
            ("username", args.user.as_str()),
            ("password", &args.password),
            ("csrf_token", &csrf_token(&login_page)?),
            ("next", &desk),
        ];
        let response = client
            .post(format!("{base}/admin/login"))
            .insert_header(("Cookie", login_csrf))
            .send_form(&fields)
            .await
            .map_err(|e| anyhow::anyhow!("signing in: {e}"))?;
        ensure!(
            response.status() == 303,
            "signing in: {}",
            response.status()
        );
        let session = cookie(&set_cookies(&response), "newsdesk_session")?;
        let (_, desk_page) = get(&client, &format!("{base}{desk}"), &session).await?;
        Ok(Editor {
            csrf: csrf_token(&desk_page)?,
            client,
            base,
            cookie: session,
        })
    }

    /// Publishes one update through the story desk's form.
    async fn publish(&self, slug: &str) -> anyhow::Result<()> {
        let fields = [
            (
                "body",
                "Benchmark update: every open page should show this at once.",
            ),
            ("kind", "update"),
            ("time", ""),
            ("csrf_token", &self.csrf),
        ];
        let response = self
            .client
            .post(format!("{}/admin/stories/{slug}/updates", self.base))
            .insert_header(("Cookie", self.cookie.as_str()))
            .send_form(&fields)
            .await
            .map_err(|e| anyhow::anyhow!("publishing: {e}"))?;
        ensure!(
            response.status() == 303,
            "publishing: {}",
            response.status()
        );
        Ok(())
    }
}

/// GETs a page; returns its `Set-Cookie` values and its body.
async fn get(
    client: &awc::Client,
    url: &str,
    cookie: &str,
) -> anyhow::Result<(Vec<String>, String)> {
    let mut response = client
        .get(url)
        .insert_header(("Cookie", cookie))
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("GET {url}: {e}"))?;
    ensure!(response.status() == 200, "GET {url}: {}", response.status());
    let body = response
        .body()
        .await
        .map_err(|e| anyhow::anyhow!("GET {url}: {e}"))?;
    Ok((
        set_cookies(&response),
        String::from_utf8_lossy(&body).into_owned(),
    ))
}

fn set_cookies<S>(response: &awc::ClientResponse<S>) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

/// `name=value` of the cookie called `name`.
fn cookie(set_cookies: &[String], name: &str) -> anyhow::Result<String> {
    set_cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .with_context(|| format!("no {name} cookie"))
}

/// The value of a form's hidden `csrf_token` field.
fn csrf_token(page: &str) -> anyhow::Result<String> {
    const FIELD: &str = r#"name="csrf_token" value=""#;
    let start = page.find(FIELD).context("no csrf_token field")? + FIELD.len();
    let end = page[start..].find('"').context("unterminated csrf_token")?;
    Ok(page[start..start + end].to_owned())
}

/// The process's resident memory (VmRSS) in KiB.
fn resident_kib(pid: u32) -> anyhow::Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .context("no VmRSS line")?;
    Ok(line.trim().trim_end_matches("kB").trim().parse()?)
}

/// Nearest-rank percentile of sorted durations.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
