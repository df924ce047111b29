//! Feeds and sitemaps: RSS 2.0 and Atom 1.0 of published stories and of a
//! story's live updates, and sitemaps for crawlers.
//!
//! Every document is written by its format's own crate (`rss`,
//! `atom_syndication`) or by an askama XML template, so every value is
//! escaped. Each is served through the page cache with an ETag and a
//! `Last-Modified` taken from its content, never from the clock: a feed's bytes
//! change exactly when what it lists changes, and polling it costs a 304.

use crate::Newsroom;

mod document;
mod markup;
pub mod sitemap;
pub mod stories;
pub mod updates;

/// The publication's name, as feeds and the news sitemap give it.
pub const PUBLICATION: &str = "Calder Valley Courier";

/// Media type of RSS 2.0 feeds.
pub const RSS: &str = "application/rss+xml; charset=utf-8";
/// Media type of Atom 1.0 feeds.
pub const ATOM: &str = "application/atom+xml; charset=utf-8";
/// Media type of sitemaps.
pub const XML: &str = "application/xml; charset=utf-8";

/// `path` on this site, as an absolute URL.
pub fn absolute(room: &Newsroom, path: &str) -> String {
    format!("{}{path}", room.site_url)
}

/// Where each feed lives, relative to the site URL: one place for the feeds'
/// `rel="self"` links and the URLs pinged at the WebSub hub, which must agree.
pub mod paths {
    /// The site's RSS feed of its latest stories.
    pub const SITE_RSS: &str = "/feed.xml";
    /// The Atom twin of [`SITE_RSS`].
    pub const SITE_ATOM: &str = "/atom.xml";

    /// A story's page, which its update feeds follow.
    pub fn story(slug: &str) -> String {
        format!("/news/{slug}")
    }

    /// A live update's permalink on its story's page.
    pub fn update(slug: &str, id: i64) -> String {
        format!("/news/{slug}?update={id}#update-{id}")
    }

    /// RSS of a story's live updates.
    pub fn story_rss(slug: &str) -> String {
        format!("/news/{slug}/feed.xml")
    }

    /// Atom of a story's live updates, with tombstones for deleted ones.
    pub fn story_atom(slug: &str) -> String {
        format!("/news/{slug}/atom.xml")
    }

    /// A topic's page.
    pub fn topic(slug: &str) -> String {
        format!("/topics/{slug}")
    }

    /// RSS of a topic's stories.
    pub fn topic_rss(slug: &str) -> String {
        format!("/topics/{slug}/feed.xml")
    }
}
