//! The HTTP caches in front (`--purge-url`: Varnish here, a CDN in
//! production), told after every commit which surrogate keys to drop.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::outbound::{Kind, Message, Target};
use crate::surrogate::SurrogateKey;

/// Longest a commit waits for a cache's first answer before readers are
/// told of the change (they may reload at once). A cache slower than this is
/// purged in the background, and retried if it failed.
const FIRST_ANSWER: Duration = Duration::from_millis(500);

/// The caches in front, if any.
#[derive(Debug, Default)]
pub struct Caches(Vec<Target>);

impl Caches {
    /// Checks each `--purge-url` and starts its sender.
    pub fn start(urls: &[String]) -> anyhow::Result<Caches> {
        let targets = urls
            .iter()
            .map(|url| Target::start(Kind::Cache, url))
            .collect::<anyhow::Result<_>>()?;
        Ok(Caches(targets))
    }

    /// Tells every cache to drop what is filed under `keys`; returns once
    /// each has answered the first try (or [`FIRST_ANSWER`] passed).
    pub async fn purge(&self, keys: &[SurrogateKey]) {
        let keys: BTreeSet<String> = keys.iter().map(ToString::to_string).collect();
        let purges = self
            .0
            .iter()
            .map(|cache| cache.send_and_wait(Message::Purge(keys.clone()), FIRST_ANSWER));
        futures_util::future::join_all(purges).await;
    }

    /// The senders, for `/healthz`.
    pub fn targets(&self) -> &[Target] {
        &self.0
    }
}
