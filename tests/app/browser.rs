//! Real-browser tests: headless Chromium driven over WebDriver (chromedriver).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tempfile::TempDir;

use crate::helpers::TestApp;

mod accessibility;
mod drafts;
mod photos;
mod recording_proxy;
mod videos;

/// A chromedriver process and a browser session on it; both end on drop.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

impl Browser {
    pub async fn start() -> Browser {
        Browser::start_with(&[]).await
    }

    /// Chromium with `extra` flags after the usual ones (a proxy, say).
    pub async fn start_with(extra: &[String]) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (the README's test command installs it)");
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
        ]
        .map(String::from)
        .into_iter()
        .chain([format!("--user-data-dir={}", profile.path().display())])
        .chain(extra.iter().cloned())
        .collect::<Vec<_>>();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": "/usr/bin/chromium", "args": args }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) if Instant::now() > deadline => panic!("could not start Chromium: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Saves a screenshot under `target/screenshots/`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    pub async fn text_of(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .expect(css)
            .text()
            .await
            .unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[actix_web::test]
async fn a_reader_follows_a_story_from_the_front_page_and_sees_its_updates() {
    let app = TestApp::with_demo_content().await;
    let browser = Browser::start().await;
    browser.client.goto(&app.url("/")).await.unwrap();
    let first_story = browser
        .client
        .find(Locator::Css(".live-now .story-card h3 a"))
        .await
        .unwrap();
    browser.navigating(first_story.click()).await;
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/news/junior-doctors-strike-live");
    assert!(
        browser
            .text_of(".story-body")
            .await
            .contains("first time junior doctors have taken strike action")
    );
    let updates = browser
        .client
        .find_all(Locator::Css("article.update"))
        .await
        .unwrap();
    assert!(updates.len() >= 15, "{} updates visible", updates.len());
    assert!(browser.text_of("article.update").await.contains("17:30"));
    browser.screenshot("story-page").await;
    browser.client.clone().close().await.unwrap();
}

/// Waits up to 5 s for `condition` (a JavaScript expression) to be true.
async fn wait_for(browser: &Browser, condition: &str) {
    wait_up_to(browser, Duration::from_secs(5), condition).await;
}

/// Waits up to `patience` for `condition` (a JavaScript expression) to be true.
async fn wait_up_to(browser: &Browser, patience: Duration, condition: &str) {
    let script = format!("return Boolean({condition});");
    let deadline = Instant::now() + patience;
    loop {
        if browser.client.execute(&script, vec![]).await.unwrap() == json!(true) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {condition}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
async fn a_new_update_appears_on_an_open_page_without_a_reload() {
    let app = TestApp::with_demo_content().await;
    // The page is open and subscribed before any update is published.
    let browser = open_live_story(&app).await;
    let update = crate::helpers::plain_update("Pickets at HRI are breaking up for the day");
    let id = app
        .publish("junior-doctors-strike-live", update, chrono::Utc::now())
        .await;
    wait_for(
        &browser,
        &format!("document.querySelector('.update-stream > #update-{id}')"),
    )
    .await;
    let first = browser
        .client
        .execute(
            "return document.querySelector('.update-stream article').id",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        first,
        json!(format!("update-{id}")),
        "the new update is at the top"
    );
    let status = browser.text_of(".live-status").await;
    assert_eq!(
        status, "1 new update",
        "screen readers hear the count, not the text"
    );
    browser.client.clone().close().await.unwrap();
}

#[actix_web::test]
async fn a_reader_scrolled_down_gets_a_new_updates_button_instead() {
    let app = TestApp::with_demo_content().await;
    let browser = open_live_story(&app).await;
    browser
        .client
        .execute(
            "document.querySelector('.update-stream article:nth-child(10)').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    let reading = "return document.querySelector('.update-stream article:nth-child(10)').getBoundingClientRect().top";
    let before: f64 =
        serde_json::from_value(browser.client.execute(reading, vec![]).await.unwrap()).unwrap();
    for n in 0..2 {
        let update = crate::helpers::plain_update(&format!("Scrolled-past update {n}"));
        app.publish("junior-doctors-strike-live", update, chrono::Utc::now())
            .await;
    }
    wait_for(&browser, "!document.querySelector('.new-updates').hidden").await;
    wait_for(
        &browser,
        "document.querySelector('.new-updates').textContent === '2 new updates'",
    )
    .await;
    assert!(browser.client.title().await.unwrap().starts_with("(2) "));
    let after: f64 =
        serde_json::from_value(browser.client.execute(reading, vec![]).await.unwrap()).unwrap();
    assert_eq!(before, after, "nothing moved under the reader's eyes");
    browser.screenshot("new-updates-button").await;
    browser
        .client
        .find(Locator::Css(".new-updates"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&browser, "document.querySelectorAll('.update-stream article')[1].textContent.includes('Scrolled-past update 0')").await;
    wait_for(&browser, "!document.title.startsWith('(')").await;
    browser.client.clone().close().await.unwrap();
}

/// A browser on the demo live story, once the page has subscribed to its stream.
async fn open_live_story(app: &TestApp) -> Browser {
    let browser = Browser::start().await;
    browser
        .client
        .goto(&app.url("/news/junior-doctors-strike-live"))
        .await
        .unwrap();
    wait_for_subscriber(app).await;
    browser
}

/// Waits until an open page has subscribed to the demo story's live stream.
async fn wait_for_subscriber(app: &TestApp) {
    wait_for_subscriber_to(app, "junior-doctors-strike-live").await;
}

/// Waits until an open page has subscribed to story `slug`'s live stream.
async fn wait_for_subscriber_to(app: &TestApp, slug: &str) {
    let story = app.story(slug).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.room.live.subscribers(story.id) == 0 {
        assert!(Instant::now() < deadline, "the page never subscribed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The ids of the updates in the page's stream, top to bottom, as one string.
const STREAM_IDS: &str =
    "[...document.querySelectorAll('.update-stream article.update')].map(a => a.id).join(' ')";

/// A JavaScript condition: the stream shows exactly these updates, in this order.
fn stream_shows(ids: &[i64]) -> String {
    let expected = ids
        .iter()
        .map(|id| format!("update-{id}"))
        .collect::<Vec<_>>()
        .join(" ");
    format!("{STREAM_IDS} === '{expected}'")
}

/// A JavaScript condition: update `id`'s body reads `text`.
fn update_reads(id: i64, text: &str) -> String {
    format!("document.querySelector('#update-{id} .update-body')?.textContent.trim() === '{text}'")
}

#[actix_web::test]
async fn an_open_page_follows_corrections_deletions_and_new_updates_and_catches_up_after_its_stream_is_cut()
 {
    use crate::helpers::plain_update;
    let app = TestApp::spawn().await;
    let editor = app.create_editor("ed").await;
    let slug = app.create_story("Pickets at dawn", editor).await;
    let at = |minute| {
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2016, 1, 12, 7, minute, 0).unwrap()
    };
    let first = app
        .publish(&slug, plain_update("Frist pickets arrive"), at(0))
        .await;
    let second = app
        .publish(&slug, plain_update("Wrong hospital"), at(5))
        .await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&app.url(&format!("/news/{slug}")))
        .await
        .unwrap();
    wait_for_subscriber_to(&app, &slug).await;
    wait_for(&browser, &stream_shows(&[second, first])).await;
    // Set on this page only: a reload would lose it.
    browser
        .client
        .execute("window.neverReloaded = true", vec![])
        .await
        .unwrap();

    app.edit(&slug, first, "First pickets arrive", editor).await;
    app.delete(&slug, second, editor).await;
    let third = app
        .publish(&slug, plain_update("Third report"), chrono::Utc::now())
        .await;
    wait_for(&browser, &stream_shows(&[third, first])).await;
    wait_for(&browser, &update_reads(first, "First pickets arrive")).await;

    // The server cuts every stream; the desk goes on at once, while the page
    // is away. The browser comes back after the stream's `retry: 3000` with
    // Last-Event-ID and is replayed what it missed.
    app.room.live.close_all();
    let fourth = app
        .publish(&slug, plain_update("Fourth report"), chrono::Utc::now())
        .await;
    app.edit(&slug, third, "Third report, corrected", editor)
        .await;
    wait_up_to(
        &browser,
        Duration::from_secs(10),
        &stream_shows(&[fourth, third, first]),
    )
    .await;
    wait_for(&browser, &update_reads(third, "Third report, corrected")).await;
    // By its stream again, not by the polling fallback.
    wait_for_subscriber_to(&app, &slug).await;
    for id in [first, third, fourth] {
        let copies = browser
            .client
            .execute(
                &format!("return document.querySelectorAll('#update-{id}').length"),
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(copies, json!(1), "update {id} appears exactly once");
    }
    let never_reloaded = browser
        .client
        .execute("return window.neverReloaded === true", vec![])
        .await
        .unwrap();
    assert_eq!(never_reloaded, json!(true), "the page was never reloaded");
    browser.client.clone().close().await.unwrap();
}

impl Browser {
    /// The form control whose visible `<label>` reads `label`, as a person finds it.
    async fn field(&self, label: &str) -> fantoccini::elements::Element {
        let xpath = format!("//label[normalize-space()='{label}']");
        let label_element = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|_| panic!("no label {label}"));
        let id = label_element
            .attr("for")
            .await
            .unwrap()
            .expect("label has a for");
        self.client.find(Locator::Id(&id)).await.unwrap()
    }

    async fn fill(&self, label: &str, text: &str) {
        let field = self.field(label).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    async fn choose(&self, label: &str, option_text: &str) {
        self.field(label)
            .await
            .select_by_label(option_text)
            .await
            .unwrap();
    }

    /// Clicks a button that submits a form, and waits for the next page.
    async fn press(&self, button: &str) {
        let xpath = format!("//button[normalize-space()='{button}']");
        let element = self.client.find(Locator::XPath(&xpath)).await.unwrap();
        self.navigating(element.click()).await;
    }

    /// Runs `action`, which leaves the page, and waits until the next page has loaded.
    async fn navigating(
        &self,
        action: impl std::future::Future<Output = Result<(), fantoccini::error::CmdError>>,
    ) {
        self.client
            .execute("window.stillTheOldPage = true", vec![])
            .await
            .unwrap();
        action.await.unwrap();
        wait_for(
            self,
            "!window.stillTheOldPage && document.readyState === 'complete'",
        )
        .await;
    }

    /// Collects the page's Content-Security-Policy violations from now on,
    /// for [`Browser::blocked`].
    async fn listen_for_blocks(&self) {
        let listen = "window.cspBlocked = []; document.addEventListener('securitypolicyviolation', \
                      e => cspBlocked.push(`${e.violatedDirective} ${e.blockedURI}`));";
        self.client.execute(listen, vec![]).await.unwrap();
    }

    /// What the page's policy blocked since [`Browser::listen_for_blocks`],
    /// as "directive address" strings.
    async fn blocked(&self) -> serde_json::Value {
        self.client
            .execute("return window.cspBlocked", vec![])
            .await
            .unwrap()
    }

    /// Opens `path`, which asks an editor to sign in, and signs in as `username`.
    async fn sign_in_at(&self, app: &TestApp, path: &str, username: &str) {
        self.client.goto(&app.url(path)).await.unwrap();
        self.fill("Username", username).await;
        self.fill("Password", crate::editor_session::PASSWORD).await;
        self.press("Sign in").await;
    }

    async fn follow(&self, link: &str) {
        self.client
            .find(Locator::LinkText(link))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
}

#[actix_web::test]
async fn an_editor_signs_in_writes_a_story_and_publishes_every_kind_of_update() {
    let app = TestApp::spawn().await;
    app.create_editor("sarah").await;
    let browser = Browser::start().await;
    browser.client.goto(&app.url("/admin")).await.unwrap();

    browser.fill("Username", "sarah").await;
    browser.fill("Password", "wrong password").await;
    browser.press("Sign in").await;
    assert!(
        browser
            .text_of(".field-error")
            .await
            .contains("do not match")
    );
    assert_eq!(
        browser
            .field("Username")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("sarah")
    );

    browser
        .fill("Password", crate::editor_session::PASSWORD)
        .await;
    browser.press("Sign in").await;
    browser.follow("New story").await;
    browser
        .fill("Headline", "Second day of pickets at Calderdale")
        .await;
    browser
        .fill("Standfirst", "Doctors return to the picket line.")
        .await;
    browser
        .fill("Body", "Pickets gathered again this morning.")
        .await;
    browser.fill("Topics", "Doctors' strike, Calderdale").await;
    browser.press("Save").await;

    // (kind, text, the kind's own fields by label)
    type KindCase<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);
    let kinds: [KindCase; 4] = [
        ("Update", "Good morning from the desk.", &[]),
        (
            "Picket line",
            "Around forty doctors at the gates.",
            &[("Place", "Calderdale Royal Hospital")],
        ),
        (
            "Statement",
            "The trust says services are coping.",
            &[("Who", "Calderdale and Huddersfield NHS Foundation Trust")],
        ),
        (
            "Figures",
            "New cancellation numbers.",
            &[
                ("Number", "4000"),
                ("What", "operations cancelled"),
                ("Source", "NHS England"),
            ],
        ),
    ];
    for (kind, text, fields) in kinds {
        browser.choose("Kind", kind).await;
        browser.fill("Update", text).await;
        for (label, value) in fields {
            browser.fill(label, value).await;
        }
        if kind == "Update" {
            // Ctrl+Enter in the update box publishes, as the hint says.
            let shortcut = format!(
                "{}{}",
                fantoccini::key::Key::Control,
                fantoccini::key::Key::Enter
            );
            let update_box = browser.field("Update").await;
            browser.navigating(update_box.send_keys(&shortcut)).await;
        } else {
            browser.press("Publish update").await;
        }
        assert_eq!(
            browser
                .field("Update")
                .await
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some(""),
            "form is empty again"
        );
    }
    browser.follow("View").await;
    assert_eq!(
        browser.client.current_url().await.unwrap().path(),
        "/news/second-day-of-pickets-at-calderdale"
    );
    let labels = browser
        .client
        .find_all(Locator::Css("article.update .kind-label"))
        .await
        .unwrap();
    let mut seen = Vec::new();
    for label in labels {
        // Compared in lower case: the stylesheet shows labels in capitals.
        seen.push(label.text().await.unwrap().to_lowercase());
    }
    assert_eq!(seen, ["figures", "statement", "picket line", "update"]);
    assert!(
        browser
            .text_of(".figure")
            .await
            .contains("4,000 operations cancelled")
    );
    assert_eq!(browser.text_of(".live-badge").await, "LIVE");
    browser.screenshot("editor-published-updates").await;
    browser.client.clone().close().await.unwrap();
}

#[actix_web::test]
async fn a_form_sent_after_the_session_expired_in_a_real_browser_is_kept() {
    // A two-second shift: the browser itself must see the session end.
    let app = TestApp::spawn_with(|config| config.session_seconds = 2).await;
    app.import_at_start(&crate::helpers::demo_content()).await;
    app.create_editor("sarah").await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&app.url("/admin/stories/junior-doctors-strike-live"))
        .await
        .unwrap();
    browser.fill("Username", "sarah").await;
    browser
        .fill("Password", crate::editor_session::PASSWORD)
        .await;
    browser.press("Sign in").await;
    browser
        .fill("Update", "Typed while the shift ran out")
        .await;
    // Real time, not the app clock: the browser's own cookie expiry is under test.
    tokio::time::sleep(Duration::from_secs(3)).await;
    browser.press("Publish update").await;
    assert!(
        browser.text_of("main").await.contains("kept"),
        "the sign-in page says the text was kept"
    );
    browser.fill("Username", "sarah").await;
    browser
        .fill("Password", crate::editor_session::PASSWORD)
        .await;
    browser.press("Sign in").await;
    assert_eq!(
        browser
            .field("Update")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Typed while the shift ran out")
    );
    browser.client.clone().close().await.unwrap();
}
