//! CSS, JavaScript and the icon, compiled into the binary and served with a
//! content hash in the URL, so browsers and caches may keep them for a year.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::encoding::{self, Coding, Variants};
use crate::error::{AppError, AppResult};
use crate::handlers::respond;
use crate::urls;

struct Asset {
    name: &'static str,
    body: &'static str,
    content_type: &'static str,
}

const ASSETS: [Asset; 7] = [
    Asset {
        name: "site.css",
        body: include_str!("../../static/site.css"),
        content_type: "text/css; charset=utf-8",
    },
    Asset {
        name: "admin.js",
        body: include_str!("../../static/admin.js"),
        content_type: "text/javascript; charset=utf-8",
    },
    Asset {
        name: "drafts.js",
        body: include_str!("../../static/drafts.js"),
        content_type: "text/javascript; charset=utf-8",
    },
    Asset {
        name: "live.js",
        body: include_str!("../../static/live.js"),
        content_type: "text/javascript; charset=utf-8",
    },
    Asset {
        name: "embeds.js",
        body: include_str!("../../static/embeds.js"),
        content_type: "text/javascript; charset=utf-8",
    },
    Asset {
        name: "favicon.svg",
        body: include_str!("../../static/favicon.svg"),
        content_type: "image/svg+xml",
    },
    // The poster of an uploaded video without one (`content::videos`):
    // stored pages name it without a version, so it should rarely change.
    Asset {
        name: "video-poster.svg",
        body: include_str!("../../static/video-poster.svg"),
        content_type: "image/svg+xml",
    },
];

/// Every asset's version (a short content hash) and compressed variants,
/// made once per process (brotli at its best quality: about 60 ms for all).
static PREPARED: LazyLock<Vec<Prepared>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            let body = Bytes::from_static(a.body.as_bytes());
            Prepared {
                version: Sha256::digest(&body)[..6]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect(),
                compressed: Variants::made_now(&body, encoding::ASSET_QUALITY),
                body,
            }
        })
        .collect()
});

struct Prepared {
    version: String,
    body: Bytes,
    compressed: Variants,
}

/// Compresses every asset now, so that no reader waits for it: at start.
pub fn prepare() {
    LazyLock::force(&PREPARED);
}

/// Where `name` sits in [`ASSETS`] (and [`PREPARED`]), if it is one.
fn position(name: &str) -> Option<usize> {
    ASSETS.iter().position(|a| a.name == name)
}

/// The URL of an asset, versioned by its content: `/static/site.css?v=1a2b3c4d5e6f`.
pub fn url(name: &str) -> String {
    let index = position(name).expect("templates name known assets");
    urls::asset(name, &PREPARED[index].version)
}

/// `GET /static/{name}`.
pub async fn asset(req: HttpRequest, name: web::Path<String>) -> AppResult<HttpResponse> {
    let index = position(&name).ok_or(AppError::NotFound)?;
    Ok(serve(&req, index, "public, max-age=31536000, immutable"))
}

/// `GET /favicon.ico`: the icon, for browsers and feed readers that ask there
/// without reading the page's `<link rel="icon">`. Its address carries no
/// version, so caches keep it a day rather than a year.
pub async fn favicon(req: HttpRequest) -> HttpResponse {
    let index = position("favicon.svg").expect("the icon is an asset");
    serve(&req, index, "public, max-age=86400")
}

/// The asset at `index` in the coding the client prefers, tagged by its
/// version and coding; 304 when the client has that variant.
fn serve(req: &HttpRequest, index: usize, cache_control: &'static str) -> HttpResponse {
    let prepared = &PREPARED[index];
    let coding = Coding::accepted_by(req);
    let etag = coding.etag(&format!("\"{}\"", prepared.version));
    let unchanged = respond::none_match(req, &etag).unwrap_or(false);
    let mut response = respond::validated(unchanged, etag);
    response.insert_header((header::CACHE_CONTROL, cache_control));
    if unchanged {
        return response.finish();
    }
    let body = prepared
        .compressed
        .get(coding, &prepared.body, encoding::ASSET_QUALITY);
    respond::encoded(&mut response, coding, ASSETS[index].content_type, body)
}
