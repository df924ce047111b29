//! axe-core (npm, installed beside the Nu HTML Checker) run in Chromium
//! with the WCAG 2.0 and 2.1 A and AA rules over pages with a lead photo, a
//! gallery, an uploaded video, a video facade and a quote card, the lists
//! that show thumbnails, and the desk's story page with its update form.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::json;

use super::{Browser, wait_for};
use crate::helpers::TestApp;
use crate::media::lead_photo::story_with_photo;
use crate::media::{assert_published, publish_gallery, publish_with_files};

/// The rule sets a page must pass: WCAG 2.0 and 2.1, levels A and AA.
const WCAG_AA: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// A story page with every kind of media, as the elements that show it.
const STORY_MEDIA: [&str; 5] = [
    ".story-body > figure.photo:first-child picture img[alt]",
    ".gallery figure.photo img",
    "figure.video video",
    "figure.video-embed .video-play",
    "blockquote.social-post",
];
const THUMBNAILS: [&str; 1] = ["picture.story-card-photo img"];
/// The update form with every field showing: a figures update's details
/// and the gallery's slots.
const UPDATE_FORM: [&str; 4] = [
    "form.update-form textarea",
    "form.update-form input#number",
    "form.update-form input#photo",
    "form.update-form details.more-photos[open] input#photo_6",
];

/// Where the test command installs axe-core (`npm ci` in the repository).
fn axe_source() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core not found at {} ({e}): run the README's test command",
            path.display()
        )
    })
}

/// Runs axe with the given tags; what it found, in a few words each.
const RUN_AXE: &str = "const [tags] = arguments; \
     const brief = v => ({ id: v.id, impact: v.impact, help: v.help, \
       nodes: v.nodes.map(n => ({ target: n.target.join(' '), summary: n.failureSummary })) }); \
     return axe.run(document, { runOnly: { type: 'tag', values: tags } }).then(r => ({ \
       violations: r.violations.map(brief), \
       passes: r.passes.map(p => p.id), \
       undecided: r.incomplete.map(brief), \
     }));";

/// Rules axe could not decide and left to a person that were reviewed, each
/// with why it is accepted. Any other undecided result fails like a
/// violation: a contrast over an image, say, is checked by eye first.
const REVIEWED_UNDECIDED: [(&str, &str); 1] = [(
    "video-caption",
    "uploaded videos carry no captions track: the desk has no way to add one yet",
)];

#[derive(Debug, Deserialize)]
struct AxeResults {
    violations: Vec<Violation>,
    passes: Vec<String>,
    undecided: Vec<Violation>,
}

#[derive(Debug, Deserialize)]
struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    nodes: Vec<Failing>,
}

#[derive(Debug, Deserialize)]
struct Failing {
    target: String,
    summary: Option<String>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let impact = self.impact.as_deref().unwrap_or("-");
        writeln!(f, "{} ({impact}): {}", self.id, self.help)?;
        for node in &self.nodes {
            let summary = node.summary.as_deref().unwrap_or("").replace('\n', " ");
            writeln!(f, "    {}: {summary}", node.target)?;
        }
        Ok(())
    }
}

