//! A photo uploaded through the desk's file control in a real browser,
//! then shown on the story page as a responsive picture.

use fantoccini::Locator;
use image::{Rgb, RgbImage};

use super::Browser;
use crate::editor_session::PASSWORD;
use crate::helpers::TestApp;

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 120])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&image)
        .unwrap();
    out
}

#[actix_web::test]
async fn a_photo_chosen_with_the_file_control_shows_on_the_story_page() {
    let app = TestApp::spawn().await;
    let editor = app.create_editor("sarah").await;
    let slug = app.create_story("Pickets at dawn", editor).await;
    let files = tempfile::tempdir().unwrap();
    let photo = files.path().join("gate.jpg");
    std::fs::write(&photo, jpeg(1200, 800)).unwrap();

    let browser = Browser::start().await;
    browser
        .client
        .goto(&app.url(&format!("/admin/stories/{slug}")))
        .await
        .unwrap();
    browser.fill("Username", "sarah").await;
    browser.fill("Password", PASSWORD).await;
    browser.press("Sign in").await;

    browser.fill("Update", "The picket at the main gate.").await;
    browser
        .field("Photo")
        .await
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    // First without alt text: refused next to the field, the text kept.
    browser.press("Publish update").await;
    assert!(
        browser
            .text_of("#alt-error")
            .await
            .contains("Write the alt text")
    );
    assert_eq!(app.media_rows().await, (0, 0));
    browser
        .field("Photo")
        .await
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    browser
        .fill("Alt text", "Doctors at the hospital gate")
        .await;
    browser.fill("Caption", "The 8am picket").await;
    browser.fill("Credit", "Jo Bloggs").await;
    browser.press("Publish update").await;
    assert_eq!(app.media_rows().await.0, 1);

    browser
        .client
        .goto(&app.url(&format!("/news/{slug}")))
        .await
        .unwrap();
    let img = browser
        .client
        .find(Locator::Css("figure.photo picture img"))
        .await
        .expect("the photo on the story page");
    assert_eq!(
        img.attr("alt").await.unwrap().as_deref(),
        Some("Doctors at the hospital gate")
    );
    assert_eq!(img.attr("width").await.unwrap().as_deref(), Some("1200"));
    assert_eq!(img.attr("height").await.unwrap().as_deref(), Some("800"));
    assert!(img.attr("srcset").await.unwrap().unwrap().contains("480w"));
    // The browser chose a file from the srcset and it loaded.
    let loaded = browser
        .client
        .execute(
            "const i = document.querySelector('figure.photo img'); i.loading = 'eager'; \
             return i.decode().then(() => [i.naturalWidth, i.currentSrc])",
            vec![],
        )
        .await
        .unwrap();
    let width = loaded[0].as_u64().unwrap();
    assert!(width > 0, "{loaded}");
    assert!(loaded[1].as_str().unwrap().contains("/media/"), "{loaded}");
    assert_eq!(
        browser.text_of("figure.photo figcaption").await,
        "The 8am picket Jo Bloggs"
    );
    browser.client.clone().close().await.unwrap();
}

/// A story's desk page in a browser, signed in.
async fn desk_in_browser() -> (TestApp, Browser) {
    let app = TestApp::spawn().await;
    let editor = app.create_editor("sarah").await;
    let slug = app.create_story("Pickets at dawn", editor).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&app.url(&format!("/admin/stories/{slug}")))
        .await
        .unwrap();
    browser.fill("Username", "sarah").await;
    browser.fill("Password", PASSWORD).await;
    browser.press("Sign in").await;
    (app, browser)
}

#[actix_web::test]
async fn a_photo_dropped_on_the_update_form_goes_into_the_photo_control() {
    let (_app, browser) = desk_in_browser().await;
    let chosen = browser
        .client
        .execute(
            "const form = document.querySelector('form.update-form'); \
             const dropped = new DataTransfer(); \
             dropped.items.add(new File([new Uint8Array([255, 216, 255])], 'gate.jpg', { type: 'image/jpeg' })); \
             const target = form.querySelector('textarea'); \
             target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dropped, bubbles: true, cancelable: true })); \
             const dragging = form.classList.contains('dropping'); \
             const kept = target.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true })); \
             const input = form.querySelector('input[type=file][name=photo]'); \
             return [dragging, kept, input.files.length, input.files[0] && input.files[0].name, form.classList.contains('dropping')];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        chosen,
        serde_json::json!([true, false, 1, "gate.jpg", false])
    );
    browser.client.clone().close().await.unwrap();
}

/// Drops `photos` image files and one video on the update form; returns
/// the name in every file control (photo slots in order, then the video),
/// whether "Add more photos" opened, and the status line.
const DROP_MANY: &str = "const [photos] = arguments; \
     const form = document.querySelector('form.update-form'); \
     const dropped = new DataTransfer(); \
     for (let i = 1; i <= photos; i++) dropped.items.add(new File([new Uint8Array([255, 216, 255])], `${i}.jpg`, { type: 'image/jpeg' })); \
     dropped.items.add(new File([new Uint8Array([0, 0, 0, 24])], 'choir.mp4', { type: 'video/mp4' })); \
     form.querySelector('textarea').dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true })); \
     const names = Array.from(form.querySelectorAll('input[type=file]')).map((input) => input.files[0] ? input.files[0].name : ''); \
     return [names, form.querySelector('details.more-photos').open, form.querySelector('[data-drop-status]').textContent, document.activeElement.id];";

#[actix_web::test]
async fn several_files_dropped_on_the_update_form_fill_the_photo_slots_and_the_video() {
    let (_app, browser) = desk_in_browser().await;
    let three = browser
        .client
        .execute(DROP_MANY, vec![serde_json::json!(3)])
        .await
        .unwrap();
    assert_eq!(
        three,
        serde_json::json!([
            ["1.jpg", "2.jpg", "3.jpg", "", "", "", "choir.mp4", ""],
            true,
            "",
            "alt"
        ])
    );
    // Four more: three empty slots take three, the fourth is left out, said.
    let more = browser
        .client
        .execute(DROP_MANY, vec![serde_json::json!(4)])
        .await
        .unwrap();
    assert_eq!(
        more,
        serde_json::json!([
            [
                "1.jpg",
                "2.jpg",
                "3.jpg",
                "1.jpg",
                "2.jpg",
                "3.jpg",
                "choir.mp4",
                ""
            ],
            true,
            "1 file was left out: an update carries at most 6 photos and one video.",
            "alt_4"
        ])
    );
    browser.client.clone().close().await.unwrap();
}
