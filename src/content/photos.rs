//! The photos stage of the Markdown pipeline: an uploaded photo, written
//! once when the Markdown is rendered as a responsive `<picture>`.
//!
//! # Syntax
//!
//! A paragraph that is nothing but one Markdown image whose address is one
//! of newsdesk's own photo files, `/media/{sha256}-{width}.jpg`:
//!
//! ```text
//! ![Alt text](/media/3f…9a-1600.jpg "Caption | Credit")
//! ```
//!
//! The image's text is the alt text. Its title, optional, is the caption,
//! then, after the first `|`, the credit (`"| Credit"` is a credit alone).
//! The desk writes this line under an update when an editor uploads a
//! photo ([`photo_line`]); an editor may move or retype it. It renders as
//!
//! ```text
//! <figure class="photo"><picture>
//!   <source type="image/webp" srcset="…480.webp 480w, …" sizes="…">
//!   <img src="…-1600.jpg" srcset="…480.jpg 480w, …" sizes="…" width="1600"
//!        height="1067" alt="Alt text" loading="lazy" decoding="async">
//! </picture><figcaption>Caption <span class="credit">Credit</span></figcaption></figure>
//! ```
//!
//! with every variant looked up in the render context (the files as
//! stored), so a page view parses nothing. An image pointing anywhere else,
//! or at a `/media/` name that is not a stored photo, stays the plain
//! `<img>` Markdown gives.

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::content::escape;
use crate::media::{FileFormat, MediaName, StoredMedia};

/// The `sizes` of every photo: the story column is 46rem wide from a
/// 50rem viewport, the whole viewport below.
pub const SIZES: &str = "(min-width: 50rem) 46rem, 100vw";

/// Looks a stored photo up by the SHA-256 its file names start with.
pub type PhotoLookup<'a> = &'a dyn Fn(&str) -> Option<StoredMedia>;

/// The Markdown line for `photo` with its words (see the module's doc);
/// `None` if it has no JPEG (it is not a photo).
pub fn photo_line(photo: &StoredMedia, alt: &str, caption: &str, credit: &str) -> Option<String> {
    let src = photo.fallback()?.url();
    let alt = one_line(alt)
        .replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]");
    let caption = one_line(caption).replace('|', "/");
    let credit = one_line(credit);
    let title = match (caption.is_empty(), credit.is_empty()) {
        (true, true) => String::new(),
        (false, true) => caption,
        (true, false) => format!("| {credit}"),
        (false, false) => format!("{caption} | {credit}"),
    };
    if title.is_empty() {
        return Some(format!("![{alt}]({src})"));
    }
    let title = title.replace('\\', "\\\\").replace('"', "\\\"");
    Some(format!("![{alt}]({src} \"{title}\")"))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The SHA-256 of a `/media/` address that names a photo's JPEG or WebP
/// variant, if `url` is one.
pub fn photo_hash(url: &str) -> Option<&str> {
    let name = url.strip_prefix("/media/")?;
    let parsed = MediaName::parse(name)?;
    if !matches!(parsed.format(), FileFormat::Jpeg | FileFormat::Webp) {
        return None;
    }
    name.split_once('-').map(|(hash, _)| hash)
}

/// Replaces each paragraph that is only a stored photo with its figure.
pub(super) fn render_photos<'a>(events: Vec<Event<'a>>, photo_of: PhotoLookup) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        if let Some((found, used)) = photo_paragraph(&events[i..], photo_of)
            && let Some(html) = figure(&found.photo, &found.alt, &found.caption, &found.credit)
        {
            out.push(Event::Html(html.into()));
            i += used;
        } else {
            out.push(events[i].clone());
            i += 1;
        }
    }
    out
}

/// A paragraph that is only a stored photo, with its words as written.
pub(super) struct PhotoParagraph {
    pub photo: StoredMedia,
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

/// The paragraph starting `events`, and how many events it took, if that
/// paragraph is only a stored photo.
pub(super) fn photo_paragraph(
    events: &[Event],
    photo_of: PhotoLookup,
) -> Option<(PhotoParagraph, usize)> {
    let [
        Event::Start(Tag::Paragraph),
        Event::Start(Tag::Image {
            dest_url, title, ..
        }),
        ..,
    ] = events
    else {
        return None;
    };
    let image_end = events
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Image)))?;
    let mut after = image_end + 1;
    // Trailing spaces or a line break after the image change nothing.
    while matches!(events.get(after), Some(Event::SoftBreak | Event::HardBreak))
        || matches!(events.get(after), Some(Event::Text(t)) if t.trim().is_empty())
    {
        after += 1;
    }
    if !matches!(events.get(after), Some(Event::End(TagEnd::Paragraph))) {
        return None;
    }
    let photo = photo_of(photo_hash(dest_url)?)?;
    let mut alt = String::new();
    for event in &events[2..image_end] {
        match event {
            Event::Text(t) | Event::Code(t) => alt.push_str(t),
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }
    let (caption, credit) = match title.split_once('|') {
        Some((caption, credit)) => (caption.trim(), credit.trim()),
        None => (title.trim(), ""),
    };
    let found = PhotoParagraph {
        photo,
        alt: alt.trim().to_owned(),
        caption: caption.to_owned(),
        credit: credit.to_owned(),
    };
    Some((found, after + 1))
}

