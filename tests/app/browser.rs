//! Real-browser tests: headless Chromium driven over WebDriver (chromedriver).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tempfile::TempDir;

use crate::helpers::TestApp;

/// A chromedriver process and a browser session on it; both end on drop.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

impl Browser {
    pub async fn start() -> Browser {
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
    first_story.click().await.unwrap();
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
