//! What an upload is, from its bytes alone: the name and type the browser
//! declared are never consulted (a text file renamed `.jpg` is text).

use image::ImageFormat;

use super::error::{Expected, Reason};
use super::video::{self, Problem, Video};

/// A recognised upload, before its pixels are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// JPEG, PNG or WebP, by its signature.
    Photo(ImageFormat),
    /// MP4 or WebM whose container parsed.
    Video(Video),
}

/// What `bytes` are, or why newsdesk will not keep them as `expected`.
pub fn sniff(bytes: &[u8], expected: Expected) -> Result<Sniffed, Reason> {
    if bytes.is_empty() {
        return Err(Reason::Empty);
    }
    let sniffed = match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => {
            Sniffed::Photo(format)
        }
        Ok(ImageFormat::Avif) => return Err(Reason::Heic),
        _ if is_svg(bytes) => return Err(Reason::Svg),
        _ => Sniffed::Video(video::inspect(bytes).map_err(|problem| match problem {
            Problem::Unknown => Reason::Unreadable(expected),
            Problem::QuickTime => Reason::QuickTime,
            Problem::StillImage => Reason::Heic,
            Problem::Matroska => Reason::Matroska,
            Problem::Truncated => Reason::Truncated,
            Problem::Damaged => Reason::Damaged,
        })?),
    };
    match (sniffed, expected) {
        (Sniffed::Photo(_), Expected::Video) | (Sniffed::Video(_), Expected::Photo) => {
            Err(Reason::Unreadable(expected))
        }
        _ => Ok(sniffed),
    }
}

/// Whether `bytes` look like an SVG drawing: XML text (after any byte-order
/// mark, white space, XML declaration, comments or doctype) whose first
/// element is `<svg`. Refused by name so the editor learns why.
fn is_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start();
    (text.starts_with('<') && text.contains("<svg")) || text.starts_with("<svg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_told_apart_from_other_text() {
        for svg in [
            &b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"[..],
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- drawn -->\n<SVG></SVG>",
            b"  <!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\"><svg/>",
        ] {
            assert_eq!(sniff(svg, Expected::Photo), Err(Reason::Svg));
        }
        assert_eq!(
            sniff(b"Minutes of the meeting", Expected::Photo),
            Err(Reason::Unreadable(Expected::Photo))
        );
        assert_eq!(sniff(b"", Expected::Photo), Err(Reason::Empty));
    }

    #[test]
    fn a_video_on_the_photo_control_is_not_a_photo() {
        let mp4 = super::super::video::tests_support::small_mp4();
        assert_eq!(
            sniff(&mp4, Expected::Photo),
            Err(Reason::Unreadable(Expected::Photo))
        );
        assert!(matches!(
            sniff(&mp4, Expected::PhotoOrVideo),
            Ok(Sniffed::Video(_))
        ));
    }
}
