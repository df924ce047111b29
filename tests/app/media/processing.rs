//! What is kept of an accepted upload.

use newsdesk::media::{Expected, FileFormat, MediaKind, StoredMedia};

use super::fixtures::{self, contains};
use crate::helpers::TestApp;

/// (width, format) of every file, in the order `StoredMedia` lists them.
fn layout(stored: &StoredMedia) -> Vec<(u32, FileFormat)> {
    stored
        .files
        .iter()
        .map(|f| (f.width.unwrap(), f.format()))
        .collect()
}

/// The stored file decoded, checking its recorded size against its pixels.
fn decoded(app: &TestApp, file: &newsdesk::media::MediaFile) -> image::DynamicImage {
    let bytes = app.media_file(file.name.as_str());
    assert_eq!(bytes.len() as u64, file.bytes, "{}", file.name);
    let format = match file.format() {
        FileFormat::Jpeg => image::ImageFormat::Jpeg,
        FileFormat::Webp => image::ImageFormat::WebP,
        other => panic!("not a photo file: {other:?}"),
    };
    let image = image::load_from_memory_with_format(&bytes, format).unwrap();
    assert_eq!(
        (Some(image.width()), Some(image.height())),
        (file.width, file.height),
        "{}",
        file.name
    );
    image
}

#[actix_web::test]
async fn a_large_photo_is_kept_at_three_widths_as_jpeg_and_smaller_webp() {
    let app = TestApp::spawn().await;
    let stored = app
        .store_photo(fixtures::jpeg(&fixtures::picture(2400, 1600)))
        .await;
    assert_eq!(stored.kind, MediaKind::Image);
    assert_eq!((stored.width, stored.height), (Some(2400), Some(1600)));
    let jpegs: Vec<_> = stored.files_in(FileFormat::Jpeg).collect();
    let widths: Vec<_> = jpegs.iter().map(|f| f.width.unwrap()).collect();
    assert_eq!(widths, [480, 960, 1600]);
    let heights: Vec<_> = jpegs.iter().map(|f| f.height.unwrap()).collect();
    assert_eq!(heights, [320, 640, 1067]);
    // A WebP is kept only where it is smaller than the JPEG beside it.
    assert!(
        stored.files_in(FileFormat::Webp).count() > 0,
        "{:?}",
        layout(&stored)
    );
    for webp in stored.files_in(FileFormat::Webp) {
        let jpeg = jpegs.iter().find(|j| j.width == webp.width).unwrap();
        assert!(webp.bytes < jpeg.bytes, "{} vs {}", webp.name, jpeg.name);
    }
    for file in &stored.files {
        assert!(file.name.as_str().starts_with(&stored.sha256));
        decoded(&app, file);
    }
    let mut on_disk: Vec<String> = stored.files.iter().map(|f| f.name.to_string()).collect();
    on_disk.sort();
    assert_eq!(app.media_dir_entries(), on_disk);
    assert_eq!(
        stored.srcset(FileFormat::Jpeg),
        format!(
            "/media/{h}-480.jpg 480w, /media/{h}-960.jpg 960w, /media/{h}-1600.jpg 1600w",
            h = stored.sha256
        )
    );
    assert_eq!(stored.fallback().unwrap().width, Some(1600));
}

#[actix_web::test]
async fn a_small_photo_is_never_upscaled() {
    let app = TestApp::spawn().await;
    let stored = app
        .store_photo(fixtures::png(&fixtures::picture(300, 200)))
        .await;
    let widths: Vec<_> = stored.files.iter().map(|f| f.width.unwrap()).collect();
    assert!(widths.iter().all(|&w| w == 300), "{widths:?}");
    assert_eq!(stored.files_in(FileFormat::Jpeg).count(), 1);
    let medium = app
        .store_photo(fixtures::webp(&fixtures::picture(1200, 900)))
        .await;
    let widths: Vec<_> = medium
        .files_in(FileFormat::Jpeg)
        .map(|f| f.width.unwrap())
        .collect();
    assert_eq!(widths, [480, 960, 1200]);
}

#[actix_web::test]
async fn a_photo_shot_sideways_is_stored_upright() {
    let app = TestApp::spawn().await;
    // Orientation 6: the camera was turned; viewers rotate 90° clockwise.
    let sideways = fixtures::with_exif(&fixtures::jpeg(&fixtures::halves(400, 200)), 6);
    let stored = app.store_photo(sideways).await;
    assert_eq!((stored.width, stored.height), (Some(200), Some(400)));
    for file in &stored.files {
        let image = decoded(&app, file).into_rgb8();
        assert_eq!((image.width(), image.height()), (200, 400));
        // The left (red) half of the sensor is now the top.
        let top = image.get_pixel(100, 50);
        let bottom = image.get_pixel(100, 350);
        assert!(top[0] > 150 && top[2] < 100, "{} top {top:?}", file.name);
        assert!(
            bottom[2] > 150 && bottom[0] < 100,
            "{} bottom {bottom:?}",
            file.name
        );
    }
}

