//! The worst pages in a real browser: the corpus must run nothing, whether
//! the markup arrives with the page or through the live stream.

use std::time::{Duration, Instant};

use serde_json::json;

use super::payloads;
use super::seed::seed;
use crate::browser::Browser;
use crate::helpers::TestApp;

/// Run after load (the Content-Security-Policy forbids running anything
/// before): traps the dialogs, then fires at every element of the page the
/// events payloads hang handlers on. Returns the marker payloads set and the
/// dialogs anything opened.
const PROVOKE: &str = r#"
window.__dialogs = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = () => { window.__dialogs.push(name); };
}
const events = ['mouseover', 'mouseenter', 'pointerenter', 'pointerover', 'focus',
  'focusin', 'toggle', 'load', 'error', 'begin', 'animationstart', 'close'];
for (const element of document.querySelectorAll('body *')) {
  for (const type of events) element.dispatchEvent(new Event(type));
}
await new Promise(done => setTimeout(done, 300));
return [window.__xss ?? null, window.__dialogs];
"#;

/// Payloads that should search to something.
const SEARCHES: [&str; 2] = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=window.__xss=1>",
];

impl Browser {
    /// Panics if a dialog is open, a payload set `window.__xss`, or a
    /// trapped dialog was called once the page's events fired.
    async fn assert_nothing_ran(&self, place: &str) {
        if let Ok(text) = self.client.get_alert_text().await {
            panic!("{place}: a dialog is open: {text}");
        }
        let script = format!("return (async () => {{ {PROVOKE} }})();");
        let result = self.client.execute(&script, vec![]).await;
        let result = result.unwrap_or_else(|e| panic!("{place}: {e}"));
        assert_eq!(result, json!([null, []]), "{place}: a payload ran");
        if let Ok(text) = self.client.get_alert_text().await {
            panic!("{place}: a dialog is open: {text}");
        }
    }

    /// Opens `path` and checks that nothing ran.
    async fn visit(&self, app: &TestApp, path: &str) {
        let loaded = self.client.goto(&app.url(path)).await;
        loaded.unwrap_or_else(|e| panic!("{path} did not load cleanly: {e}"));
        self.assert_nothing_ran(path).await;
    }

    /// Waits up to 5 s for a JavaScript condition.
    async fn wait_until(&self, condition: &str) {
        let script = format!("return Boolean({condition});");
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.client.execute(&script, vec![]).await.unwrap() != json!(true) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {condition}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

#[actix_web::test]
async fn the_worst_pages_run_no_payload_in_a_real_browser() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("xss-desk").await;
    let payloads = payloads();
    let seeded = seed(&desk, &payloads).await;
    let browser = Browser::start().await;
    let story = format!("/news/{}", seeded.anthology);
    browser.visit(&app, &story).await;
    browser.visit(&app, "/").await;
    for query in SEARCHES {
        let path = format!(
            "/search?{}",
            serde_urlencoded::to_string([("q", query)]).unwrap()
        );
        browser.visit(&app, &path).await;
        let results = "document.querySelectorAll('.search-results li').length > 0";
        browser.wait_until(results).await;
    }

    // The story page again, open while payloads arrive through its stream
    // and are put into the page by `live.js`.
    browser.visit(&app, &story).await;
    let count = "document.querySelectorAll('.update-stream article.update').length";
    let before = browser
        .client
        .execute(&format!("return {count}"), vec![])
        .await;
    let before = before.unwrap().as_u64().unwrap();
    let stream = app.story(&seeded.anthology).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.room.live.subscribers(stream.id) == 0 {
        assert!(Instant::now() < deadline, "the page never subscribed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let updates = format!("/admin/stories/{}/updates", seeded.anthology);
    // Markdown refuses control characters other than line breaks and tabs.
    let typeable: Vec<&String> = payloads
        .iter()
        .filter(|p| !p.chars().any(|c| c.is_control() && c != '\n' && c != '\t'))
        .collect();
    for chunk in typeable.chunks(40) {
        let chunk: Vec<&str> = chunk.iter().map(|p| p.as_str()).collect();
        let body = chunk.join("\n\n");
        let page = desk
            .post(&updates, &[("kind", "update"), ("body", &body)])
            .await;
        assert_eq!(
            page.status,
            awc::http::StatusCode::SEE_OTHER,
            "{}",
            page.body
        );
    }
    let arrived = typeable.len().div_ceil(40) as u64;
    browser
        .wait_until(&format!("{count} === {}", before + arrived))
        .await;
    browser.assert_nothing_ran(&format!("{story}, live")).await;
    browser.screenshot("xss-anthology").await;
    browser.client.clone().close().await.unwrap();
}
