//! A local HTTP proxy for the browser that records every host it is asked
//! for and forwards nothing off the machine: requests to the site under
//! test are passed to it, every other request (a `CONNECT` to an https
//! host, a plain http one) is refused at once. A request that would fail
//! offline is therefore still seen, and no test ever reaches the internet.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request the browser made through the proxy.
#[derive(Debug, Clone)]
pub struct Asked {
    /// `host:port` as the browser named it.
    pub authority: String,
    pub method: String,
    pub at: Instant,
}

/// The proxy, listening on 127.0.0.1; it stops with the test's runtime.
pub struct RecordingProxy {
    pub address: SocketAddr,
    asked: Arc<Mutex<Vec<Asked>>>,
}

/// Hosts that Chromium itself calls whatever the page (on-demand component
/// updates, the sign-in probe, the network clock, the default search
/// engine's preconnect), which no flag of Chromium 156 fully turns off.
/// They are Google's and the search engine's service hosts, named exactly:
/// a request from the page to any other host, the video players' included,
/// is still seen.
const BROWSER_SERVICES: &[&str] = &[
    "update.googleapis.com",
    "redirector.gvt1.com",
    "accounts.google.com",
    "clients2.google.com",
    "optimizationguide-pa.googleapis.com",
    "start.duckduckgo.com",
];

fn is_browser_service(authority: &str) -> bool {
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host);
    BROWSER_SERVICES.contains(&host)
}

/// Largest request head read before giving up on a connection.
const MAX_HEAD_BYTES: usize = 64 * 1024;

impl RecordingProxy {
    /// Starts a proxy that passes requests for `site` (`127.0.0.1:port`) on.
    pub async fn start(site: SocketAddr) -> RecordingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let record = asked.clone();
        actix_web::rt::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                actix_web::rt::spawn(serve(client, site, record.clone()));
            }
        });
        RecordingProxy { address, asked }
    }

    /// The flags that send all of Chromium's requests through this proxy,
    /// the site's own on 127.0.0.1 included (Chromium bypasses proxies for
    /// loopback addresses unless told not to).
    pub fn chromium_flags(&self) -> Vec<String> {
        vec![
            format!("--proxy-server=http://{}", self.address),
            "--proxy-bypass-list=<-loopback>".to_owned(),
            // Quietens some of the browser's own traffic (see BROWSER_SERVICES).
            "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,OptimizationHintsFetching,\
             OptimizationGuideModelDownloading,OptimizationTargetPrediction"
                .to_owned(),
        ]
    }

    /// Every request so far, in the order they came.
    pub fn asked(&self) -> Vec<Asked> {
        self.asked.lock().unwrap().clone()
    }

    /// The requests so far for hosts other than `site`, leaving out the
    /// browser's own services (never anything a page asks for).
    pub fn others_than(&self, site: SocketAddr) -> Vec<Asked> {
        let site = site.to_string();
        self.asked()
            .into_iter()
            .filter(|a| a.authority != site && !is_browser_service(&a.authority))
            .collect()
    }
}

/// Reads one request head, records it, and passes it to the site or refuses it.
async fn serve(mut client: TcpStream, site: SocketAddr, asked: Arc<Mutex<Vec<Asked>>>) {
    let Some((head, rest)) = read_head(&mut client).await else {
        return;
    };
    let mut words = head.lines().next().unwrap_or_default().split_whitespace();
    let (method, target) = (
        words.next().unwrap_or_default(),
        words.next().unwrap_or_default(),
    );
    let (authority, path) = match method {
        "CONNECT" => (target.to_owned(), None),
        _ => {
            let without_scheme = target.strip_prefix("http://").unwrap_or(target);
            match without_scheme.split_once('/') {
                Some((authority, path)) => (authority.to_owned(), Some(format!("/{path}"))),
                None => (without_scheme.to_owned(), Some("/".to_owned())),
            }
        }
    };
    asked.lock().unwrap().push(Asked {
        authority: authority.clone(),
        method: method.to_owned(),
        at: Instant::now(),
    });
    match path {
        Some(path) if authority == site.to_string() => {
            forward(client, site, &head, &path, &rest).await
        }
        // Off the machine: refused, and nothing is sent anywhere.
        _ => {
            let _ = client
                .write_all(
                    b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .await;
        }
    }
}

/// The request head (up to the blank line) and whatever of the body came with it.
async fn read_head(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end + 4]).into_owned();
            return Some((head, buffer[end + 4..].to_vec()));
        }
        if buffer.len() > MAX_HEAD_BYTES {
            return None;
        }
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// Passes one request to the site (origin-form, `Connection: close`) and
/// streams its answer back, live streams included.
async fn forward(mut client: TcpStream, site: SocketAddr, head: &str, path: &str, rest: &[u8]) {
    let Ok(mut upstream) = TcpStream::connect(site).await else {
        return;
    };
    let mut lines = head.lines();
    let request_line = lines.next().unwrap_or_default();
    let method = request_line.split_whitespace().next().unwrap_or_default();
    let mut request = format!("{method} {path} HTTP/1.1\r\n");
    for line in lines.filter(|l| !l.is_empty()) {
        let name = line
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if name != "connection" && name != "proxy-connection" && name != "keep-alive" {
            request.push_str(line);
            request.push_str("\r\n");
        }
    }
    request.push_str("Connection: close\r\n\r\n");
    if upstream.write_all(request.as_bytes()).await.is_err()
        || upstream.write_all(rest).await.is_err()
    {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}
