//! Drafts kept in the browser (`static/drafts.js`): what an editor types
//! survives a closed tab and a refused post, each tab keeps its own, and a
//! save the server confirms forgets it.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::wd::WindowHandle;
use serde_json::json;

use super::{Browser, wait_for};
use crate::editor_session::PASSWORD;
use crate::helpers::TestApp;

/// True once the page has decided whether to offer a draft back.
const DRAFTS_READY: &str = "document.querySelector('form[data-draft-ready]')";

/// True while a notice offers a draft back.
const OFFERED: &str = "document.querySelector('.draft-notice')";

/// A JavaScript condition: some draft in localStorage holds `text`.
fn draft_holding(text: &str) -> String {
    format!(
        "Object.keys(localStorage).some(k => k.startsWith('newsdesk-draft:') && localStorage.getItem(k).includes('{text}'))"
    )
}

/// A JavaScript expression: how many drafts localStorage holds.
const DRAFT_COUNT: &str =
    "Object.keys(localStorage).filter(k => k.startsWith('newsdesk-draft:')).length";

/// An editor's story, and a browser signed in on its desk page.
async fn signed_in_on_desk(app: &TestApp) -> (Browser, String) {
    let editor = app.create_editor("sarah").await;
    let slug = app.create_story("Pickets at dawn", editor).await;
    let desk = format!("/admin/stories/{slug}");
    let browser = Browser::start().await;
    browser.client.goto(&app.url(&desk)).await.unwrap();
    browser.fill("Username", "sarah").await;
    browser.fill("Password", PASSWORD).await;
    browser.press("Sign in").await;
    browser.wait_for_drafts().await;
    (browser, desk)
}

impl Browser {
    /// Opens `path` afresh (not a reload) and waits for the draft keeper.
    async fn open(&self, app: &TestApp, path: &str) {
        self.client.goto(&app.url(path)).await.unwrap();
        self.wait_for_drafts().await;
    }

