//! What the benchmarks share: SSE clients on raw TCP, an editor signed in
//! through the desk's forms, one publish timed to every client, and a
//! process's resident memory and open descriptors. Included by each
//! benchmark with `#[path]`, since examples have no library of their own.

// Each benchmark uses its own part of this file.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use futures_util::future::join_all;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Clients connecting at once: fewer than the server's accept backlog (128,
/// std's `TcpListener::bind`), so no SYN is dropped and retried a second later.
const BATCH: usize = 100;
/// How long one client may take to connect and be subscribed.
const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a client waits before trying again, as a browser told
/// `retry: 3000` does.
const RETRY_AFTER: Duration = Duration::from_secs(3);

/// The request that opens a story's live stream.
pub fn events_request(addr: SocketAddr, slug: &str) -> String {
    format!("GET /news/{slug}/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n")
}

/// Opens an SSE stream and reads up to the server's opening `: connected`
/// comment, which it sends only once the client is subscribed to the story.
pub async fn subscribe(addr: SocketAddr, request: &[u8]) -> anyhow::Result<TcpStream> {
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

/// Opens `count` streams with `request`, [`BATCH`] at a time, each
/// subscribed (see [`subscribe`]) before the function returns. A client
/// whose connection fails, is refused or is not subscribed within
/// [`SUBSCRIBE_TIMEOUT`] tries again after [`RETRY_AFTER`], up to `tries`
/// times in all; returns the streams and how many tries were repeated.
pub async fn subscribe_all(
    addr: SocketAddr,
    request: &[u8],
    count: usize,
    tries: u32,
) -> anyhow::Result<(Vec<TcpStream>, usize)> {
    let mut streams = Vec::with_capacity(count);
    let mut repeated = 0;
    while streams.len() < count {
        let batch = BATCH.min(count - streams.len());
        let opened = join_all((0..batch).map(|_| subscribe_trying(addr, request, tries))).await;
        for stream in opened {
            let (stream, again) = stream.with_context(|| format!("client {}", streams.len()))?;
            streams.push(stream);
            repeated += again;
        }
    }
    Ok((streams, repeated))
}

/// [`subscribe`] with a time limit, up to `tries` times; the stream and how
/// many tries were repeated.
async fn subscribe_trying(
    addr: SocketAddr,
    request: &[u8],
    tries: u32,
) -> anyhow::Result<(TcpStream, usize)> {
    let mut repeated = 0;
    loop {
        let error = match tokio::time::timeout(SUBSCRIBE_TIMEOUT, subscribe(addr, request)).await {
            Ok(Ok(stream)) => return Ok((stream, repeated)),
            Ok(Err(error)) => error,
            Err(elapsed) => anyhow::Error::new(elapsed).context("not subscribed in time"),
        };
        repeated += 1;
        if repeated >= tries as usize {
            return Err(error.context(format!("after {tries} tries")));
        }
        tokio::time::sleep(RETRY_AFTER).await;
    }
}

/// How one publish reached the streams: the delay of each stream that
/// received it, from just before the POST, sorted; how many streams ended
/// (or failed) first, and how many were still waiting at the limit; the
/// POST's own latency; and the streams that received it, still open.
pub struct Delivery {
    pub delays: Vec<Duration>,
    pub closed: usize,
    pub late: usize,
    pub post: Duration,
    pub streams: Vec<TcpStream>,
}

impl Delivery {
    /// Fails unless every stream received the update.
    pub fn ensure_everyone_received_it(&self, limit: Duration) -> anyhow::Result<()> {
        let count = self.delays.len() + self.closed + self.late;
        ensure!(
            self.closed + self.late == 0,
            "{} of {count} clients did not receive the update within {limit:?} \
             ({} streams ended first)",
            self.closed + self.late,
            self.closed
        );
        Ok(())
    }
}

/// Publishes `body` on `slug` as `editor` and times when each of `streams`
/// receives it (an `event: update` frame), waiting at most `limit` after
/// the POST starts.
pub async fn time_delivery(
    streams: Vec<TcpStream>,
    editor: &Editor,
    slug: &str,
    body: &str,
    limit: Duration,
) -> anyhow::Result<Delivery> {
    let count = streams.len();
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

    let t0 = Instant::now();
    editor.publish(slug, body).await?;
    let post = t0.elapsed();

    let deadline = tokio::time::Instant::from_std(t0 + limit);
    let mut delays = Vec::with_capacity(count);
    let (mut closed, mut late) = (0, 0);
    let mut kept_open = Vec::with_capacity(count);
    for task in waiting {
        match tokio::time::timeout_at(deadline, task).await {
            Ok(Ok(Ok((at, stream)))) => {
                delays.push(at.duration_since(t0));
                kept_open.push(stream);
            }
            Ok(Ok(Err(error))) => {
                if closed == 0 {
                    eprintln!("a client failed: {error:#}");
                }
                closed += 1;
            }
            Ok(Err(join_error)) => bail!("client task panicked: {join_error}"),
            Err(_elapsed) => late += 1,
        }
    }
    delays.sort_unstable();
    Ok(Delivery {
        delays,
        closed,
        late,
        post,
        streams: kept_open,
    })
}

/// Reads until `needle` has arrived (a frame may come in pieces).
pub async fn read_until(
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
pub struct Editor {
    client: awc::Client,
    base: String,
    cookie: String,
    csrf: String,
}

impl Editor {
    /// Signs in through the login form, as `tests/app/editor_session.rs` does.
    pub async fn sign_in(
        addr: SocketAddr,
        slug: &str,
        user: &str,
        password: &str,
    ) -> anyhow::Result<Editor> {
        // Redirects are not followed: the session cookie comes with the 303.
        let client = awc::Client::builder().max_redirects(0).finish();
        let base = format!("http://{addr}");
        let (login_cookie, login_page) = get(&client, &format!("{base}/admin/login"), "").await?;
        let login_csrf = cookie(&login_cookie, "newsdesk_login_csrf")?;
        let desk = format!("/admin/stories/{slug}");
        let fields = [
            ("username", user),
            ("password", password),
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

    /// Publishes one update with text `body` through the story desk's form.
    pub async fn publish(&self, slug: &str, body: &str) -> anyhow::Result<()> {
        let fields = [
            ("body", body),
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
pub async fn get(
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

pub fn set_cookies<S>(response: &awc::ClientResponse<S>) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

/// `name=value` of the cookie called `name`.
pub fn cookie(set_cookies: &[String], name: &str) -> anyhow::Result<String> {
    set_cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .with_context(|| format!("no {name} cookie"))
}

/// The value of a form's hidden `csrf_token` field.
pub fn csrf_token(page: &str) -> anyhow::Result<String> {
    const FIELD: &str = r#"name="csrf_token" value=""#;
    let start = page.find(FIELD).context("no csrf_token field")? + FIELD.len();
    let end = page[start..].find('"').context("unterminated csrf_token")?;
    Ok(page[start..start + end].to_owned())
}

/// The process's resident memory (VmRSS) in KiB.
pub fn resident_kib(pid: u32) -> anyhow::Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .context("no VmRSS line")?;
    Ok(line.trim().trim_end_matches("kB").trim().parse()?)
}

/// How many files (sockets included) the process has open.
pub fn open_descriptors(pid: u32) -> anyhow::Result<usize> {
    let path = format!("/proc/{pid}/fd");
    Ok(std::fs::read_dir(&path)
        .with_context(|| format!("reading {path}"))?
        .count())
}

/// Nearest-rank percentile of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
