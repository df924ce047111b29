//! Click-to-load videos in a real browser, every request it makes recorded
//! by a local proxy that forwards nothing off the machine: until the reader
//! presses play no host but the site's is asked for anything; after, the
//! privacy-enhanced player's host is.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::json;

use super::recording_proxy::RecordingProxy;
use super::{Browser, wait_for, wait_for_subscriber};
use crate::helpers::{TestApp, plain_update};

const LIVE_STORY: &str = "/news/junior-doctors-strike-live";
const CHOIR_TITLE: &str =
    "The NHS Choir sings for striking junior doctors outside Great Ormond Street Hospital";

/// The site's `127.0.0.1:port`, as the browser names it to the proxy.
fn site_of(app: &TestApp) -> SocketAddr {
    app.address.trim_start_matches("http://").parse().unwrap()
}

/// The demo live story open in a browser whose every request goes through
/// a recording proxy, once the page has subscribed to its stream.
async fn open_through_proxy(app: &TestApp) -> (Browser, RecordingProxy) {
    let proxy = RecordingProxy::start(site_of(app)).await;
    let browser = Browser::start_with(&proxy.chromium_flags()).await;
    browser.client.goto(&app.url(LIVE_STORY)).await.unwrap();
    wait_for_subscriber(app).await;
    wait_for(&browser, "document.readyState === 'complete'").await;
    (browser, proxy)
}

/// Waits up to 5 s until the proxy was asked for `authority`.
async fn wait_until_asked(proxy: &RecordingProxy, authority: &str) -> Instant {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(asked) = proxy.asked().into_iter().find(|a| a.authority == authority) {
            return asked.at;
        }
        assert!(
            Instant::now() < deadline,
            "{authority} was never asked for; asked: {:?}",
            proxy.asked()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Asserts that the policy blocked nothing since
/// [`Browser::listen_for_blocks`]. (Chromium asks the proxy for a frame's
/// host even when the policy then blocks the frame, so the request alone
/// does not prove the player loads.)
async fn assert_nothing_blocked(browser: &Browser) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        browser.blocked().await,
        json!([]),
        "the page's policy blocked the player"
    );
}

/// WebDriver's Get Computed Label: the accessible name the browser gives
/// an element, as a screen reader would announce it.
#[derive(Debug)]
struct ComputedLabel(String);

impl WebDriverCompatibleCommand for ComputedLabel {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session.expect("a session");
        base.join(&format!(
            "session/{session}/element/{}/computedlabel",
            self.0
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::GET, None)
    }
}

#[actix_web::test]
async fn no_host_but_the_sites_is_asked_for_anything_until_play_is_pressed() {
    let app = TestApp::with_demo_content().await;
    let site = site_of(&app);
    let (browser, proxy) = open_through_proxy(&app).await;
    // Time for anything the page would load late (images, fonts, frames).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let from_site = proxy.asked().len() - proxy.others_than(site).len();
    assert!(
        from_site >= 3,
        "the site's own requests go through the proxy too: {:?}",
        proxy.asked()
    );
    assert!(
        proxy.others_than(site).is_empty(),
        "asked before play: {:?}",
        proxy.others_than(site)
    );
    assert_eq!(
        browser
            .client
            .execute("return document.querySelectorAll('iframe').length", vec![])
            .await
            .unwrap(),
        json!(0)
    );

    let button = browser
        .client
        .find(Locator::Css(".update figure.video-embed .video-play"))
        .await
        .unwrap();
    assert!(
        button.is_displayed().await.unwrap(),
        "the script shows the play button"
    );
    let label = browser
        .client
        .issue_cmd(ComputedLabel(button.element_id().to_string()))
        .await
        .unwrap();
    assert_eq!(label, json!(format!("Play video: {CHOIR_TITLE}")));
    let show =
        "document.querySelector('.update figure.video-embed').scrollIntoView({block: 'center'})";
    browser.client.execute(show, vec![]).await.unwrap();
    browser.screenshot("video-facade").await;

    browser.listen_for_blocks().await;
    let pressed = Instant::now();
    button.click().await.unwrap();
    let asked_at = wait_until_asked(&proxy, "www.youtube-nocookie.com:443").await;
    assert!(asked_at >= pressed);
    assert_nothing_blocked(&browser).await;
    let others: Vec<String> = proxy
        .others_than(site)
        .into_iter()
        .map(|a| format!("{} {}", a.method, a.authority))
        .collect();
    assert!(
        others
            .iter()
            .all(|o| o == "CONNECT www.youtube-nocookie.com:443"),
        "only the player's host: {others:?}"
    );
    let frame = browser
        .client
        .execute(
            "const f = document.querySelector('.update figure.video-embed iframe'); return [f.src, f.title, document.activeElement === f];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        frame,
        json!([
            "https://www.youtube-nocookie.com/embed/Qm7cH4rT2xE?autoplay=1",
            CHOIR_TITLE,
            true
        ])
    );
    browser.client.clone().close().await.unwrap();
}

#[actix_web::test]
async fn a_video_published_live_plays_on_the_open_page() {
    let app = TestApp::with_demo_content().await;
    let site = site_of(&app);
    let (browser, proxy) = open_through_proxy(&app).await;
    let update = plain_update("[Pickets sing in the rain](https://vimeo.com/76979871#t=12s)");
    let id = app
        .publish("junior-doctors-strike-live", update, chrono::Utc::now())
        .await;
    let button = format!("#update-{id} figure.video-embed .video-play");
    wait_for(&browser, &format!("document.querySelector('{button}')")).await;
    assert!(
        proxy.others_than(site).is_empty(),
        "{:?}",
        proxy.others_than(site)
    );
    browser.listen_for_blocks().await;
    browser
        .client
        .find(Locator::Css(&button))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until_asked(&proxy, "player.vimeo.com:443").await;
    let src = browser
        .client
        .execute(
            &format!("return document.querySelector('#update-{id} iframe').src"),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        src,
        json!("https://player.vimeo.com/video/76979871?dnt=1&autoplay=1#t=12s")
    );
    assert_nothing_blocked(&browser).await;
    browser.client.clone().close().await.unwrap();
}