#[actix_web::test]
async fn no_stored_file_carries_exif_or_gps() {
    let app = TestApp::spawn().await;
    let original = fixtures::with_exif(&fixtures::jpeg(&fixtures::picture(1800, 1200)), 1);
    assert!(contains(&original, b"Exif"));
    assert!(contains(&original, &fixtures::gps_latitude_bytes()));
    let stored = app.store_photo(original).await;
    assert!(stored.files.len() >= 3);
    for name in app.media_dir_entries() {
        let bytes = app.media_file(&name);
        assert!(!contains(&bytes, b"Exif"), "{name} has an Exif block");
        assert!(
            !contains(&bytes, fixtures::CAMERA_MAKE),
            "{name} names the camera"
        );
        assert!(
            !contains(&bytes, &fixtures::gps_latitude_bytes()),
            "{name} has the GPS position"
        );
        assert!(
            !contains(&bytes, b"http://ns.adobe.com/xap"),
            "{name} has XMP"
        );
    }
}

#[actix_web::test]
async fn a_display_p3_photo_is_converted_to_srgb_before_its_profile_goes() {
    let app = TestApp::spawn().await;
    let original = fixtures::display_p3_jpeg([200, 100, 50]);
    assert!(contains(&original, b"ICC_PROFILE"));
    let stored = app.store_photo(original).await;
    for file in &stored.files {
        let bytes = app.media_file(file.name.as_str());
        assert!(
            !contains(&bytes, b"ICC_PROFILE"),
            "{} has a profile",
            file.name
        );
        let image = decoded(&app, file).into_rgb8();
        let pixel = image.get_pixel(160, 120);
        // P3's red is redder than sRGB's: the same colour takes more red
        // and less green in sRGB.
        assert!(pixel[0] > 205 && pixel[1] < 98, "{} {pixel:?}", file.name);
    }
}

#[actix_web::test]
async fn transparency_becomes_white_in_the_jpeg() {
    let app = TestApp::spawn().await;
    let stored = app
        .store_photo(fixtures::half_transparent_png(600, 300))
        .await;
    let jpeg = stored.fallback().unwrap();
    let image = decoded(&app, jpeg).into_rgb8();
    let left = image.get_pixel(50, 150);
    assert!(left.0.iter().all(|&c| c > 245), "{left:?}");
}

#[actix_web::test]
async fn the_same_bytes_stored_twice_are_one_row_and_one_set_of_files() {
    let app = TestApp::spawn().await;
    let photo = fixtures::jpeg(&fixtures::picture(1000, 700));
    let first = app.store_photo(photo.clone()).await;
    let files = app.media_dir_entries();
    let second = app
        .store_media(photo, "another name.jpg", Expected::PhotoOrVideo)
        .await
        .unwrap();
    assert_eq!(first, second);
    assert_eq!(app.media_dir_entries(), files);
    assert_eq!(app.media_rows().await, (1, files.len() as i64));
    let mut conn = app.room.db.acquire().await.unwrap();
    let found = newsdesk::db::media::find(&mut conn, first.id)
        .await
        .unwrap();
    assert_eq!(found.as_ref(), Some(&first));
    assert_eq!(
        newsdesk::db::media::find(&mut conn, first.id + 1)
            .await
            .unwrap(),
        None
    );
}

#[actix_web::test]
async fn a_video_is_kept_byte_for_byte_with_its_frame_size() {
    let app = TestApp::spawn().await;
    let mp4 = fixtures::mp4(4000);
    let stored = app
        .store_media(mp4.clone(), "choir.mp4", Expected::Video)
        .await
        .unwrap();
    assert_eq!(stored.kind, MediaKind::Video);
    assert_eq!((stored.width, stored.height), (Some(1280), Some(720)));
    let file = stored.video().unwrap();
    assert_eq!(file.format(), FileFormat::Mp4);
    assert_eq!(file.name.as_str(), format!("{}.mp4", stored.sha256));
    assert_eq!(app.media_file(file.name.as_str()), mp4);

    let webm = fixtures::webm("webm");
    let stored = app
        .store_media(webm.clone(), "clip", Expected::PhotoOrVideo)
        .await
        .unwrap();
    assert_eq!((stored.width, stored.height), (Some(640), Some(360)));
    assert_eq!(stored.video().unwrap().format(), FileFormat::Webm);
    assert_eq!(app.media_file(stored.video().unwrap().name.as_str()), webm);
}
