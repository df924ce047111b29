//! A video uploaded with the update form: stored as it came, shown as a
//! `<video>` that loads nothing but its poster until play, served in
//! ranges; refused by what its bytes are, never by its name.

use awc::http::StatusCode;
use newsdesk::content::videos::PLACEHOLDER_POSTER;

use super::{assert_refused_at, desk, fixtures, publish_with_files};

const WORDS: [(&str, &str); 4] = [
    ("body", "The choir sang at the gate."),
    ("video_title", "The NHS Choir outside Great Ormond Street"),
    ("video_caption", "Before the 8am picket"),
    ("video_credit", "Jo Bloggs"),
];

#[actix_web::test]
async fn a_video_published_with_a_poster_plays_on_demand_and_serves_exact_ranges() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let mp4 = fixtures::mp4(50_000);
    let poster = fixtures::jpeg(&fixtures::picture(1280, 720));
    let page = publish_with_files(
        &session,
        &slug,
        &WORDS,
        &[
            ("video", "choir.mp4", "video/mp4", &mp4),
            ("video_poster", "frame.jpg", "image/jpeg", &poster),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(app.media_rows().await.0, 2);

    let story = app.get_page(&format!("/news/{slug}")).await;
    let video = ".update figure.video video";
    assert_eq!(story.attrs(video, "preload"), ["none"], "{}", story.body);
    assert_eq!(story.attrs(video, "controls"), [""]);
    assert_eq!(story.attrs(video, "width"), ["1280"]);
    assert_eq!(story.attrs(video, "height"), ["720"]);
    let poster_src = story.attrs(video, "poster").remove(0);
    assert!(
        poster_src.starts_with("/media/") && poster_src.ends_with("-960.jpg"),
        "{poster_src}"
    );
    assert_eq!(app.try_get(&poster_src).await, Some(StatusCode::OK));
    assert_eq!(
        story.attrs(&format!("{video} source"), "type"),
        ["video/mp4"]
    );
    let src = story.attrs(&format!("{video} source"), "src").remove(0);
    assert!(src.starts_with("/media/") && src.ends_with(".mp4"), "{src}");
    assert_eq!(
        story.texts(".update figure.video figcaption"),
        [
            "The NHS Choir outside Great Ormond Street Before the 8am picket Jo Bloggs \
          Download the video (MP4, 0.1 MB)"
        ]
    );
    assert_eq!(story.attrs("a.video-download", "href"), [src.as_str()]);

    let range = app.get_raw(&src, &[("Range", "bytes=1000-1999")]).await;
    assert_eq!(range.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.body, &mp4[1000..2000]);
    assert_eq!(
        range.header("content-range"),
        Some(format!("bytes 1000-1999/{}", mp4.len()))
    );
    // Kept byte for byte, renamed into place from the upload, readable as
    // the photos' files are.
    let name = src.strip_prefix("/media/").unwrap();
    assert_eq!(app.media_file(name), mp4);
    let mode = |name: &str| {
        let path = app.room.media.dir().join(name);
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(path).unwrap().permissions())
    };
    assert_eq!(
        mode(name),
        mode(poster_src.strip_prefix("/media/").unwrap())
    );
}

#[actix_web::test]
async fn a_video_without_a_poster_shows_the_local_placeholder() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let webm = fixtures::webm("webm");
    let page = publish_with_files(
        &session,
        &slug,
        &WORDS[..2],
        &[("video", "choir.webm", "video/webm", &webm)],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let story = app.get_page(&format!("/news/{slug}")).await;
    let video = ".update figure.video video";
    assert_eq!(story.attrs(video, "poster"), [PLACEHOLDER_POSTER]);
    assert_eq!(
        story.attrs(&format!("{video} source"), "type"),
        ["video/webm"]
    );
    let placeholder = app.get_raw(PLACEHOLDER_POSTER, &[]).await;
    assert_eq!(placeholder.status, StatusCode::OK);
    assert_eq!(
        placeholder.header("content-type").as_deref(),
        Some("image/svg+xml")
    );
}

#[actix_web::test]
async fn a_text_file_renamed_mp4_is_refused_with_a_clear_message() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let page = publish_with_files(
        &session,
        &slug,
        &WORDS,
        &[(
            "video",
            "choir.mp4",
            "video/mp4",
            b"not a video, just notes",
        )],
    )
    .await;
    assert_refused_at(
        &page,
        "video",
        "Error: “choir.mp4” is not a video newsdesk can play (MP4 or WebM).",
    );
    assert_eq!(
        page.attrs("input[name=video_title]", "value"),
        ["The NHS Choir outside Great Ormond Street"]
    );
    app.assert_no_media().await;
}

#[actix_web::test]
async fn a_video_needs_a_title_and_a_poster_needs_a_video() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    let mp4 = fixtures::mp4(1_000);
    let poster = fixtures::jpeg(&fixtures::picture(64, 48));
    let page = publish_with_files(
        &session,
        &slug,
        &[("body", "Choir.")],
        &[("video", "choir.mp4", "video/mp4", &mp4)],
    )
    .await;
    assert_refused_at(&page, "video_title", "Write the video's title");
    assert_refused_at(&page, "video", "Choose the video again");
    let page = publish_with_files(
        &session,
        &slug,
        &[("body", "Choir.")],
        &[("video_poster", "frame.jpg", "image/jpeg", &poster)],
    )
    .await;
    assert_refused_at(&page, "video_poster", "A poster goes with a video");
    app.assert_no_media().await;
}

#[actix_web::test]
async fn a_video_larger_than_any_photo_is_received_and_kept() {
    let (app, slug) = desk().await;
    let session = app.sign_in_again("desk").await;
    // Over the photo limit (20 MB) that once bounded every desk post.
    let mp4 = fixtures::mp4(21_000_000);
    let page = publish_with_files(
        &session,
        &slug,
        &WORDS[..2],
        &[("video", "long.mp4", "video/mp4", &mp4)],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let (media, _) = app.media_rows().await;
    assert_eq!(media, 1);
    let kept: Vec<String> = app
        .media_dir_entries()
        .into_iter()
        .filter(|name| name.ends_with(".mp4"))
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(app.media_file(&kept[0]).len(), mp4.len());
    assert_eq!(app.media_dir_entries().len(), 1, "no temporary file left");
}
