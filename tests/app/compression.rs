//! Content codings: cached pages, feeds, sitemaps and static assets in
//! brotli and gzip, chosen by `Accept-Encoding` and its q-values, each
//! coding with its own ETag, and all decoding to the identity bytes.

use awc::http::StatusCode;

use crate::helpers::{RawResponse, TestApp};

const STORY: &str = "/news/junior-doctors-strike-live";

/// What a browser sends, what an old client sends, and nothing compressed.
const BROTLI: &str = "gzip, deflate, br, zstd";
const GZIP: &str = "gzip, deflate";
const IDENTITY: &str = "identity";

fn assert_identity(response: &RawResponse, what: &str) {
    assert!(
        matches!(
            response.header("content-encoding").as_deref(),
            None | Some("identity")
        ),
        "{what}: {:?}",
        response.header("content-encoding")
    );
}

/// Fetches `path` as identity, brotli and gzip clients; checks that each
/// gets its coding, decoding to the same bytes, under `Vary:
/// Accept-Encoding` and a tag of its own; then that each tag, sent back with
/// its own `Accept-Encoding`, gets a 304, and that it is a 200 for a client
/// asking for another coding. Returns the identity body.
async fn assert_each_coding_served_and_validated(app: &TestApp, path: &str) -> Vec<u8> {
    let plain = app
        .get_encoded(path, &[("Accept-Encoding", IDENTITY)])
        .await;
    assert_eq!(plain.status, StatusCode::OK, "{path}");
    assert_identity(&plain, path);
    let mut tags = Vec::new();
    for (accept, coding) in [(IDENTITY, None), (BROTLI, Some("br")), (GZIP, Some("gzip"))] {
        let response = app.get_encoded(path, &[("Accept-Encoding", accept)]).await;
        assert_eq!(response.status, StatusCode::OK, "{path} {accept}");
        if let Some(coding) = coding {
            assert_eq!(
                response.header("content-encoding").as_deref(),
                Some(coding),
                "{path} {accept}"
            );
            if plain.body.len() > 1024 {
                assert!(response.body.len() < plain.body.len(), "{path} {coding}");
            }
        }
        assert_eq!(response.decoded(), plain.body, "{path} {accept}");
        assert_eq!(
            response.header("vary").as_deref(),
            Some("Accept-Encoding"),
            "{path} {accept}"
        );
        let tag = response.header("etag").expect("an ETag");
        tags.push((accept, tag));
    }
    assert_eq!(tags[0].1, plain.header("etag").unwrap());
    assert!(tags[1].1.ends_with("-br\""), "{path}: {}", tags[1].1);
    assert!(tags[2].1.ends_with("-gzip\""), "{path}: {}", tags[2].1);

    for (accept, tag) in &tags {
        let again = app
            .get_encoded(path, &[("Accept-Encoding", accept), ("If-None-Match", tag)])
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path} {accept}");
        assert_eq!(again.header("etag").as_ref(), Some(tag), "{path} {accept}");
        assert_eq!(again.header("vary").as_deref(), Some("Accept-Encoding"));
        assert!(again.body.is_empty());
    }
    // A tag names one coding's bytes: a client asking for another gets them.
    let gzip_tag = &tags[2].1;
    let other = app
        .get_encoded(
            path,
            &[("Accept-Encoding", BROTLI), ("If-None-Match", gzip_tag)],
        )
        .await;
    assert_eq!(other.status, StatusCode::OK, "{path}");
    assert_eq!(other.header("content-encoding").as_deref(), Some("br"));
    assert_eq!(other.decoded(), plain.body);
    plain.body
}

#[actix_web::test]
async fn cached_pages_feeds_and_sitemaps_come_in_brotli_and_gzip_with_a_tag_each() {
    let app = TestApp::with_demo_content().await;
    for path in [
        STORY,
        "/",
        "/topics/doctors-strike",
        "/feed.xml",
        "/news/junior-doctors-strike-live/atom.xml",
        "/sitemap.xml",
        "/sitemap-1.xml",
        "/sitemap-news.xml",
    ] {
        assert_each_coding_served_and_validated(&app, path).await;
    }
    // Compressed once per version: another brotli reader costs no render.
    let (page, renders) = app
        .get_counting_renders(&format!("{STORY}?order=oldest"))
        .await;
    assert_eq!((page.status, renders), (StatusCode::OK, 1));
    for accept in [BROTLI, GZIP] {
        let before = app.room.pages.renders();
        let response = app
            .get_encoded(
                &format!("{STORY}?order=oldest"),
                &[("Accept-Encoding", accept)],
            )
            .await;
        assert_eq!(response.decoded(), page.body.as_bytes());
        assert_eq!(app.room.pages.renders(), before, "{accept}");
    }
}

#[actix_web::test]
async fn accept_encoding_q_values_choose_the_coding() {
    let app = TestApp::with_demo_content().await;
    let plain = app
        .get_encoded(STORY, &[("Accept-Encoding", IDENTITY)])
        .await;
    let cases = [
        ("br;q=0, gzip", Some("gzip")),
        ("gzip, br;q=0.000", Some("gzip")),
        ("BR, GZIP", Some("br")),
        ("gzip;q=1, br;q=0.5", Some("gzip")),
        ("br;q=0.8, gzip;q=0.8", Some("br")),
        ("*", Some("br")),
        ("*;q=0.1, br;q=0", Some("gzip")),
        ("identity;q=0, gzip", Some("gzip")),
        ("x-gzip", Some("gzip")),
        // Nothing newsdesk makes, or identity preferred: sent as it is,
        // never compressed by another route.
        ("deflate", None),
        ("gzip;q=0.5, identity", None),
        ("br;q=0, gzip;q=0", None),
        ("", None),
    ];
    for (accept, expected) in cases {
        let response = app.get_encoded(STORY, &[("Accept-Encoding", accept)]).await;
        assert_eq!(response.status, StatusCode::OK, "{accept:?}");
        match expected {
            Some(coding) => assert_eq!(
                response.header("content-encoding").as_deref(),
                Some(coding),
                "{accept:?}"
            ),
            None => assert_identity(&response, accept),
        }
        assert_eq!(response.decoded(), plain.body, "{accept:?}");
        assert_eq!(response.header("vary").as_deref(), Some("Accept-Encoding"));
    }
}

#[actix_web::test]
async fn static_assets_come_precompressed_in_brotli_and_gzip() {
    let app = TestApp::spawn().await;
    let page = app.get_page("/").await;
    let stylesheet = page.attrs("link[rel=stylesheet]", "href").remove(0);
    let assets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
    for (path, file) in [
        (stylesheet.as_str(), "site.css"),
        ("/static/live.js", "live.js"),
        ("/favicon.ico", "favicon.svg"),
    ] {
        let body = assert_each_coding_served_and_validated(&app, path).await;
        assert_eq!(body, std::fs::read(assets.join(file)).unwrap(), "{path}");
    }
    let css = app
        .get_encoded(&stylesheet, &[("Accept-Encoding", BROTLI)])
        .await;
    assert_eq!(
        css.header("cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        css.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
}
