//! Every kind of page passes the Nu HTML Checker (`vnu-jar`) with no errors.

use std::path::PathBuf;
use std::process::Command;

use crate::editor_session::EditorSession;
use crate::helpers::{Page, TestApp};
use crate::media::{assert_published, publish_gallery};

/// Publishes a gallery of three photos and a video with a poster on the
/// live story, then posts a gallery whose second photo lacks its alt text:
/// the desk page that comes back, its slots open with their errors.
async fn publish_gallery_and_video(desk: &EditorSession<'_>) -> Page {
    let slug = "junior-doctors-strike-live";
    assert_published(&publish_gallery(desk, slug, "Nurses joining the line", true).await);
    let refused = publish_gallery(desk, slug, "", false).await;
    assert_eq!(refused.status, awc::http::StatusCode::UNPROCESSABLE_ENTITY);
    refused
}

/// Where the test command installs the checker (`npm ci` in the repository).
fn vnu_jar() -> PathBuf {
    std::env::var_os("VNU_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("node_modules/vnu-jar/build/dist/vnu.jar")
        })
}

#[actix_web::test]
async fn every_page_passes_the_nu_html_checker() {
    let app = TestApp::with_demo_content().await;
    let pages = [
        "/",
        "/news/junior-doctors-strike-live",
        "/news/nhs-choir-sings-at-great-ormond-street",
        "/news/earlier-strike-called-off",
        "/news/pickets-at-huddersfield-royal-infirmary",
        "/topics/doctors-strike",
        "/search?q=picket",
        "/news/missing",
    ];
    let desk = app.sign_in("sarah").await;
    let gallery_form = publish_gallery_and_video(&desk).await;
    let desk_pages = [
        "/admin",
        "/admin/stories/new",
        "/admin/stories/junior-doctors-strike-live",
        "/admin/stories/junior-doctors-strike-live/edit",
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut bodies = Vec::new();
    for path in pages {
        bodies.push(app.get_page(path).await.body);
    }
    // The live story shows a video facade, a quote card, a gallery and an
    // uploaded video, the choir story a facade in a story body: the checker
    // sees them all as readers get them.
    assert!(
        bodies[1].contains(r#"<figure class="video-embed""#)
            && bodies[1].contains(r#"<blockquote class="social-post""#)
            && bodies[1].contains(r#"<div class="gallery">"#)
            && bodies[1].contains(r#"<figure class="video">"#)
    );
    assert!(bodies[2].contains(r#"<figure class="video-embed""#));
    // The front page shows lead photos' thumbnails; the HRI story leads
    // with its photo and names it in its social cards.
    assert!(bodies[0].contains(r#"<picture class="story-card-photo">"#));
    assert!(bodies[4].contains(r#"<figure class="photo"><picture>"#));
    assert!(bodies[4].contains(r#"<meta property="og:image""#));
    for path in desk_pages {
        bodies.push(desk.get(path).await.body);
    }
    // A form sent back with errors, as an editor sees it.
    let failed = desk
        .post("/admin/stories/new", &[("headline", ""), ("slug", "Bad!")])
        .await;
    bodies.push(failed.body);
    bodies.push(gallery_form.body);
    bodies.push(app.get_page("/admin/login").await.body);
    for (i, body) in bodies.iter().enumerate() {
        let file = dir.path().join(format!("page-{i}.html"));
        std::fs::write(&file, body).unwrap();
        files.push(file);
    }
    let jar = vnu_jar();
    assert!(
        jar.exists(),
        "Nu HTML Checker not found at {}: run the README's test command",
        jar.display()
    );
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "text"])
        .args(&files)
        .output()
        .expect("java runs");
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "HTML errors (pages in order {pages:?}):\n{report}"
    );
}
