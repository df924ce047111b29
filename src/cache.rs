//! Rendered pages kept in memory, so a page view is a hash lookup.
//!
//! Entries are keyed by what the handler parsed from the request (never the
//! raw URL), weighed by their bytes, and a burst of misses for one page
//! renders it once (moka's single flight). Each page names what it shows
//! (its [`SurrogateKey`]s); a committed change purges the keys it touched
//! (see `after_commit`), and a page filed under one of them is rendered
//! again on its next request. A page whose render began before such a purge
//! is never served after it: it may have read the database before the
//! commit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::csp::PagePolicy;
use crate::encoding::{self, Coding, Variants};
use crate::error::{AppError, AppResult};
use crate::freshness::Lifetime;
use crate::surrogate::SurrogateKey;

/// One rendered page and its validators.
#[derive(Debug)]
pub struct CachedPage {
    pub body: Bytes,
    pub etag: String,
    pub content_type: &'static str,
    /// When the newest thing in the page changed, sent as `Last-Modified`.
    /// `None` for HTML pages, which are validated by their ETag alone.
    pub last_modified: Option<DateTime<Utc>>,
    /// How long browsers and caches in front may keep it.
    pub lifetime: Lifetime,
    /// What the page shows, for purging it here and in caches in front.
    pub keys: Vec<SurrogateKey>,
    /// Its Content-Security-Policy: wider when it shows videos.
    pub policy: PagePolicy,
    /// The purge count when its render began (see [`PageCache`]).
    rendered_after: u64,
    /// The gzip and brotli variants, each made on the first request that
    /// accepts it.
    compressed: Variants,
}

impl CachedPage {
    /// A page showing what `keys` name, validated by its ETag.
    pub fn new(body: String, content_type: &'static str, keys: Vec<SurrogateKey>) -> CachedPage {
        let digest = Sha256::digest(body.as_bytes());
        let etag = format!("\"{}\"", hex(&digest[..12]));
        CachedPage {
            body: Bytes::from(body),
            etag,
            content_type,
            last_modified: None,
            lifetime: Lifetime::Page,
            keys,
            policy: PagePolicy::Default,
            rendered_after: 0,
            compressed: Variants::default(),
        }
    }

    /// The body in `coding`, compressed once and then shared by every request.
    pub fn encoded(&self, coding: Coding) -> Bytes {
        self.compressed
            .get(coding, &self.body, encoding::page_quality(self.body.len()))
    }

    /// The same page under its own Content-Security-Policy.
    pub fn with_policy(self, policy: PagePolicy) -> CachedPage {
        CachedPage { policy, ..self }
    }

