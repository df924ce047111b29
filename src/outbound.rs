//! What newsdesk tells other servers after a commit: purges to the caches in
//! front, changes to the push proxy, pings to the WebSub hub.
//!
//! Each server is a [`Target`] with a queue, sent from a background thread
//! of its own with its own small actix runtime (awc's client is
//! single-threaded; with a thread of its own, a write only puts a message on
//! a queue, whatever runtime the write runs on). Per target, one request is
//! in flight at a time and messages that waited meanwhile are merged into
//! the next: order is kept (the push proxy needs it) and a burst of writes
//! costs a few requests. A failing target is retried with backoff, then
//! given up on with a warning; it never fails a write. Its state is kept for
//! `/healthz`.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use awc::http::{Method, Uri};
use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use crate::grip::GripKey;

/// Tries per message before giving up on it.
const ATTEMPTS: u32 = 6;
/// Wait before the first retry; each further retry waits twice as long
/// (0.25 s to 4 s, about 8 s in all): a server that is restarting gets a few
/// seconds to come back, and a cache is purged soon after it does.
const FIRST_RETRY: Duration = Duration::from_millis(250);
/// Longest wait for one answer.
const TIMEOUT: Duration = Duration::from_secs(5);

/// What a target is, which decides how it is told.
#[derive(Debug, Clone)]
pub enum Kind {
    /// An HTTP cache with Varnish's `xkey` purging.
    Cache,
    /// A GRIP proxy (its base URL), and the key its publishes are signed with.
    Grip(GripKey),
    /// A WebSub hub.
    WebSub,
}

/// Something to tell a target. Messages waiting together are merged.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Surrogate keys whose responses the cache must drop.
    Purge(BTreeSet<String>),
    /// GRIP items for the push proxy, oldest first.
    Publish(Vec<serde_json::Value>),
    /// Absolute feed URLs whose subscribers the hub should update.
    Ping(BTreeSet<String>),
}

impl Message {
    /// Adds a later message for the same target to this one.
    fn merge(&mut self, later: Message) {
        match (self, later) {
            (Message::Purge(keys), Message::Purge(more)) => keys.extend(more),
            (Message::Publish(items), Message::Publish(more)) => items.extend(more),
            (Message::Ping(feeds), Message::Ping(more)) => feeds.extend(more),
            (_, later) => tracing::error!("outbound: cannot merge {later:?}, dropped"),
        }
    }
}

/// What is known of whether a target answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TargetHealth {
    /// Nothing was sent yet.
    #[default]
    Untried,
    /// The last request succeeded, at this time.
    Answering(DateTime<Utc>),
    /// Requests fail since this time, the last one with this error.
    Failing(DateTime<Utc>, String),
}

impl fmt::Display for TargetHealth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetHealth::Untried => f.write_str("not used yet"),
            TargetHealth::Answering(at) => write!(f, "answering (last {})", at.to_rfc3339()),
            TargetHealth::Failing(since, error) => {
                write!(f, "FAILING since {}: {error}", since.to_rfc3339())
            }
        }
    }
}

/// One message on its way, and who waits for its first attempt.
struct Queued {
    message: Message,
    attempted: Option<oneshot::Sender<()>>,
}

/// A server newsdesk tells about commits. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: String,
    queue: mpsc::UnboundedSender<Queued>,
    health: Arc<Mutex<TargetHealth>>,
}

impl Target {
    /// Queues `message`; returns at once.
    pub fn send(&self, message: Message) {
        self.enqueue(message, None);
    }

    /// Queues `message` and waits until it was tried once (or `limit` passed):
    /// for a purge that should land before readers are told of the change.
    pub async fn send_and_wait(&self, message: Message, limit: Duration) {
        let (attempted, done) = oneshot::channel();
        self.enqueue(message, Some(attempted));
        let _ = tokio::time::timeout(limit, done).await;
    }

    fn enqueue(&self, message: Message, attempted: Option<oneshot::Sender<()>>) {
        if self.queue.send(Queued { message, attempted }).is_err() {
            tracing::warn!(
                "outbound: the sending thread has stopped; {} was not told",
                self.url
            );
        }
    }

