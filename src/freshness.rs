//! How long browsers and shared caches may keep what newsdesk serves: the
//! `Cache-Control` of every cacheable response, in one place.
//!
//! Browsers always ask again (`max-age=0`, or a minute for feeds): a reader
//! who reloads sees the latest publish. A shared cache in front (Varnish, a
//! CDN) may keep a response for `--shared-max-age` seconds, because every
//! write purges exactly what it changed (`--purge-url`, surrogate keys):
//! lifetime there is only a safety net for a purge that was lost, and the
//! stale allowances let the cache answer at once while it refetches, or
//! while the origin is down.

/// `Cache-Control` of what no cache may keep: admin pages (they carry a CSRF
/// token), anything that sets a cookie, errors.
pub const PRIVATE: &str = "private, no-store";

/// What kind of response it is, which decides its lifetimes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// Reader pages and their data (HTML, figures).
    Page,
    /// Documents that machines poll: feeds and sitemaps.
    Polled,
    /// The live polling answer (`/updates?after=`): many readers poll the
    /// same cursor, so a shared cache absorbs them, but only briefly.
    LivePoll,
}

/// Seconds a feed reader may keep a feed: they poll every few minutes, and
/// WebSub subscribers hear of a change at once anyway.
const FEED_READER_SECONDS: u64 = 60;

/// Most seconds a shared cache keeps a live poll, purge or no purge.
const LIVE_POLL_SECONDS: u64 = 5;

/// Seconds a shared cache may answer with a response past its lifetime
/// while it fetches a new one: a day. Only unpurged responses ever get this
/// old, and those are still current.
const STALE_WHILE_REVALIDATE: u64 = 24 * 3600;

/// Seconds a shared cache may keep answering while the origin fails: a week.
const STALE_IF_ERROR: u64 = 7 * 24 * 3600;

/// The `Cache-Control` values, built once from the configuration.
#[derive(Debug, Clone)]
pub struct Freshness {
    page: String,
    polled: String,
    live_poll: String,
}

impl Freshness {
    /// Lifetimes for a site whose shared caches may keep responses for
    /// `shared_seconds` (0: no shared cache is told it may keep anything
    /// longer than a browser).
    pub fn new(shared_seconds: u64) -> Freshness {
        if shared_seconds == 0 {
            return Freshness {
                page: "public, no-cache".to_owned(),
                polled: format!(
                    "public, max-age={FEED_READER_SECONDS}, stale-while-revalidate=300"
                ),
                live_poll: "no-store".to_owned(),
            };
        }
        let stale = format!(
            "stale-while-revalidate={STALE_WHILE_REVALIDATE}, stale-if-error={STALE_IF_ERROR}"
        );
        Freshness {
            page: format!("public, max-age=0, s-maxage={shared_seconds}, {stale}"),
            polled: format!(
                "public, max-age={FEED_READER_SECONDS}, s-maxage={}, {stale}",
                shared_seconds.max(FEED_READER_SECONDS)
            ),
            live_poll: format!(
                "public, max-age=0, s-maxage={}",
                shared_seconds.min(LIVE_POLL_SECONDS)
            ),
        }
    }

    /// The `Cache-Control` header for a response of this kind.
    pub fn cache_control(&self, lifetime: Lifetime) -> &str {
        match lifetime {
            Lifetime::Page => &self.page,
            Lifetime::Polled => &self.polled,
            Lifetime::LivePoll => &self.live_poll,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_shared_cache_browsers_revalidate_pages_and_nothing_else_keeps_them() {
        let freshness = Freshness::new(0);
        assert_eq!(freshness.cache_control(Lifetime::Page), "public, no-cache");
        assert!(
            !freshness
                .cache_control(Lifetime::Polled)
                .contains("s-maxage")
        );
        assert_eq!(freshness.cache_control(Lifetime::LivePoll), "no-store");
    }

    #[test]
    fn a_shared_cache_keeps_pages_long_and_serves_them_stale_longer() {
        let freshness = Freshness::new(3600);
        assert_eq!(
            freshness.cache_control(Lifetime::Page),
            "public, max-age=0, s-maxage=3600, stale-while-revalidate=86400, stale-if-error=604800"
        );
        assert!(
            freshness
                .cache_control(Lifetime::Polled)
                .starts_with("public, max-age=60, s-maxage=3600,")
        );
        assert_eq!(
            freshness.cache_control(Lifetime::LivePoll),
            "public, max-age=0, s-maxage=5"
        );
    }
}
