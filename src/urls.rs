//! Every public address of the site, in one place: pages, update permalinks,
//! feeds, sitemaps, figures and static assets. Handlers, feeds, WebSub pings
//! and templates all ask here, so an address never has two spellings.
//!
//! Functions return paths relative to the site root; [`absolute`] prefixes
//! the configured site URL where a link must stand on its own (feeds,
//! sitemaps, structured data, canonical links).

/// The front page.
pub const HOME: &str = "/";
/// The site's RSS feed of its latest stories.
pub const SITE_RSS: &str = "/feed.xml";
/// The Atom twin of [`SITE_RSS`].
pub const SITE_ATOM: &str = "/atom.xml";
/// The sitemap index, for crawlers: its pages and the news sitemap.
pub const SITEMAP: &str = "/sitemap.xml";
/// The last two days' stories, in Google News' sitemap format.
pub const NEWS_SITEMAP: &str = "/sitemap-news.xml";

/// Page `number` (from 1) of the sitemap, which the sitemap index lists.
pub fn sitemap_page(number: i64) -> String {
    format!("/sitemap-{number}.xml")
}

/// What every story's address starts with.
const STORY_PREFIX: &str = "/news/";

/// `path` on the site at `site_url` (given without a trailing slash).
pub fn absolute(site_url: &str, path: &str) -> String {
    format!("{site_url}{path}")
}

/// What every uploaded file's address starts with.
pub const MEDIA_PREFIX: &str = "/media/";

/// An uploaded photo's or video's file, by its content-addressed name.
pub fn media(name: &str) -> String {
    format!("{MEDIA_PREFIX}{name}")
}

/// A story's page.
pub fn story(slug: &str) -> String {
    format!("{STORY_PREFIX}{slug}")
}

/// The slug a story address names (`/news/{slug}`, with or without a
/// trailing slash), if `path` is one: how `READ MORE:` links are recognised.
pub fn story_slug(path: &str) -> Option<&str> {
    Some(path.strip_prefix(STORY_PREFIX)?.trim_end_matches('/'))
}

/// A live update's permalink: the story page that holds it, scrolled to it.
pub fn update(slug: &str, id: i64) -> String {
    format!("{}?update={id}{}", story(slug), update_anchor(id))
}

/// A live update's place on a page already showing it.
pub fn update_anchor(id: i64) -> String {
    format!("#update-{id}")
}

/// A story's updates oldest first, from the start.
pub fn story_oldest_first(slug: &str) -> String {
    format!("{}?order=oldest", story(slug))
}

/// The next page of a story's updates oldest first: those after update `id`.
pub fn story_oldest_after(slug: &str, id: i64) -> String {
    format!("{}&after={id}", story_oldest_first(slug))
}

/// The next page of a story's updates newest first: those before update `id`.
pub fn story_newest_before(slug: &str, id: i64) -> String {
    format!("{}?before={id}", story(slug))
}

/// A story's live stream (Server-Sent Events), resuming after `cursor`.
pub fn story_events(slug: &str, cursor: i64) -> String {
    format!("{}/events?since={cursor}", story(slug))
}

/// A story's changes after a cursor, for readers without EventSource.
pub fn story_changes(slug: &str) -> String {
    format!("{}/updates", story(slug))
}

/// RSS of a story's live updates.
pub fn story_rss(slug: &str) -> String {
    format!("{}/feed.xml", story(slug))
}

/// Atom of a story's live updates, with tombstones for deleted ones.
pub fn story_atom(slug: &str) -> String {
    format!("{}/atom.xml", story(slug))
}

/// A story's figures as JSON.
pub fn figures_json(slug: &str) -> String {
    format!("{}/figures.json", story(slug))
}

/// A story's figures as CSV.
pub fn figures_csv(slug: &str) -> String {
    format!("{}/figures.csv", story(slug))
}

/// A topic's page.
pub fn topic(slug: &str) -> String {
    format!("/topics/{slug}")
}

/// RSS of a topic's stories.
pub fn topic_rss(slug: &str) -> String {
    format!("{}/feed.xml", topic(slug))
}

/// A static asset, with its content hash as the version so it can be cached for a year.
pub fn asset(name: &str, version: &str) -> String {
    format!("/static/{name}?v={version}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_keep_their_spelling() {
        assert_eq!(update("pickets", 9), "/news/pickets?update=9#update-9");
        assert_eq!(story_oldest_after("p", 3), "/news/p?order=oldest&after=3");
        assert_eq!(topic_rss("health"), "/topics/health/feed.xml");
        assert_eq!(
            absolute("https://n.example", SITE_ATOM),
            "https://n.example/atom.xml"
        );
    }

    #[test]
    fn story_addresses_name_their_slug() {
        assert_eq!(story_slug("/news/pickets/"), Some("pickets"));
        assert_eq!(story_slug("/topics/health"), None);
    }
}
