use chrono::Utc;

use super::*;
use crate::content::photos::tests::{render_with, stored_photo};
use crate::media::{ContentHash, MediaFile};

fn stored_video() -> StoredMedia {
    let hash = ContentHash::of(b"a video");
    StoredMedia {
        id: 1,
        kind: MediaKind::Video,
        sha256: hash.as_str().to_owned(),
        width: Some(1280),
        height: Some(720),
        bytes: 3_200_000,
        files: vec![MediaFile {
            name: MediaName::original(&hash, FileFormat::Mp4),
            width: Some(1280),
            height: Some(720),
            bytes: 3_200_000,
        }],
        created_at: Utc::now(),
    }
}

fn stored_poster() -> StoredMedia {
    stored_photo(b"a poster")
}

fn render(md: &str) -> String {
    render_with(md, &[stored_video(), stored_poster()])
}

#[test]
fn the_desks_line_renders_a_player_that_preloads_nothing_but_its_poster() {
    let (video, poster) = (stored_video(), stored_poster());
    let line = video_line(
        &video,
        Some(&poster),
        "The choir [live]",
        "Outside the hospital",
        "Jo Bloggs",
    )
    .unwrap();
    let html = render(&format!("Singing.\n\n{line}\n"));
    let src = video.video().unwrap().url();
    let poster_src = poster.jpeg_for(960).unwrap().url();
    let expected = format!(
        r#"<figure class="video"><video controls="" preload="none" poster="{poster_src}" width="1280" height="720"><source src="{src}" type="video/mp4"></video><figcaption><span class="video-title">The choir [live]</span> Outside the hospital <span class="credit">Jo Bloggs</span> <a class="video-download" href="{src}" download="" rel="noopener noreferrer">Download the video (MP4, 3.2 MB)</a></figcaption></figure>"#
    );
    assert!(html.contains(&expected), "{html}\n{expected}");
    assert!(html.starts_with("<p>Singing.</p>"), "{html}");
}

#[test]
fn without_a_poster_the_placeholder_stands_in() {
    let line = video_line(&stored_video(), None, "The choir", "", "").unwrap();
    assert!(!line.contains('"'), "{line}");
    let html = render(&line);
    assert!(
        html.contains(&format!(r#"poster="{PLACEHOLDER_POSTER}""#)),
        "{html}"
    );
    assert!(html.contains(r#"<span class="video-title">The choir</span>"#));
}

#[test]
fn other_links_stay_links_and_hand_typed_players_are_held_to_ours() {
    let unknown = render(&format!("[x](/media/{}.mp4)", "0".repeat(64)));
    assert!(!unknown.contains("<video"), "{unknown}");
    let inline = render(&format!(
        "See [x]({})",
        stored_video().video().unwrap().url()
    ));
    assert!(!inline.contains("<video"), "{inline}");
    let typed = render(
        r#"<video autoplay preload="auto" poster="https://evil.example/p.jpg" onplay="x()"><source src="https://evil.example/v.mp4" type="text/html"></video>"#,
    );
    for banned in ["evil", "autoplay", "auto", "onplay", "text/html"] {
        assert!(!typed.contains(banned), "{banned}: {typed}");
    }
}
