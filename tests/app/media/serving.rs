//! `GET /media/{name}`: types, immutable caching, validators, ranges, and
//! nothing but newsdesk's own file names.

use awc::http::StatusCode;
use newsdesk::media::{Expected, FileFormat, StoredMedia};

use super::fixtures;
use crate::helpers::TestApp;

async fn stored_video(app: &TestApp) -> (StoredMedia, Vec<u8>) {
    let mp4 = fixtures::mp4(10_000);
    let stored = app
        .store_media(mp4.clone(), "choir.mp4", Expected::Video)
        .await
        .unwrap();
    (stored, mp4)
}

#[actix_web::test]
async fn stored_files_are_served_immutable_with_their_type() {
    let app = TestApp::spawn().await;
    let photo = app
        .store_photo(fixtures::jpeg(&fixtures::picture(1000, 600)))
        .await;
    let (video, _) = stored_video(&app).await;
    let webp = photo.files_in(FileFormat::Webp).next().unwrap();
    let files = [
        (photo.fallback().unwrap(), "image/jpeg"),
        (webp, "image/webp"),
        (video.video().unwrap(), "video/mp4"),
    ];
    for (file, content_type) in files {
        let response = app
            .get_raw(&file.url(), &[("Accept-Encoding", "gzip")])
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", file.name);
        assert_eq!(
            response.header("content-type").as_deref(),
            Some(content_type)
        );
        assert_eq!(
            response.header("cache-control").as_deref(),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(
            response.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert_eq!(response.header("accept-ranges").as_deref(), Some("bytes"));
        // Already compressed: sent as it is.
        assert_eq!(response.header("content-encoding"), None);
        assert_eq!(response.body, app.media_file(file.name.as_str()));
        let etag = response.header("etag").expect("an ETag");
        let again = app.get_raw(&file.url(), &[("If-None-Match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    }
}

#[actix_web::test]
async fn a_range_of_a_video_is_exactly_those_bytes() {
    let app = TestApp::spawn().await;
    let (video, mp4) = stored_video(&app).await;
    let url = video.video().unwrap().url();
    let total = mp4.len();

    let middle = app.get_raw(&url, &[("Range", "bytes=100-1099")]).await;
    assert_eq!(middle.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(middle.body, &mp4[100..1100]);
    assert_eq!(
        middle.header("content-range"),
        Some(format!("bytes 100-1099/{total}"))
    );
    assert_eq!(middle.header("content-length"), Some("1000".into()));

    let suffix = app.get_raw(&url, &[("Range", "bytes=-500")]).await;
    assert_eq!(suffix.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(suffix.body, &mp4[total - 500..]);
    assert_eq!(
        suffix.header("content-range"),
        Some(format!("bytes {}-{}/{total}", total - 500, total - 1))
    );

    let open_ended = app
        .get_raw(&url, &[("Range", &format!("bytes={}-", total - 10))])
        .await;
    assert_eq!(open_ended.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(open_ended.body, &mp4[total - 10..]);

    let beyond = app
        .get_raw(&url, &[("Range", &format!("bytes={total}-"))])
        .await;
    assert_eq!(beyond.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        beyond.header("content-range"),
        Some(format!("bytes */{total}"))
    );

    // A range for an older version of the file is ignored: the whole file.
    let stale = app
        .get_raw(&url, &[("Range", "bytes=0-9"), ("If-Range", "\"another\"")])
        .await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.body, mp4);
}

#[actix_web::test]
async fn only_newsdesk_file_names_are_served() {
    let app = TestApp::spawn().await;
    let photo = app
        .store_photo(fixtures::jpeg(&fixtures::picture(500, 300)))
        .await;
    let name = photo.fallback().unwrap().name.to_string();
    std::fs::write(app.room.media.dir().join("notes.txt"), "private").unwrap();
    let h = &photo.sha256;
    for path in [
        format!("/media/{}", name.to_uppercase()),
        format!("/media/{h}-500.svg"),
        format!("/media/{h}-499.jpg"),
        format!("/media/{h}.jpg"),
        "/media/notes.txt".to_owned(),
        "/media/..%2Ftest.db".to_owned(),
        "/media/%2e%2e%2ftest.db".to_owned(),
        "/media/..%252Ftest.db".to_owned(),
        "/media/%2E%2E/test.db".to_owned(),
        format!("/media/{name}%00.txt"),
        format!("/media/{name}/"),
        format!("/media/x/../{name}"),
        "/media/".to_owned(),
    ] {
        let response = app.get_raw(&path, &[]).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
    }
    let served = app.get_raw(&format!("/media/{name}"), &[]).await;
    assert_eq!(served.status, StatusCode::OK);
}
