//! Uploads refused for what they are: each with the message the editor
//! sees, and nothing stored (no row, no file, not even a temporary one).

use newsdesk::media::{Expected, MediaError};

use super::fixtures;
use crate::helpers::TestApp;

/// Stores `bytes` expecting a refusal; returns its message after checking
/// that nothing at all was stored.
async fn refusal(bytes: Vec<u8>, file_name: &str, expected: Expected) -> String {
    let app = TestApp::spawn().await;
    let error = app
        .store_media(bytes, file_name, expected)
        .await
        .expect_err("refused");
    let MediaError::Refused(refusal) = error else {
        panic!("not a refusal: {error:?}");
    };
    assert_eq!(
        app.media_rows().await,
        (0, 0),
        "rows stored for {file_name}"
    );
    assert_eq!(
        app.media_dir_entries(),
        Vec::<String>::new(),
        "files for {file_name}"
    );
    refusal.to_string()
}

#[actix_web::test]
async fn a_text_file_renamed_jpg_is_not_a_photo() {
    let text = b"Minutes of the strike committee, 12 January.\n".repeat(50);
    assert_eq!(
        refusal(text, "minutes.jpg", Expected::Photo).await,
        "“minutes.jpg” is not a photo newsdesk can read (JPEG, PNG or WebP)."
    );
}

#[actix_web::test]
async fn an_svg_is_refused_by_name() {
    let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    assert_eq!(
        refusal(svg.to_vec(), "chart.png", Expected::Photo).await,
        "“chart.png” is an SVG drawing, and SVG drawings are not accepted: upload a photo \
         (JPEG, PNG or WebP)."
    );
}

#[actix_web::test]
async fn a_decompression_bomb_is_refused_from_its_header() {
    let bomb = fixtures::png_bomb(100_000, 100_000);
    assert!(bomb.len() < 2000, "{} bytes", bomb.len());
    let started = std::time::Instant::now();
    assert_eq!(
        refusal(bomb, "bomb.png", Expected::Photo).await,
        "“bomb.png” is 10000 megapixels (100000 × 100000); the most is 50. \
         Make it smaller and upload it again."
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[actix_web::test]
async fn a_photo_over_the_byte_limit_is_refused_before_decoding() {
    let mut huge = fixtures::jpeg(&fixtures::picture(64, 64));
    huge.resize(25_000_000, 0);
    assert_eq!(
        refusal(huge, "huge.jpg", Expected::Photo).await,
        "“huge.jpg” is 25 MB; a photo may be at most 20 MB."
    );
}

#[actix_web::test]
async fn a_truncated_jpeg_is_incomplete() {
    let whole = fixtures::jpeg(&fixtures::picture(800, 600));
    let cut = whole[..whole.len() * 6 / 10].to_vec();
    assert_eq!(
        refusal(cut, "IMG_2041.JPG", Expected::Photo).await,
        "“IMG_2041.JPG” is incomplete (the upload or the copy was cut short): upload it again."
    );
}

#[actix_web::test]
async fn a_truncated_png_is_incomplete() {
    let whole = fixtures::png(&fixtures::picture(400, 300));
    let cut = whole[..whole.len() / 2].to_vec();
    assert_eq!(
        refusal(cut, "cut.png", Expected::Photo).await,
        "“cut.png” is incomplete (the upload or the copy was cut short): upload it again."
    );
}

#[actix_web::test]
async fn phone_formats_browsers_cannot_show_say_how_to_export() {
    let heic = [
        fixtures::ftyp(b"heic", &[b"mif1", b"heic"]),
        fixtures::mp4_box(b"meta", &[0; 32]),
    ]
    .concat();
    assert_eq!(
        refusal(heic, "IMG_2042.HEIC", Expected::Photo).await,
        "“IMG_2042.HEIC” is a HEIC or AVIF photo, which most browsers cannot show: export it \
         as JPEG, or set the phone's camera to “Most Compatible”."
    );
    let mov = [
        fixtures::ftyp(b"qt  ", &[b"qt  "]),
        fixtures::mp4_box(b"moov", &[]),
        fixtures::mp4_box(b"mdat", &[1; 64]),
    ]
    .concat();
    assert_eq!(
        refusal(mov, "IMG_2043.MOV", Expected::Video).await,
        "“IMG_2043.MOV” is a QuickTime (.mov) video, which not every browser plays: export it \
         as MP4."
    );
    assert_eq!(
        refusal(fixtures::webm("matroska"), "clip.webm", Expected::Video).await,
        "“clip.webm” is a Matroska (.mkv) video, which not every browser plays: export it as \
         MP4 or WebM."
    );
}

#[actix_web::test]
async fn a_video_on_the_photo_control_and_a_photo_on_the_video_control_are_refused() {
    assert_eq!(
        refusal(fixtures::mp4(100), "choir.jpg", Expected::Photo).await,
        "“choir.jpg” is not a photo newsdesk can read (JPEG, PNG or WebP)."
    );
    let photo = fixtures::jpeg(&fixtures::picture(64, 64));
    assert_eq!(
        refusal(photo, "choir.mp4", Expected::Video).await,
        "“choir.mp4” is not a video newsdesk can play (MP4 or WebM)."
    );
}

#[actix_web::test]
async fn a_cut_video_is_incomplete() {
    let whole = fixtures::mp4(5000);
    let cut = whole[..whole.len() - 100].to_vec();
    assert_eq!(
        refusal(cut, "choir.mp4", Expected::Video).await,
        "“choir.mp4” is incomplete (the upload or the copy was cut short): upload it again."
    );
}