    /// Whether the target answered last time.
    pub fn health(&self) -> TargetHealth {
        self.health.lock().expect("target health lock").clone()
    }
}

impl Target {
    /// Checks the URL and starts the target's sending thread.
    pub fn start(kind: Kind, url: &str) -> anyhow::Result<Target> {
        let uri: Uri = url
            .parse()
            .with_context(|| format!("reading the URL {url}"))?;
        if uri.scheme_str() != Some("http") || uri.host().is_none() {
            // awc is built without TLS: an https target would fail every time.
            bail!("{url} must be an http:// URL (newsdesk speaks plain HTTP to its neighbours)");
        }
        let (queue, pending) = mpsc::unbounded_channel();
        let health = Arc::new(Mutex::new(TargetHealth::Untried));
        let worker = Worker {
            kind,
            url: url.to_owned(),
            pending,
            health: health.clone(),
        };
        std::thread::Builder::new()
            .name("outbound".to_owned())
            .spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    worker
                        .run(awc::Client::builder().timeout(TIMEOUT).finish())
                        .await;
                })
            })
            .context("starting a thread for outbound requests")?;
        Ok(Target {
            url: url.to_owned(),
            queue,
            health,
        })
    }
}

/// The sending side of one target, on the outbound thread.
struct Worker {
    kind: Kind,
    url: String,
    pending: mpsc::UnboundedReceiver<Queued>,
    health: Arc<Mutex<TargetHealth>>,
}

impl Worker {
    /// Sends each message (merged with any that waited), until every handle is gone.
    async fn run(mut self, client: awc::Client) {
        self.probe(&client).await;
        while let Some(first) = self.pending.recv().await {
            let mut message = first.message;
            let mut waiting: Vec<_> = first.attempted.into_iter().collect();
            while let Ok(more) = self.pending.try_recv() {
                message.merge(more.message);
                waiting.extend(more.attempted);
            }
            self.deliver(&client, &message, waiting).await;
        }
    }

    /// Asks the target something harmless at start, so `/healthz` can say
    /// at once whether it answers: any HTTP answer counts. A WebSub hub is
    /// not asked: it has nothing harmless to be asked.
    async fn probe(&self, client: &awc::Client) {
        let request = match &self.kind {
            Kind::Cache => client
                .request(
                    Method::from_bytes(b"PURGE").expect("a method name"),
                    &self.url,
                )
                .insert_header(("xkey", "newsdesk-probe")),
            Kind::Grip(_) => client.get(crate::grip::publish_url(&self.url)),
            Kind::WebSub => return,
        };
        let health = match request.send().await {
            Ok(_) => TargetHealth::Answering(Utc::now()),
            Err(error) => {
                tracing::warn!("{} does not answer: {error}", self.url);
                TargetHealth::Failing(Utc::now(), error.to_string())
            }
        };
        self.set_health(health);
    }

    async fn deliver(
        &self,
        client: &awc::Client,
        message: &Message,
        mut waiting: Vec<oneshot::Sender<()>>,
    ) {
        let mut wait = FIRST_RETRY;
        for attempt in 1..=ATTEMPTS {
            let result = send(client, &self.kind, &self.url, message).await;
            for waiter in waiting.drain(..) {
                let _ = waiter.send(());
            }
            let Err(error) = result else {
                self.set_health(TargetHealth::Answering(Utc::now()));
                return;
            };
            let since = match self.health() {
                TargetHealth::Failing(since, _) => since,
                _ => Utc::now(),
            };
            self.set_health(TargetHealth::Failing(since, format!("{error:#}")));
            if attempt == ATTEMPTS {
                tracing::warn!(
                    "giving up on telling {} after {ATTEMPTS} tries: {error:#}",
                    self.url
                );
                return;
            }
            tracing::warn!(
                "telling {} failed ({error:#}); retrying in {wait:?}",
                self.url
            );
            actix_web::rt::time::sleep(wait).await;
            wait *= 2;
        }
    }

    fn health(&self) -> TargetHealth {
        self.health.lock().expect("target health lock").clone()
    }