/// Runs axe on the page open in `browser`, once every element in `showing`
/// is there (scripts done: the facades' play buttons shown). Returns the
/// violations and unreviewed undecided results as text, empty when there
/// are none.
async fn axe_violations(browser: &Browser, showing: &[&str]) -> String {
    let page = browser.client.current_url().await.unwrap();
    wait_for(browser, "document.readyState === 'complete'").await;
    for selector in showing {
        let found = browser
            .client
            .execute(
                "const e = document.querySelector(arguments[0]); return e !== null && e.getClientRects().length > 0;",
                vec![json!(selector)],
            )
            .await
            .unwrap();
        assert_eq!(found, json!(true), "{page}: no visible {selector}");
    }
    // WebDriver's scripts run outside the page's Content-Security-Policy
    // (script-src 'self'), but what they start must not be stopped by it
    // either: anything blocked fails the test.
    browser.listen_for_blocks().await;
    let loaded = browser
        .client
        .execute(
            &format!("{}\nreturn typeof window.axe.run;", axe_source()),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(loaded, json!("function"), "axe-core loaded on {page}");
    let results: AxeResults = serde_json::from_value(
        browser
            .client
            .execute(RUN_AXE, vec![json!(WCAG_AA)])
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        browser.blocked().await,
        json!([]),
        "the policy of {page} blocked axe"
    );
    // A run that checked nothing would pass: these rules apply to every page.
    let checked = |rule: &str| {
        let ids = results
            .violations
            .iter()
            .chain(&results.undecided)
            .map(|v| &v.id);
        results.passes.iter().chain(ids).any(|id| id == rule)
    };
    for rule in ["html-has-lang", "document-title", "color-contrast"] {
        assert!(
            checked(rule),
            "axe did not check {rule} on {page}: {results:?}"
        );
    }
    let undecided = results
        .undecided
        .iter()
        .filter(|u| !REVIEWED_UNDECIDED.iter().any(|(rule, _)| *rule == u.id));
    let listed: String = results
        .violations
        .iter()
        .map(|v| format!("  {v}"))
        .chain(undecided.map(|u| format!("  undecided, to review by eye: {u}")))
        .collect();
    if listed.is_empty() {
        return String::new();
    }
    format!("{page}\n{listed}")
}

/// Runs axe on each (path, elements it must show) in turn: every violation
/// on every page, as text.
async fn violations_on(browser: &Browser, app: &TestApp, pages: &[(&str, &[&str])]) -> String {
    let mut report = String::new();
    for (path, showing) in pages {
        browser.client.goto(&app.url(path)).await.unwrap();
        report += &axe_violations(browser, showing).await;
    }
    report
}

/// Runs axe on the desk's story page open in `browser`, the update form
/// with every field showing, then on the form sent back with its errors.
async fn desk_violations(browser: &Browser) -> String {
    browser.choose("Kind", "Figures").await;
    browser
        .client
        .execute(
            "document.querySelector('details.more-photos').open = true",
            vec![],
        )
        .await
        .unwrap();
    let mut report = axe_violations(browser, &UPDATE_FORM).await;
    browser.press("Publish update").await;
    report += &axe_violations(browser, &["#body-error", "#number-error"]).await;
    report
}

#[actix_web::test]
async fn pages_with_photos_galleries_videos_and_quote_cards_made_at_the_desk_pass_axe() {
    let app = TestApp::spawn().await;
    let session = app.sign_in("desk").await;
    let slug = story_with_photo(&session, "Pickets at the HRI").await;
    assert_published(&publish_gallery(&session, &slug, "Nurses joining the line", true).await);
    let body = "The choir sang at the gate.\n\n\
                https://youtu.be/Qm7cH4rT2xE\n\n\
                ```post\n\
                url: https://bsky.app/profile/bma.org.uk/post/3kabc2def3gh4\n\
                author: British Medical Association\n\
                handle: @bma.org.uk\n\
                time: 2016-01-12 11:05\n\
                Junior doctors are on strike today.\n\
                ```";
    assert_published(&publish_with_files(&session, &slug, &[("body", body)], &[]).await);

    let browser = Browser::start().await;
    let story = format!("/news/{slug}");
    let desk = format!("/admin/stories/{slug}");
    let mut report = violations_on(
        &browser,
        &app,
        &[
            (&story, &STORY_MEDIA),
            ("/", &THUMBNAILS),
            ("/topics/doctors-strike", &THUMBNAILS),
        ],
    )
    .await;
    browser.sign_in_at(&app, &desk, "desk").await;
    report += &desk_violations(&browser).await;
    browser
        .client
        .goto(&app.url(&format!("{desk}/edit")))
        .await
        .unwrap();
    report += &axe_violations(&browser, &["fieldset.photo-fields input#photo"]).await;
    assert!(report.is_empty(), "WCAG 2.1 AA violations:\n{report}");
    browser.client.clone().close().await.unwrap();
}

#[actix_web::test]
async fn the_demo_front_topic_and_story_pages_and_the_desk_pass_axe() {
    let app = TestApp::with_demo_content().await;
    let session = app.sign_in("desk").await;
    let live = "junior-doctors-strike-live";
    assert_published(&publish_gallery(&session, live, "Nurses joining the line", true).await);

    let browser = Browser::start().await;
    let mut report = violations_on(
        &browser,
        &app,
        &[
            ("/", &THUMBNAILS),
            ("/news/junior-doctors-strike-live", &STORY_MEDIA[1..]),
            (
                "/news/pickets-at-huddersfield-royal-infirmary",
                &[STORY_MEDIA[0]],
            ),
            ("/topics/doctors-strike", &THUMBNAILS),
        ],
    )
    .await;
    browser
        .sign_in_at(&app, &format!("/admin/stories/{live}"), "desk")
        .await;
    report += &desk_violations(&browser).await;
    assert!(report.is_empty(), "WCAG 2.1 AA violations:\n{report}");
    browser.client.clone().close().await.unwrap();
}
