//! Rendered pages kept in memory, so a page view is a hash lookup.
//!
//! Every write clears the cache (see `publishing`): a reader never sees a page
//! older than the last publish. A generation counter stops a render that began
//! before a write from being stored after it.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{OnceLock, RwLock};

use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// Most pages kept at once; past it the cache starts again, so that crawlers
/// walking `?before=` pages cannot grow it without bound.
const MAX_PAGES: usize = 2_000;

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

#[derive(Debug, Default)]
pub struct PageCache {
    pages: RwLock<HashMap<String, std::sync::Arc<CachedPage>>>,
    generation: AtomicU64,
}

impl PageCache {
    pub fn get(&self, key: &str) -> Option<std::sync::Arc<CachedPage>> {
        self.pages
            .read()
            .expect("page cache lock")
            .get(key)
            .cloned()
    }

    /// The generation to pass to [`PageCache::insert`] for a render starting now.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Stores a page rendered during `generation`, unless a write happened since.
    pub fn insert(&self, key: String, page: std::sync::Arc<CachedPage>, generation: u64) {
        let mut pages = self.pages.write().expect("page cache lock");
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(key, page);
    }

    /// Forgets every page; called after each committed write.
    pub fn clear(&self) {
        let mut pages = self.pages.write().expect("page cache lock");
        self.generation.fetch_add(1, Ordering::AcqRel);
        pages.clear();
    }
}
