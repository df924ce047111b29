//! CSS, JavaScript and the icon, compiled into the binary and served with a
//! content hash in the URL, so browsers and caches may keep them for a year.

use std::sync::LazyLock;

use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};
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

/// Short content hash of every asset, computed once.
static VERSIONS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            Sha256::digest(a.body.as_bytes())[..6]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        })
        .collect()
});

/// Where `name` sits in [`ASSETS`] (and [`VERSIONS`]), if it is one.
fn position(name: &str) -> Option<usize> {
    ASSETS.iter().position(|a| a.name == name)
}

/// The URL of an asset, versioned by its content: `/static/site.css?v=1a2b3c4d5e6f`.
pub fn url(name: &str) -> String {
    let index = position(name).expect("templates name known assets");
    urls::asset(name, &VERSIONS[index])
}

/// `GET /static/{name}`.
pub async fn asset(name: web::Path<String>) -> AppResult<HttpResponse> {
    let index = position(&name).ok_or(AppError::NotFound)?;
    Ok(serve(&ASSETS[index], "public, max-age=31536000, immutable"))
}

/// `GET /favicon.ico`: the icon, for browsers and feed readers that ask there
/// without reading the page's `<link rel="icon">`. Its address carries no
/// version, so caches keep it a day rather than a year.
pub async fn favicon() -> HttpResponse {
    let index = position("favicon.svg").expect("the icon is an asset");
    serve(&ASSETS[index], "public, max-age=86400")
}

fn serve(asset: &Asset, cache_control: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header(("Cache-Control", cache_control))
        .body(asset.body)
}