    fn set_health(&self, health: TargetHealth) {
        *self.health.lock().expect("target health lock") = health;
    }
}

/// One attempt at telling a target; any 2xx answer means it took the message.
async fn send(
    client: &awc::Client,
    kind: &Kind,
    url: &str,
    message: &Message,
) -> anyhow::Result<()> {
    // awc's errors hold non-Send parts, so anyhow can carry only their message.
    let status = match (kind, message) {
        (Kind::Cache, Message::Purge(keys)) => {
            for keys in header_sized(keys) {
                let status = client
                    .request(Method::from_bytes(b"PURGE").expect("a method name"), url)
                    .insert_header(("xkey", keys))
                    .send()
                    .await
                    .map_err(|error| anyhow!("{error}"))?
                    .status();
                if !status.is_success() {
                    bail!("it answered {status}");
                }
            }
            return Ok(());
        }
        (Kind::Grip(key), Message::Publish(items)) => {
            let body = serde_json::json!({ "items": items }).to_string();
            client
                .post(crate::grip::publish_url(url))
                .content_type("application/json")
                .insert_header(("Authorization", key.bearer(Utc::now())))
                .send_body(body)
                .await
                .map_err(|error| anyhow!("{error}"))?
                .status()
        }
        (Kind::WebSub, Message::Ping(feeds)) => {
            for feed in feeds {
                let status = client
                    .post(url)
                    .send_form(&[("hub.mode", "publish"), ("hub.url", feed.as_str())])
                    .await
                    .map_err(|error| anyhow!("{error}"))?
                    .status();
                if !status.is_success() {
                    bail!("it answered {status} for {feed}");
                }
            }
            return Ok(());
        }
        (kind, message) => bail!("a {kind:?} target cannot take {message:?}"),
    };
    if !status.is_success() {
        bail!("it answered {status}");
    }
    Ok(())
}

/// Longest `xkey` header sent, in bytes: well under the 8 KiB a Varnish
/// request header may be by default.
const MAX_KEYS_HEADER: usize = 4096;

/// Keys joined by spaces into as few headers as fit [`MAX_KEYS_HEADER`].
fn header_sized(keys: &BTreeSet<String>) -> Vec<String> {
    let mut headers = vec![String::new()];
    for key in keys {
        let current = headers.last_mut().expect("never empty");
        if !current.is_empty() && current.len() + 1 + key.len() > MAX_KEYS_HEADER {
            headers.push(key.clone());
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(key);
        }
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_messages_merge_in_order() {
        let mut purge = Message::Purge(BTreeSet::from(["story-1".to_owned()]));
        purge.merge(Message::Purge(BTreeSet::from([
            "front".to_owned(),
            "story-1".to_owned(),
        ])));
        assert_eq!(
            purge,
            Message::Purge(BTreeSet::from(["front".to_owned(), "story-1".to_owned()]))
        );
        let mut publish = Message::Publish(vec![serde_json::json!(1)]);
        publish.merge(Message::Publish(vec![serde_json::json!(2)]));
        assert_eq!(
            publish,
            Message::Publish(vec![serde_json::json!(1), serde_json::json!(2)])
        );
    }

    #[test]
    fn many_keys_are_purged_in_headers_a_cache_accepts() {
        let keys: BTreeSet<String> = (0..2000).map(|id| format!("story-{id}")).collect();
        let headers = header_sized(&keys);
        assert!(headers.len() > 1);
        assert!(headers.iter().all(|h| h.len() <= MAX_KEYS_HEADER));
        let sent: BTreeSet<String> = headers
            .iter()
            .flat_map(|h| h.split(' ').map(str::to_owned))
            .collect();
        assert_eq!(sent, keys);
        assert_eq!(
            header_sized(&BTreeSet::from(["front".to_owned()])),
            ["front"]
        );
    }

    #[test]
    fn only_plain_http_targets_are_accepted() {
        for url in ["https://cache.example/", "cache.example", "/relative"] {
            assert!(Target::start(Kind::Cache, url).is_err(), "{url}");
        }
    }
}
