//! WebSub publishing: when a feed changes, tell the configured hub
//! (`hub.mode=publish`), which fetches the feed and pushes it to subscribers.
//!
//! Pings go out through [`crate::outbound`]: retried with backoff, never
//! failing or delaying a write. Pings still waiting when the process stops
//! are lost: the next publish pings again, and subscribers' own polling
//! catches up.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::db::feeds::StoryFeedNames;
use crate::outbound::{Kind, Message, Target};
use crate::urls;

/// The WebSub hub, if one is configured. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct WebSub(Option<Arc<Hub>>);

#[derive(Debug)]
struct Hub {
    target: Target,
    /// The site's public base URL: hubs are given absolute feed URLs.
    site_url: String,
}

impl WebSub {
    /// Checks the hub URL and starts its sender; without a hub, pings nothing.
    pub fn start(hub: Option<&str>, site_url: &str) -> anyhow::Result<WebSub> {
        let Some(hub) = hub else {
            return Ok(WebSub::default());
        };
        Ok(WebSub(Some(Arc::new(Hub {
            target: Target::start(Kind::WebSub, hub)?,
            site_url: site_url.to_owned(),
        }))))
    }

    /// The hub that feeds advertise with `rel="hub"`.
    pub fn hub(&self) -> Option<&str> {
        self.0.as_deref().map(|hub| hub.target.url.as_str())
    }

    /// Its sender, for `/healthz`.
    pub fn target(&self) -> Option<&Target> {
        self.0.as_deref().map(|hub| &hub.target)
    }

    /// Tells the hub that a story changed, so that it fetches the site
    /// feeds, the story's own feeds and its topics' feeds (`story`: `None`
    /// when the story is gone). Called by the after-commit module for every
    /// committed change; returns at once.
    pub fn story_changed(&self, story: Option<&StoryFeedNames>) {
        if let Some(hub) = &self.0 {
            hub.target
                .send(Message::Ping(changed_feeds(&hub.site_url, story)));
        }
    }
}

/// Absolute URLs of every feed that shows the story.
fn changed_feeds(site_url: &str, story: Option<&StoryFeedNames>) -> BTreeSet<String> {
    let mut feeds = vec![urls::SITE_RSS.to_owned(), urls::SITE_ATOM.to_owned()];
    if let Some(story) = story {
        // A draft has no feeds of its own, but its save may have taken it out of these.
        if story.published {
            feeds.extend([urls::story_rss(&story.slug), urls::story_atom(&story.slug)]);
        }
        feeds.extend(story.topics.iter().map(|topic| urls::topic_rss(topic)));
    }
    feeds
        .iter()
        .map(|path| format!("{site_url}{path}"))
        .collect()
}