    /// The same page with a `Last-Modified` time and its own lifetime.
    pub fn dated(self, last_modified: DateTime<Utc>, lifetime: Lifetime) -> CachedPage {
        CachedPage {
            last_modified: Some(last_modified),
            lifetime,
            ..self
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes an entry costs besides its body: key, validators, bookkeeping.
const ENTRY_OVERHEAD: u64 = 512;

/// Renders of one page tried before a request gives up on caching it: each
/// retry means a write purged the page while it rendered.
const RENDER_TRIES: usize = 2;

/// The pages rendered since the writes that changed them, bounded by bytes.
///
/// Purges are counted. A page remembers the count when its render began, and
/// each key the count of its latest purge; a page is current while none of
/// its keys was purged after its render began. Stale pages are dropped when
/// next asked for, or evicted like any other.
pub struct PageCache {
    /// `None` when the cache is turned off (every request renders).
    pages: Option<moka::future::Cache<String, Arc<CachedPage>>>,
    /// Purges so far.
    purges: AtomicU64,
    /// The purge count of the last [`PageCache::clear`], which purged every key.
    cleared: AtomicU64,
    /// The purge count of each key's latest purge.
    purged: RwLock<HashMap<SurrogateKey, u64>>,
    /// Pages rendered so far: what tests and operators compare hits against.
    renders: AtomicU64,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("pages", &self.pages.as_ref().map(|p| p.entry_count()))
            .field("purges", &self.purges)
            .finish()
    }
}

impl PageCache {
    /// A cache holding up to `max_bytes` of pages (their gzip and brotli
    /// variants, each 14–33% of a page, counted as half the body); 0 turns
    /// it off.
    pub fn new(max_bytes: u64) -> PageCache {
        let pages = (max_bytes > 0).then(|| {
            moka::future::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|key: &String, page: &Arc<CachedPage>| {
                    let bytes = page.body.len() as u64 * 3 / 2 + key.len() as u64 + ENTRY_OVERHEAD;
                    u32::try_from(bytes).unwrap_or(u32::MAX)
                })
                .build()
        });
        PageCache {
            pages,
            purges: AtomicU64::new(0),
            cleared: AtomicU64::new(0),
            purged: RwLock::default(),
            renders: AtomicU64::new(0),
        }
    }

    /// How many pages were rendered so far (every miss, and every request
    /// when the cache is off).
    pub fn renders(&self) -> u64 {
        self.renders.load(Ordering::Relaxed)
    }

    /// The page stored under `key`, rendered by `render` on a miss. Requests
    /// arriving while it renders wait for that render instead of starting
    /// their own; a render overtaken by a purge of its page is done again.
    pub async fn get_or_render<F, Fut>(&self, key: String, render: F) -> AppResult<Arc<CachedPage>>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = AppResult<CachedPage>>,
    {
        if let Some(pages) = &self.pages {
            for _ in 0..RENDER_TRIES {
                let page = pages
                    .try_get_with(key.clone(), self.render_counted(&render))
                    .await
                    .map_err(AppError::from)?;
                if self.is_current(&page) {
                    return Ok(page);
                }
                pages.invalidate(&key).await;
            }
        }
        // Off, or writes keep landing on this page: render it for this request only.
        self.render_counted(&render).await
    }

    async fn render_counted<F, Fut>(&self, render: &F) -> AppResult<Arc<CachedPage>>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = AppResult<CachedPage>>,
    {
        let rendered_after = self.purges.load(Ordering::Acquire);
        self.renders.fetch_add(1, Ordering::Relaxed);
        let page = render().await?;
        Ok(Arc::new(CachedPage {
            rendered_after,
            ..page
        }))
    }

    /// Whether no key of the page was purged since its render began.
    fn is_current(&self, page: &CachedPage) -> bool {
        if self.cleared.load(Ordering::Acquire) > page.rendered_after {
            return false;
        }
        let purged = self.purged.read().expect("purge table lock");
        page.keys
            .iter()
            .all(|key| purged.get(key).is_none_or(|at| *at <= page.rendered_after))
    }

    /// Drops every page filed under any of `keys`; called after each committed change.
    pub fn purge(&self, keys: &[SurrogateKey]) {
        let mut purged = self.purged.write().expect("purge table lock");
        let at = self.purges.fetch_add(1, Ordering::AcqRel) + 1;
        for key in keys {
            purged.insert(key.clone(), at);
        }
    }

    /// Forgets every page: after a commit that named no change (an
    /// operator's fix in the sqlite3 shell) and after a start-up import.
    pub fn clear(&self) {
        let at = self.purges.fetch_add(1, Ordering::AcqRel) + 1;
        self.cleared.store(at, Ordering::Release);
        if let Some(pages) = &self.pages {
            pages.invalidate_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// Renders a page about story 1 after a pause, counting how often it was asked to.
    async fn slow_render(renders: &AtomicUsize) -> AppResult<CachedPage> {
        renders.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        Ok(CachedPage::new(
            "<p>page</p>".to_owned(),
            "text/html",
            vec![SurrogateKey::Story(1), SurrogateKey::Front],
        ))
    }

    #[tokio::test]
    async fn a_burst_of_misses_for_one_page_renders_it_once() {
        let cache = PageCache::new(1024 * 1024);
        let renders = AtomicUsize::new(0);
        let pages = futures_util::future::join_all(
            (0..16).map(|_| cache.get_or_render("/".to_owned(), || slow_render(&renders))),
        )
        .await;
        assert!(pages.iter().all(Result::is_ok));
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_purge_renders_again_exactly_the_pages_filed_under_its_keys() {
        let renders = AtomicUsize::new(0);
        let other_renders = AtomicUsize::new(0);
        let cache = PageCache::new(1024 * 1024);
        let other = || async {
            other_renders.fetch_add(1, Ordering::SeqCst);
            Ok(CachedPage::new(
                "<p>other</p>".to_owned(),
                "text/html",
                vec![SurrogateKey::Story(2)],
            ))
        };
        for _ in 0..2 {
            cache
                .get_or_render("/".to_owned(), || slow_render(&renders))
                .await
                .unwrap();
            cache
                .get_or_render("/other".to_owned(), other)
                .await
                .unwrap();
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1, "the second is a hit");
        cache.purge(&[SurrogateKey::Story(1)]);
        cache
            .get_or_render("/".to_owned(), || slow_render(&renders))
            .await
            .unwrap();
        cache
            .get_or_render("/other".to_owned(), other)
            .await
            .unwrap();
        assert_eq!(
            renders.load(Ordering::SeqCst),
            2,
            "a write forgets the page"
        );
        assert_eq!(
            other_renders.load(Ordering::SeqCst),
            1,
            "and only that page"
        );

        cache.clear();
        cache
            .get_or_render("/other".to_owned(), other)
            .await
            .unwrap();
        assert_eq!(
            other_renders.load(Ordering::SeqCst),
            2,
            "clearing forgets all"
        );
    }

    #[tokio::test]
    async fn a_render_overtaken_by_a_purge_is_never_served_after_it() {
        let cache = Arc::new(PageCache::new(1024 * 1024));
        let renders = Arc::new(AtomicUsize::new(0));
        // A request starts rendering; a write purges its page meanwhile.
        let early = tokio::spawn({
            let (cache, renders) = (cache.clone(), renders.clone());
            async move {
                cache
                    .get_or_render("/".to_owned(), || slow_render(&renders))
                    .await
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        cache.purge(&[SurrogateKey::Front]);
        // A request after the write joins no render that began before it.
        cache
            .get_or_render("/".to_owned(), || slow_render(&renders))
            .await
            .unwrap();
        early.await.unwrap().unwrap();
        assert_eq!(renders.load(Ordering::SeqCst), 2);
        cache
            .get_or_render("/".to_owned(), || slow_render(&renders))
            .await
            .unwrap();
        assert_eq!(
            renders.load(Ordering::SeqCst),
            2,
            "the fresh render is kept"
        );
    }

    #[tokio::test]
    async fn an_off_cache_always_renders() {
        let renders = AtomicUsize::new(0);
        let off = PageCache::new(0);
        off.get_or_render("/".to_owned(), || slow_render(&renders))
            .await
            .unwrap();
        off.get_or_render("/".to_owned(), || slow_render(&renders))
            .await
            .unwrap();
        assert_eq!(renders.load(Ordering::SeqCst), 2);
    }
}
