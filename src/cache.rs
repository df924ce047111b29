//! Rendered pages kept in memory, so a page view is a hash lookup.
//!
//! Every committed change clears the cache (see `after_commit`): a reader
//! never sees a page older than the last publish. Entries are keyed by what
//! the handler parsed from the request (never the raw URL), weighed by their
//! bytes, and a burst of misses for one page renders it once (moka's single
//! flight). A generation number in the key stops a render that began before
//! a write from being found after it.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// `Cache-Control` of HTML pages: `no-cache` makes browsers and caches
/// revalidate every time, which costs a 304 and means nobody is shown a page
/// older than the last publish.
pub const REVALIDATE: &str = "public, no-cache";

/// One rendered page and its validators.
#[derive(Debug)]
pub struct CachedPage {
    pub body: Bytes,
    pub etag: String,
    pub content_type: &'static str,
    /// When the newest thing in the page changed, sent as `Last-Modified`.
    /// `None` for HTML pages, which are validated by their ETag alone.
    pub last_modified: Option<DateTime<Utc>>,
    /// The `Cache-Control` header it is served with.
    pub cache_control: &'static str,
    /// The gzip variant, made on the first request that accepts it.
    gzipped: OnceLock<Bytes>,
}

impl CachedPage {
    /// A page validated by its ETag and revalidated on every use ([`REVALIDATE`]).
    pub fn new(body: String, content_type: &'static str) -> CachedPage {
        let digest = Sha256::digest(body.as_bytes());
        let etag = format!("\"{}\"", hex(&digest[..12]));
        CachedPage {
            body: Bytes::from(body),
            etag,
            content_type,
            last_modified: None,
            cache_control: REVALIDATE,
            gzipped: OnceLock::new(),
        }
    }

    /// The body gzipped, compressed once and then shared by every request.
    pub fn gzipped(&self) -> &Bytes {
        self.gzipped.get_or_init(|| {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(&self.body).expect("writing to memory");
            Bytes::from(encoder.finish().expect("writing to memory"))
        })
    }

    /// The ETag of the gzip variant: a different representation needs its own tag.
    pub fn gzip_etag(&self) -> String {
        format!("{}-gzip\"", self.etag.trim_end_matches('"'))
    }

    /// The same page with a `Last-Modified` time and its own `Cache-Control`.
    pub fn dated(self, last_modified: DateTime<Utc>, cache_control: &'static str) -> CachedPage {
        CachedPage {
            last_modified: Some(last_modified),
            cache_control,
            ..self
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes an entry costs besides its body: key, validators, bookkeeping.
const ENTRY_OVERHEAD: u64 = 512;

/// The pages rendered since the last write, bounded by bytes.
pub struct PageCache {
    /// `None` when the cache is turned off (every request renders).
    pages: Option<moka::future::Cache<(u64, String), Arc<CachedPage>>>,
    generation: AtomicU64,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("pages", &self.pages.as_ref().map(|p| p.entry_count()))
            .finish()
    }
}

impl PageCache {
    /// A cache holding up to `max_bytes` of pages (their gzip variants
    /// counted as a third of the body); 0 turns it off.
    pub fn new(max_bytes: u64) -> PageCache {
        let pages = (max_bytes > 0).then(|| {
            moka::future::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|(_, key): &(u64, String), page: &Arc<CachedPage>| {
                    let bytes = page.body.len() as u64 * 4 / 3 + key.len() as u64 + ENTRY_OVERHEAD;
                    u32::try_from(bytes).unwrap_or(u32::MAX)
                })
                .build()
        });
        PageCache {
            pages,
            generation: AtomicU64::new(0),
        }
    }

    /// The page stored under `key`, rendered by `render` on a miss. Requests
    /// arriving while it renders wait for that render instead of starting their own.
    pub async fn get_or_render<F>(&self, key: String, render: F) -> AppResult<Arc<CachedPage>>
    where
        F: Future<Output = AppResult<CachedPage>>,
    {
        let Some(pages) = &self.pages else {
            return render.await.map(Arc::new);
        };
        let generation = self.generation.load(Ordering::Acquire);
        pages
            .try_get_with((generation, key), async { render.await.map(Arc::new) })
            .await
            .map_err(AppError::from)
    }

    /// Forgets every page; called after each committed change.
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(pages) = &self.pages {
            pages.invalidate_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// Renders a page after a pause, counting how often it was asked to.
    async fn slow_render(renders: &AtomicUsize) -> AppResult<CachedPage> {
        renders.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        Ok(CachedPage::new("<p>page</p>".to_owned(), "text/html"))
    }

    #[tokio::test]
    async fn a_burst_of_misses_for_one_page_renders_it_once() {
        let cache = PageCache::new(1024 * 1024);
        let renders = AtomicUsize::new(0);
        let pages = futures_util::future::join_all(
            (0..16).map(|_| cache.get_or_render("/".to_owned(), slow_render(&renders))),
        )
        .await;
        assert!(pages.iter().all(Result::is_ok));
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_cleared_cache_renders_again_and_an_off_cache_always_renders() {
        let renders = AtomicUsize::new(0);
        let cache = PageCache::new(1024 * 1024);
        cache
            .get_or_render("/".to_owned(), slow_render(&renders))
            .await
            .unwrap();
        cache
            .get_or_render("/".to_owned(), slow_render(&renders))
            .await
            .unwrap();
        assert_eq!(renders.load(Ordering::SeqCst), 1, "the second is a hit");
        cache.clear();
        cache
            .get_or_render("/".to_owned(), slow_render(&renders))
            .await
            .unwrap();
        assert_eq!(
            renders.load(Ordering::SeqCst),
            2,
            "a write forgets the page"
        );

        let off = PageCache::new(0);
        off.get_or_render("/".to_owned(), slow_render(&renders))
            .await
            .unwrap();
        off.get_or_render("/".to_owned(), slow_render(&renders))
            .await
            .unwrap();
        assert_eq!(renders.load(Ordering::SeqCst), 4);
    }
}