/// The markup of one photo (see the module's doc).
pub fn figure(photo: &StoredMedia, alt: &str, caption: &str, credit: &str) -> Option<String> {
    let fallback = photo.fallback()?;
    let (width, height) = (fallback.width?, fallback.height?);
    let mut html = String::from(r#"<figure class="photo"><picture>"#);
    let webp = photo.srcset(FileFormat::Webp);
    if !webp.is_empty() {
        html.push_str(&format!(
            r#"<source type="image/webp" srcset="{}" sizes="{SIZES}">"#,
            escape(&webp)
        ));
    }
    html.push_str(&format!(
        r#"<img src="{}" srcset="{}" sizes="{SIZES}" width="{width}" height="{height}" alt="{}" loading="lazy" decoding="async"></picture>"#,
        escape(&fallback.url()),
        escape(&photo.srcset(FileFormat::Jpeg)),
        escape(alt),
    ));
    if !caption.is_empty() || !credit.is_empty() {
        html.push_str("<figcaption>");
        html.push_str(&escape(caption));
        if !credit.is_empty() {
            if !caption.is_empty() {
                html.push(' ');
            }
            html.push_str(&format!(
                r#"<span class="credit">{}</span>"#,
                escape(credit)
            ));
        }
        html.push_str("</figcaption>");
    }
    html.push_str("</figure>");
    Some(html)
}

/// Adds the photo's markup to what `builder` keeps, and no more.
pub fn allow_photos(builder: &mut ammonia::Builder<'_>) {
    builder
        .add_tags(["picture", "source"])
        .add_allowed_classes("figure", ["photo"])
        .add_allowed_classes("span", ["credit"])
        .add_tag_attributes("source", ["type", "srcset", "sizes"])
        .add_tag_attributes("img", ["srcset", "sizes"]);
}

/// The sanitiser's check of the photo's free-form attributes: `srcset`
/// only of newsdesk's own photo files, the one `sizes`, WebP sources.
/// `None` for an attribute this stage does not own.
pub fn checked_value(element: &str, attribute: &str, value: &str) -> Option<bool> {
    Some(match (element, attribute) {
        ("source", "type") => value == "image/webp",
        ("source" | "img", "sizes") => value == SIZES,
        ("source" | "img", "srcset") => value.split(',').all(|candidate| {
            let mut parts = candidate.split_whitespace();
            let (Some(url), Some(width), None) = (parts.next(), parts.next(), parts.next()) else {
                return false;
            };
            photo_hash(url).is_some()
                && width
                    .strip_suffix('w')
                    .is_some_and(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
        }),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::content::{Placement, RenderContext, render_markdown};
    use crate::media::{ContentHash, MediaFile, MediaKind};

    fn stored() -> StoredMedia {
        let hash = ContentHash::of(b"a photo");
        let mut files = Vec::new();
        for (width, height) in [(480, 360), (960, 720), (1600, 1200)] {
            for format in [FileFormat::Webp, FileFormat::Jpeg] {
                files.push(MediaFile {
                    name: MediaName::variant(&hash, width, format),
                    width: Some(width),
                    height: Some(height),
                    bytes: 1000,
                });
            }
        }
        StoredMedia {
            id: 1,
            kind: MediaKind::Image,
            sha256: hash.as_str().to_owned(),
            width: Some(2000),
            height: Some(1500),
            bytes: 5000,
            files,
            created_at: Utc::now(),
        }
    }

    fn render(md: &str) -> String {
        let photo = stored();
        let lookup = |sha: &str| (sha == photo.sha256).then(|| photo.clone());
        let context = RenderContext {
            site_url: "https://news.example",
            headline_of: &|_| None,
            photo_of: &lookup,
            place: Placement::Update(1),
        };
        render_markdown(md, &context).unwrap().html.into_string()
    }

    #[test]
    fn the_desks_line_renders_as_a_picture_with_caption_and_credit() {
        let photo = stored();
        let line = photo_line(
            &photo,
            "Doctors [on] the line",
            "Dawn | picket",
            "Jo \"JB\" Bloggs",
        )
        .unwrap();
        let html = render(&format!("Pickets.\n\n{line}\n"));
        let src = photo.fallback().unwrap().url();
        let expected = format!(
            r#"<figure class="photo"><picture><source type="image/webp" srcset="{}" sizes="{SIZES}"><img src="{src}" srcset="{}" sizes="{SIZES}" width="1600" height="1200" alt="Doctors [on] the line" loading="lazy" decoding="async"></picture><figcaption>Dawn / picket <span class="credit">Jo "JB" Bloggs</span></figcaption></figure>"#,
            photo.srcset(FileFormat::Webp),
            photo.srcset(FileFormat::Jpeg),
        );
        assert!(html.contains(&expected), "{html}\n{expected}");
        assert!(html.starts_with("<p>Pickets.</p>"), "{html}");
    }

    #[test]
    fn other_images_stay_plain_and_hand_typed_markup_is_held_to_ours() {
        let external = render("![x](https://example.com/a.jpg)");
        assert_eq!(
            external,
            "<p><img src=\"https://example.com/a.jpg\" alt=\"x\"></p>\n"
        );
        let unknown = render(&format!("![x](/media/{}-480.jpg)", "0".repeat(64)));
        assert!(!unknown.contains("<picture>"), "{unknown}");
        let inline = render(&format!("See ![x]({})", stored().fallback().unwrap().url()));
        assert!(!inline.contains("<picture>"), "{inline}");
        let typed = render(
            r#"<picture><source type="text/html" srcset="https://evil.example/x 1w" sizes="1px"><img src="/a.jpg" srcset="https://evil.example/x 1w" onerror="x()"></picture>"#,
        );
        assert!(!typed.contains("evil"), "{typed}");
        assert!(!typed.contains("text/html"), "{typed}");
        assert!(!typed.contains("onerror"), "{typed}");
        assert!(!typed.contains("sizes"), "{typed}");
    }
}
