//! Feeds and sitemaps: RSS 2.0 and Atom 1.0 of published stories and of a
//! story's live updates, and sitemaps for crawlers.
//!
//! Every document is written by its format's own crate (`rss`,
//! `atom_syndication`) or by an askama XML template, so every value is
//! escaped. Each is served through the page cache with an ETag and a
//! `Last-Modified` taken from its content, never from the clock: a feed's bytes
//! change exactly when what it lists changes, and polling it costs a 304.

use crate::{Newsroom, urls};

mod document;
mod enclosure;
mod markup;
pub mod sitemap;
pub mod stories;
pub mod updates;

/// Media type of RSS 2.0 feeds.
pub const RSS: &str = "application/rss+xml; charset=utf-8";
/// Media type of Atom 1.0 feeds.
pub const ATOM: &str = "application/atom+xml; charset=utf-8";
/// Media type of sitemaps.
pub const XML: &str = "application/xml; charset=utf-8";

/// `path` on this site, as an absolute URL (feeds' links must stand on their own).
pub fn absolute(room: &Newsroom, path: &str) -> String {
    urls::absolute(&room.site_url, path)
}
