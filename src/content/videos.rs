//! The uploaded-videos stage of the Markdown pipeline: a video stored in
//! the media library, written once as a `<video>` that loads nothing but
//! its poster until the reader presses play.
//!
//! # Syntax
//!
//! A paragraph that is nothing but a link to one of newsdesk's own video
//! files, `/media/{sha256}.mp4` or `.webm`, the same shape as a YouTube
//! link ([`super::embeds`]) with the photo line's title ([`super::photos`]):
//!
//! ```text
//! [Video title](/media/9c…e1.mp4 "Caption | Credit")
//! [![Video title](/media/3f…9a-1600.jpg)](/media/9c…e1.mp4 "Caption | Credit")
//! ```
//!
//! The link's text is the video's title; an image as the link's text, one
//! of newsdesk's own photos, is its poster (its alt text the title). The
//! desk writes this line when an editor uploads a video ([`video_line`]),
//! with the "Video poster" photo if one was chosen. It renders as
//!
//! ```text
//! <figure class="video"><video controls preload="none" poster="…-960.jpg"
//!   width="1280" height="720"><source src="/media/9c…e1.mp4" type="video/mp4"></video>
//! <figcaption><span class="video-title">Video title</span> Caption
//!   <span class="credit">Credit</span> <a class="video-download"
//!   href="/media/9c…e1.mp4" download>Download the video (MP4, 3.2 MB)</a></figcaption></figure>
//! ```
//!
//! Without a poster the poster is [`PLACEHOLDER_POSTER`], a plain local
//! image: a page never asks another site for anything. The download link
//! serves readers whose browser cannot play the format. A link to anything
//! else, or to a `/media/` name that is no stored video, stays a link.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::escape;
use super::photos::{
    MediaLookup, caption_and_credit, caption_markup, link_text, paragraph_end, photo_hash,
    plain_text, title_attribute,
};
use crate::media::{FileFormat, MediaKind, MediaName, StoredMedia, megabytes};

/// The poster of a video uploaded without one: a neutral image served from
/// `static/` (its address carries no version: rendered HTML is stored).
pub const PLACEHOLDER_POSTER: &str = "/static/video-poster.svg";

/// The poster's width: the story column at 1x, sharp enough at 2x for a
/// frame that shows only until play.
const POSTER_WIDTH: u32 = 960;

/// The Markdown line for `video` with its poster and words (see the
/// module's doc); `None` if it is not a stored video or the poster has no
/// JPEG.
pub fn video_line(
    video: &StoredMedia,
    poster: Option<&StoredMedia>,
    title: &str,
    caption: &str,
    credit: &str,
) -> Option<String> {
    let src = video.video()?.url();
    let title = link_text(title);
    let label = match poster {
        Some(poster) => format!("![{title}]({})", poster.fallback()?.url()),
        None => title,
    };
    Some(format!(
        "[{label}]({src}{})",
        title_attribute(caption, credit)
    ))
}

/// Replaces each paragraph that is only a link to a stored video with its
/// player.
pub(super) fn render_videos<'a>(events: Vec<Event<'a>>, media_of: MediaLookup) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        if let Some((html, used)) = video_paragraph(&events[i..], media_of) {
            out.push(Event::Html(html.into()));
            i += used;
        } else {
            out.push(events[i].clone());
            i += 1;
        }
    }
    out
}

/// The player for the paragraph starting `events`, and how many events it
/// took, if that paragraph is only a link to a stored video.
fn video_paragraph(events: &[Event], media_of: MediaLookup) -> Option<(String, usize)> {
    let [
        Event::Start(Tag::Paragraph),
        Event::Start(Tag::Link {
            dest_url,
            title: words,
            ..
        }),
        ..,
    ] = events
    else {
        return None;
    };
    let link_end = events
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Link)))?;
    let after = paragraph_end(events, link_end + 1)?;
    let video = media_of(video_hash(dest_url)?)?;
    if video.kind != MediaKind::Video {
        return None;
    }
    let label = &events[2..link_end];
    let (poster, title) = match label {
        [
            Event::Start(Tag::Image {
                dest_url: poster, ..
            }),
            alt @ ..,
            Event::End(TagEnd::Image),
        ] => {
            let poster = media_of(photo_hash(poster)?)?;
            let src = poster.jpeg_for(POSTER_WIDTH)?.url();
            (src, plain_text(alt))
        }
        label => (PLACEHOLDER_POSTER.to_owned(), plain_text(label)),
    };
    let (caption, credit) = caption_and_credit(words);
    Some((player(&video, &poster, &title, caption, credit)?, after + 1))
}

/// The SHA-256 of a `/media/` address that names a video file.
pub fn video_hash(url: &str) -> Option<&str> {
    let name = MediaName::parse(url.strip_prefix("/media/")?)?;
    if !matches!(name.format(), FileFormat::Mp4 | FileFormat::Webm) {
        return None;
    }
    url.strip_prefix("/media/")?
        .split_once('.')
        .map(|(hash, _)| hash)
}

/// The markup of one video (see the module's doc).
fn player(
    video: &StoredMedia,
    poster: &str,
    title: &str,
    caption: &str,
    credit: &str,
) -> Option<String> {
    let file = video.video()?;
    let format = file.format();
    let size = match (video.width, video.height) {
        (Some(width), Some(height)) => format!(r#" width="{width}" height="{height}""#),
        _ => String::new(),
    };
    let src = escape(&file.url());
    let mut html = format!(
        concat!(
            r#"<figure class="video"><video controls preload="none" poster="{poster}"{size}>"#,
            r#"<source src="{src}" type="{kind}"></video><figcaption>"#,
        ),
        poster = escape(poster),
        size = size,
        src = src,
        kind = format.content_type(),
    );
    if !title.is_empty() {
        html.push_str(&format!(
            r#"<span class="video-title">{}</span> "#,
            escape(title)
        ));
    }
    let words = caption_markup(caption, credit);
    if !words.is_empty() {
        html.push_str(&words);
        html.push(' ');
    }
    html.push_str(&format!(
        r#"<a class="video-download" href="{src}" download>Download the video ({}, {})</a></figcaption></figure>"#,
        format.extension().to_uppercase(),
        megabytes(file.bytes),
    ));
    Some(html)
}

/// Adds the player's markup to what `builder` keeps, and no more.
pub fn allow_videos(builder: &mut ammonia::Builder<'_>) {
    builder
        .add_tags(["video", "source"])
        .add_allowed_classes("figure", ["video"])
        .add_allowed_classes("span", ["video-title"])
        .add_allowed_classes("a", ["video-download"])
        .add_tag_attributes(
            "video",
            ["controls", "preload", "poster", "width", "height"],
        )
        .add_tag_attributes("source", ["src", "type"])
        .add_tag_attributes("a", ["download"]);
}

/// The sanitiser's check of the player's attributes: sources and posters
/// only of newsdesk's own files, nothing preloaded. `None` for an
/// attribute this stage does not own (a photo's `<source type>` included).
pub fn checked_value(element: &str, attribute: &str, value: &str) -> Option<bool> {
    Some(match (element, attribute) {
        ("video", "controls") | ("a", "download") => value.is_empty(),
        ("video", "preload") => value == "none",
        ("video", "poster") => value == PLACEHOLDER_POSTER || photo_hash(value).is_some(),
        ("video", "width" | "height") => {
            (1..=5).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
        }
        ("source", "src") => video_hash(value).is_some(),
        ("source", "type") if value.starts_with("video/") => {
            value == FileFormat::Mp4.content_type() || value == FileFormat::Webm.content_type()
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
