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
//! stored), so a page view parses nothing. Two to [`GALLERY_MAX`] such
//! paragraphs in a row (the desk writes one per photo of an update) make a
//! gallery: `<div class="gallery">` around their figures, whose `sizes`
//! are a grid column's ([`GALLERY_SIZES`]), the first of an odd number
//! spanning the grid ([`SIZES`]). An image pointing anywhere else,
//! or at a `/media/` name that is not a stored photo, stays the plain
//! `<img>` Markdown gives.

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::content::escape;
use crate::media::{FileFormat, MediaName, StoredMedia};

/// The `sizes` of a photo on its own: the story column is 46rem wide from
/// a 50rem viewport, the whole viewport below.
pub const SIZES: &str = "(min-width: 50rem) 46rem, 100vw";

/// The `sizes` of a photo in one of a gallery's two columns
/// (`static/site.css`, `.gallery`): half the 42rem story column from a
/// 44rem viewport, half the viewport from 30rem, all of it below (one
/// column). A gallery of an odd number has its first photo across both
/// columns, with [`SIZES`].
pub const GALLERY_SIZES: &str = "(min-width: 44rem) 21rem, (min-width: 30rem) 50vw, 100vw";

/// The most photos in one gallery (the desk's limit for an update); a
/// longer run of photo paragraphs makes several.
pub const GALLERY_MAX: usize = 6;

/// Looks a stored photo or video up by the SHA-256 its file names start with.
pub type MediaLookup<'a> = &'a dyn Fn(&str) -> Option<StoredMedia>;

/// The Markdown line for `photo` with its words (see the module's doc);
/// `None` if it has no JPEG (it is not a photo).
pub fn photo_line(photo: &StoredMedia, alt: &str, caption: &str, credit: &str) -> Option<String> {
    let src = photo.fallback()?.url();
    Some(format!(
        "![{}]({src}{})",
        link_text(alt),
        title_attribute(caption, credit)
    ))
}

/// `text` on one line, fit to stand between `[` and `]`.
pub(super) fn link_text(text: &str) -> String {
    one_line(text)
        .replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

/// A link's or image's title holding a caption and a credit
/// (` "Caption | Credit"`, with its leading space), or nothing for neither.
pub(super) fn title_attribute(caption: &str, credit: &str) -> String {
    let caption = one_line(caption).replace('|', "/");
    let credit = one_line(credit);
    let title = match (caption.is_empty(), credit.is_empty()) {
        (true, true) => return String::new(),
        (false, true) => caption,
        (true, false) => format!("| {credit}"),
        (false, false) => format!("{caption} | {credit}"),
    };
    let title = title.replace('\\', "\\\\").replace('"', "\\\"");
    format!(" \"{title}\"")
}

/// The caption and credit a title holds (see [`title_attribute`]).
pub(super) fn caption_and_credit(title: &str) -> (&str, &str) {
    match title.split_once('|') {
        Some((caption, credit)) => (caption.trim(), credit.trim()),
        None => (title.trim(), ""),
    }
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

/// Replaces each paragraph that is only a stored photo with its figure,
/// and each run of 2 to [`GALLERY_MAX`] such paragraphs with a gallery.
pub(super) fn render_photos<'a>(events: Vec<Event<'a>>, media_of: MediaLookup) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        let mut run = Vec::new();
        while let Some((photo, used)) = photo_paragraph(&events[i..], media_of) {
            run.push(photo);
            i += used;
        }
        if run.is_empty() {
            out.push(events[i].clone());
            i += 1;
            continue;
        }
        for group in run.chunks(GALLERY_MAX) {
            out.push(Event::Html(gallery(group).into()));
        }
    }
    out
}

/// A photo paragraph, read.
pub(super) struct PhotoParagraph {
    pub(super) photo: StoredMedia,
    pub(super) alt: String,
    caption: String,
    credit: String,
}

/// One photo's figure, or a gallery of several.
fn gallery(photos: &[PhotoParagraph]) -> String {
    let figure_of = |p: &PhotoParagraph, sizes| {
        figure(&p.photo, &p.alt, &p.caption, &p.credit, sizes).unwrap_or_default()
    };
    if let [photo] = photos {
        return figure_of(photo, SIZES);
    }
    let mut html = String::from(r#"<div class="gallery">"#);
    for (i, photo) in photos.iter().enumerate() {
        // The first of an odd number spans both columns (site.css).
        let wide = i == 0 && photos.len() % 2 == 1;
        html.push_str(&figure_of(photo, if wide { SIZES } else { GALLERY_SIZES }));
    }
    html.push_str("</div>");
    html
}

/// The photo of the paragraph starting `events`, and how many events it
/// took, if that paragraph is only a stored photo.
pub(super) fn photo_paragraph(
    events: &[Event],
    media_of: MediaLookup,
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
    let after = paragraph_end(events, image_end + 1)?;
    let photo = media_of(photo_hash(dest_url)?)?;
    // A photo has a JPEG with its size: the figure can be written.
    photo.fallback()?.width?;
    let (caption, credit) = caption_and_credit(title);
    let read = PhotoParagraph {
        alt: plain_text(&events[2..image_end]),
        caption: caption.to_owned(),
        credit: credit.to_owned(),
        photo,
    };
    Some((read, after + 1))
}

/// Where the paragraph ends if nothing but white space or a line break
/// comes from `at` on: trailing spaces change nothing.
pub(super) fn paragraph_end(events: &[Event], mut at: usize) -> Option<usize> {
    while matches!(events.get(at), Some(Event::SoftBreak | Event::HardBreak))
        || matches!(events.get(at), Some(Event::Text(t)) if t.trim().is_empty())
    {
        at += 1;
    }
    matches!(events.get(at), Some(Event::End(TagEnd::Paragraph))).then_some(at)
}

/// The text of an image's or link's label, on one line.
pub(super) fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_owned()
}

