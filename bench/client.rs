//! What the benchmarks share: SSE clients on raw TCP, an editor signed in
//! through the desk's forms, and the server's resident memory. Included by
//! each benchmark with `#[path]`, since examples have no library of their own.

// Each benchmark uses its own part of this file.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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

/// Nearest-rank percentile of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
