//! The page cache: keyed by what the handler parsed, so no request from an
//! anonymous reader changes what the next reader gets.

mod headers;
mod model;
mod precision;

use awc::http::StatusCode;
use chrono::{TimeZone, Utc};

use crate::helpers::{TestApp, plain_update};

const STORY: &str = "junior-doctors-strike-live";

/// A small deterministic generator (xorshift64*): the same cases every run,
/// and a failing case is reproduced by its seed and index.
struct Cases(u64);

impl Cases {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
        choices[(self.next() % choices.len() as u64) as usize]
    }
}

/// Parameter names as an attacker might spell them: real ones, percent-encoded
/// ones, near misses and unknown ones.
const NAMES: [&str; 14] = [
    "order",
    "before",
    "after",
    "update",
    "%6Frder",
    "%62efore",
    "%61fter",
    "%75pdate",
    "ORDER",
    "ord%65r",
    "x",
    "order%00",
    "utm_source",
    "",
];

fn values(ids: &[i64]) -> Vec<String> {
    let mut values: Vec<String> = [
        "oldest",
        "newest",
        "%6Fldest",
        "old+est",
        "+oldest",
        "",
        "0",
        "-1",
        "abc",
        "%FF",
        "%00",
        "1e3",
        "99999999",
        "oldest%20",
    ]
    .iter()
    .map(|v| (*v).to_owned())
    .collect();
    values.extend(ids.iter().map(i64::to_string));
    values
}

fn query(cases: &mut Cases, ids: &[i64]) -> String {
    let values = values(ids);
    let count = cases.next() % 4;
    let mut pairs = Vec::new();
    for _ in 0..count {
        let name = cases.pick(&NAMES);
        let value = &values[(cases.next() % values.len() as u64) as usize];
        pairs.push(match cases.next() % 5 {
            0 => name.to_owned(),
            _ => format!("{name}={value}"),
        });
    }
    pairs.join(if cases.next().is_multiple_of(7) {
        ";"
    } else {
        "&"
    })
}

#[actix_web::test]
async fn a_crafted_query_cannot_replace_the_live_page() {
    let app = TestApp::with_demo_content().await;
    app.publish(
        STORY,
        plain_update("Fresh news"),
        Utc.with_ymd_and_hms(2016, 1, 12, 18, 0, 0).unwrap(),
    )
    .await;
    for crafted in ["?%6Frder=oldest", "?%62efore=1", "?ord%65r=oldest&x=1"] {
        let spoiling = app.get_page(&format!("/news/{STORY}{crafted}")).await;
        assert_eq!(spoiling.status, StatusCode::OK, "{crafted}");
        let page = app.get_page(&format!("/news/{STORY}")).await;
        let stream = page.attrs(".update-stream[data-live]", "data-events");
        assert_eq!(
            stream.len(),
            1,
            "after {crafted} the bare URL is still live"
        );
        assert!(
            page.texts(".update-stream article.update .update-body")[0].contains("Fresh news"),
            "after {crafted} the bare URL still shows the newest update first"
        );
    }
}

#[actix_web::test]
async fn cached_pages_are_byte_for_byte_what_an_uncached_render_gives() {
    let app = TestApp::with_demo_content().await;
    let uncached = TestApp::spawn_with(|config| {
        config.database = app.database_url();
        config.page_cache_mib = 0;
    })
    .await;
    let mut ids = Vec::new();
    let mut cases = Cases(0x5eed_cafe);
    for round in 0..6u32 {
        // A write between rounds: entries from before it must not survive it.
        ids.push(
            app.publish(
                STORY,
                plain_update(&format!("Round {round}")),
                Utc.with_ymd_and_hms(2016, 1, 12, 19, round, 0).unwrap(),
            )
            .await,
        );
        for case in 0..40 {
            let path = format!("/news/{STORY}?{}", query(&mut cases, &ids));
            let want = uncached.get_page(&path).await;
            for attempt in ["miss", "hit"] {
                let got = app.get_page(&path).await;
                assert_eq!(
                    (got.status, &got.body),
                    (want.status, &want.body),
                    "round {round} case {case} ({attempt}): {path}"
                );
            }
            // And the bare page is never changed by any of them.
            let bare = format!("/news/{STORY}");
            assert_eq!(
                app.get_page(&bare).await.body,
                uncached.get_page(&bare).await.body,
                "round {round} case {case}: {path} changed the bare page"
            );
        }
    }
}

#[actix_web::test]
async fn a_burst_of_misses_for_one_page_all_get_the_page() {
    let app = TestApp::with_demo_content().await;
    let path = format!("/news/{STORY}");
    let pages = futures_util::future::join_all((0..32).map(|_| app.get_page(&path))).await;
    let first = &pages[0];
    assert_eq!(first.status, StatusCode::OK);
    assert!(
        pages
            .iter()
            .all(|p| p.status == first.status && p.body == first.body)
    );
}
