//! What a stored medium is, and the formats of the files kept for it.

/// A photo or a video: what the desk shows with `<picture>` or `<video>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Video,
}

impl MediaKind {
    /// The name stored in `media.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
        }
    }

    /// The kind stored as `text`, if it is one.
    pub fn parse(text: &str) -> Option<MediaKind> {
        match text {
            "image" => Some(MediaKind::Image),
            "video" => Some(MediaKind::Video),
            _ => None,
        }
    }
}

/// The format of one file in the media directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// Every photo has a JPEG at each of its widths: every browser shows it.
    Jpeg,
    /// Lossy WebP, kept at a width only where it is smaller than the JPEG.
    Webp,
    /// An uploaded video, kept as it came.
    Mp4,
    Webm,
}

impl FileFormat {
    /// The name stored in `media_files.format`.
    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Jpeg => "jpeg",
            FileFormat::Webp => "webp",
            FileFormat::Mp4 => "mp4",
            FileFormat::Webm => "webm",
        }
    }

    /// The format stored as `text`, if it is one.
    pub fn parse(text: &str) -> Option<FileFormat> {
        [
            FileFormat::Jpeg,
            FileFormat::Webp,
            FileFormat::Mp4,
            FileFormat::Webm,
        ]
        .into_iter()
        .find(|format| format.as_str() == text)
    }

    /// The file name extension, the one thing `GET /media/{name}` reads the
    /// type from (the names are newsdesk's own, never an uploader's).
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Jpeg => "jpg",
            FileFormat::Webp => "webp",
            FileFormat::Mp4 => "mp4",
            FileFormat::Webm => "webm",
        }
    }

    /// The format named by a file extension, if newsdesk writes such files.
    pub fn from_extension(extension: &str) -> Option<FileFormat> {
        [
            FileFormat::Jpeg,
            FileFormat::Webp,
            FileFormat::Mp4,
            FileFormat::Webm,
        ]
        .into_iter()
        .find(|format| format.extension() == extension)
    }

    /// The `Content-Type` it is served with (and the `type` of a `<source>`).
    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Jpeg => "image/jpeg",
            FileFormat::Webp => "image/webp",
            FileFormat::Mp4 => "video/mp4",
            FileFormat::Webm => "video/webm",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_and_extensions_read_back() {
        for format in [
            FileFormat::Jpeg,
            FileFormat::Webp,
            FileFormat::Mp4,
            FileFormat::Webm,
        ] {
            assert_eq!(FileFormat::parse(format.as_str()), Some(format));
            assert_eq!(FileFormat::from_extension(format.extension()), Some(format));
        }
        for kind in [MediaKind::Image, MediaKind::Video] {
            assert_eq!(MediaKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(FileFormat::from_extension("svg"), None);
    }
}