    /// Waits until the page has decided whether to offer a draft back; says
    /// what the page looked like if it never does.
    async fn wait_for_drafts(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.check(DRAFTS_READY).await {
            if Instant::now() > deadline {
                let page = self
                    .client
                    .execute(
                        "return [location.href, document.title, String(document.querySelector('form[data-draft]')), String(document.querySelector('script[src*=drafts]')?.src), sessionStorage.getItem('newsdesk-tab'), Object.keys(localStorage).join(' ')]",
                        vec![],
                    )
                    .await
                    .unwrap();
                let locks = self
                    .client
                    .execute_async(
                        "navigator.locks.query().then(s => arguments[0](JSON.stringify(s)))",
                        vec![],
                    )
                    .await
                    .unwrap();
                panic!("the draft keeper never got ready: {page} {locks}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Opens `path` in a new tab and makes it the current one.
    async fn open_in_new_tab(&self, app: &TestApp, path: &str) -> WindowHandle {
        let tab = self.client.new_window(true).await.unwrap().handle;
        self.client.switch_to_window(tab.clone()).await.unwrap();
        self.open(app, path).await;
        tab
    }

    /// Clicks a button that stays on the page.
    async fn click(&self, button: &str) {
        let xpath = format!("//button[normalize-space()='{button}']");
        self.client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|_| panic!("no button {button}"))
            .click()
            .await
            .unwrap();
    }

    async fn value_of(&self, label: &str) -> String {
        self.field(label)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    async fn check(&self, condition: &str) -> bool {
        let script = format!("return Boolean({condition});");
        self.client.execute(&script, vec![]).await.unwrap() == json!(true)
    }

    /// Waits until the browser counts `tabs` open tabs of the site (each
    /// holds a Web Lock): a closed tab is gone only once its lock is released.
    async fn wait_for_open_tabs(&self, tabs: usize) {
        let script = "navigator.locks.query().then(s => arguments[0](s.held.length))";
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.client.execute_async(script, vec![]).await.unwrap() != json!(tabs) {
            assert!(
                Instant::now() < deadline,
                "a closed tab still holds its lock"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

#[actix_web::test]
async fn an_update_typed_in_a_closed_tab_is_offered_back_and_forgotten_once_published() {
    let app = TestApp::spawn().await;
    let (browser, desk) = signed_in_on_desk(&app).await;
    let first_tab = browser.client.window().await.unwrap();

    browser.open_in_new_tab(&app, &desk).await;
    browser.fill("Update", "Pickets are growing").await;
    wait_for(&browser, &draft_holding("Pickets are growing")).await;
    browser.client.close_window().await.unwrap();
    browser.client.switch_to_window(first_tab).await.unwrap();
    browser.wait_for_open_tabs(1).await;

    browser.open(&app, &desk).await;
    assert!(
        browser.check(OFFERED).await,
        "the closed tab's draft is offered"
    );
    assert_eq!(
        browser.value_of("Update").await,
        "",
        "but not put in the form"
    );
    assert!(
        browser
            .text_of("[role=status] .draft-notice")
            .await
            .contains("draft"),
        "the offer is in a status region"
    );
    browser.screenshot("draft-offered").await;
    browser.click("Restore draft").await;
    assert_eq!(browser.value_of("Update").await, "Pickets are growing");

    browser.press("Publish update").await;
    browser.wait_for_drafts().await;
    assert!(
        browser
            .text_of(".desk-updates")
            .await
            .contains("Pickets are growing")
    );
    assert_eq!(
        browser
            .client
            .execute(&format!("return {DRAFT_COUNT}"), vec![])
            .await
            .unwrap(),
        json!(0),
        "the published draft is forgotten"
    );
    browser.client.refresh().await.unwrap();
    browser.wait_for_drafts().await;
    assert!(!browser.check(OFFERED).await, "nothing is offered any more");
    browser.client.clone().close().await.unwrap();
}

#[actix_web::test]
async fn two_tabs_on_one_story_keep_separate_drafts() {
    let app = TestApp::spawn().await;
    let (browser, desk) = signed_in_on_desk(&app).await;
    let first_tab = browser.client.window().await.unwrap();
    browser.fill("Update", "From the first tab").await;
    wait_for(&browser, &draft_holding("From the first tab")).await;

    let second_tab = browser.open_in_new_tab(&app, &desk).await;
    assert!(
        !browser.check(OFFERED).await,
        "an open tab's draft is not offered to another"
    );
    browser.fill("Update", "From the second tab").await;
    wait_for(&browser, &draft_holding("From the second tab")).await;
    assert!(browser.check(&draft_holding("From the first tab")).await);
    assert!(browser.check(&format!("{DRAFT_COUNT} === 2")).await);

    // Each tab, opening the desk again, is offered its own draft.
    browser.open(&app, &desk).await;
    browser.click("Restore draft").await;
    assert_eq!(browser.value_of("Update").await, "From the second tab");
    browser.client.switch_to_window(first_tab).await.unwrap();
    browser.open(&app, &desk).await;
    browser.click("Restore draft").await;
    assert_eq!(browser.value_of("Update").await, "From the first tab");
    browser.client.switch_to_window(second_tab).await.unwrap();
    assert_eq!(browser.value_of("Update").await, "From the second tab");
    browser.client.clone().close().await.unwrap();
}

#[actix_web::test]
async fn a_refused_update_keeps_its_draft_with_every_field() {
    let app = TestApp::spawn().await;
    let (browser, desk) = signed_in_on_desk(&app).await;
    browser.choose("Kind", "Figures").await;
    browser.fill("Update", "Cancellations rise").await;
    browser.fill("Number", "lots").await;
    browser.fill("Source", "NHS England").await;
    browser.press("Publish update").await;
    assert!(
        browser
            .check("document.querySelector('.error-summary')")
            .await
    );
    browser.wait_for_drafts().await;
    assert!(
        !browser.check(OFFERED).await,
        "the form came back as typed: nothing to offer"
    );
    assert!(browser.check(&draft_holding("Cancellations rise")).await);

    browser.open(&app, &desk).await;
    browser.click("Restore draft").await;
    assert_eq!(browser.value_of("Update").await, "Cancellations rise");
    assert_eq!(browser.value_of("Kind").await, "figures");
    assert_eq!(browser.value_of("Number").await, "lots");
    assert_eq!(browser.value_of("Source").await, "NHS England");
    assert!(
        browser
            .check("!document.querySelector('#number').closest('[hidden]')")
            .await,
        "the kind's fields are shown"
    );
    browser.client.clone().close().await.unwrap();
}

#[actix_web::test]
async fn a_new_story_draft_is_offered_back_and_forgotten_once_saved() {
    let app = TestApp::spawn().await;
    let (browser, _) = signed_in_on_desk(&app).await;
    browser.open(&app, "/admin/stories/new").await;
    browser.fill("Headline", "Talks resume at Acas").await;
    browser
        .fill("Body", "Both sides return to the table.")
        .await;
    wait_for(&browser, &draft_holding("Both sides return")).await;

    browser.open(&app, "/admin/stories/new").await;
    browser.click("Discard").await;
    assert!(!browser.check(OFFERED).await);
    assert!(browser.check(&format!("{DRAFT_COUNT} === 0")).await);

    browser.fill("Headline", "Talks resume at Acas").await;
    browser.fill("Standfirst", "Both sides meet again.").await;
    browser
        .fill("Body", "Both sides return to the table.")
        .await;
    browser.fill("Topics", "Doctors' strike").await;
    wait_for(&browser, &draft_holding("Doctors")).await;
    browser.open(&app, "/admin/stories/new").await;
    browser.click("Restore draft").await;
    assert_eq!(browser.value_of("Headline").await, "Talks resume at Acas");
    assert_eq!(browser.value_of("Topics").await, "Doctors' strike");
    browser.press("Save").await;
    assert_eq!(
        browser.client.current_url().await.unwrap().path(),
        "/admin/stories/talks-resume-at-acas"
    );
    browser.open(&app, "/admin/stories/new").await;
    assert!(!browser.check(OFFERED).await);
    assert!(browser.check(&format!("{DRAFT_COUNT} === 0")).await);
    browser.client.clone().close().await.unwrap();
}