/// The markup of one photo (see the module's doc), with the `sizes` of
/// where it stands ([`SIZES`] alone, [`GALLERY_SIZES`] in a gallery).
pub fn figure(
    photo: &StoredMedia,
    alt: &str,
    caption: &str,
    credit: &str,
    sizes: &str,
) -> Option<String> {
    let fallback = photo.fallback()?;
    let (width, height) = (fallback.width?, fallback.height?);
    let mut html = String::from(r#"<figure class="photo"><picture>"#);
    let webp = photo.srcset(FileFormat::Webp);
    if !webp.is_empty() {
        html.push_str(&format!(
            r#"<source type="image/webp" srcset="{}" sizes="{sizes}">"#,
            escape(&webp)
        ));
    }
    html.push_str(&format!(
        r#"<img src="{}" srcset="{}" sizes="{sizes}" width="{width}" height="{height}" alt="{}" loading="lazy" decoding="async"></picture>"#,
        escape(&fallback.url()),
        escape(&photo.srcset(FileFormat::Jpeg)),
        escape(alt),
    ));
    if !caption.is_empty() || !credit.is_empty() {
        html.push_str("<figcaption>");
        html.push_str(&caption_markup(caption, credit));
        html.push_str("</figcaption>");
    }
    html.push_str("</figure>");
    Some(html)
}

/// A caption and its credit, escaped: `Caption <span class="credit">Credit</span>`.
pub(super) fn caption_markup(caption: &str, credit: &str) -> String {
    let mut html = escape(caption);
    if !credit.is_empty() {
        if !caption.is_empty() {
            html.push(' ');
        }
        html.push_str(&format!(
            r#"<span class="credit">{}</span>"#,
            escape(credit)
        ));
    }
    html
}

/// Adds the photo's markup to what `builder` keeps, and no more.
pub fn allow_photos(builder: &mut ammonia::Builder<'_>) {
    builder
        .add_tags(["picture", "source"])
        .add_allowed_classes("figure", ["photo"])
        .add_allowed_classes("div", ["gallery"])
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
        ("source" | "img", "sizes") => value == SIZES || value == GALLERY_SIZES,
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
pub(crate) mod tests {
    use chrono::Utc;

    use super::*;
    use crate::content::{Placement, RenderContext, render_markdown};
    use crate::media::{ContentHash, MediaFile, MediaKind};

    /// A stored photo of the bytes `seed`: JPEG and WebP at three widths.
    pub(crate) fn stored_photo(seed: &[u8]) -> StoredMedia {
        let hash = ContentHash::of(seed);
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

    fn stored() -> StoredMedia {
        stored_photo(b"a photo")
    }

    /// `md` rendered for an update on a site whose library is `library`.
    pub(crate) fn render_with(md: &str, library: &[StoredMedia]) -> String {
        let lookup = |sha: &str| library.iter().find(|m| m.sha256 == sha).cloned();
        let context = RenderContext {
            site_url: "https://news.example",
            headline_of: &|_| None,
            media_of: &lookup,
            place: Placement::Update(1),
        };
        render_markdown(md, &context).unwrap().html.into_string()
    }

    fn render(md: &str) -> String {
        render_with(md, &[stored()])
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
    fn consecutive_photos_make_galleries_of_at_most_six() {
        let line = photo_line(&stored(), "A gate", "", "").unwrap();
        let lines = |n: usize| vec![line.as_str(); n].join("\n\n");
        let three = render(&format!("Text.\n\n{}\n\nMore.", lines(3)));
        assert_eq!(
            three.matches(r#"<div class="gallery">"#).count(),
            1,
            "{three}"
        );
        assert_eq!(three.matches("<figure").count(), 3);
        // The first of three spans the gallery; the others take a column.
        assert_eq!(three.matches(&format!(r#"sizes="{SIZES}""#)).count(), 2);
        assert_eq!(
            three
                .matches(&format!(r#"sizes="{GALLERY_SIZES}""#))
                .count(),
            4
        );
        assert!(three.ends_with("</div>\n<p>More.</p>\n"), "{three}");
        let one = render(&lines(1));
        assert!(!one.contains("gallery"), "{one}");
        let seven = render(&lines(7));
        assert_eq!(seven.matches(r#"<div class="gallery">"#).count(), 1);
        // The seventh stands alone after the gallery of six.
        assert!(seven.contains(r#"</div><figure class="photo">"#), "{seven}");
        assert_eq!(seven.matches("<figure").count(), 7);
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
