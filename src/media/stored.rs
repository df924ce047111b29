//! A stored photo or video as pages use it: its files and the `srcset`s
//! and addresses built from them.

use chrono::{DateTime, Utc};

use super::{FileFormat, MediaKind, MediaName};
use crate::urls;

/// One row of `media` with its files, as [`crate::db::media::find`] and
/// [`super::MediaLibrary::store`] return it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMedia {
    /// `media.id`: what an update or story refers to.
    pub id: i64,
    pub kind: MediaKind,
    /// SHA-256 of the bytes uploaded, in hex: the files' names start with it.
    pub sha256: String,
    /// Upright size in pixels; `None` only for a video whose container
    /// does not state it.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Size of the upload itself, in bytes.
    pub bytes: u64,
    /// Every file kept for it, narrowest first, WebP before JPEG at a width.
    pub files: Vec<MediaFile>,
    pub created_at: DateTime<Utc>,
}

/// One file in the media directory.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaFile {
    pub name: MediaName,
    /// Its size in pixels (a photo's variants always have one).
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Its length in bytes.
    pub bytes: u64,
}

impl MediaFile {
    pub fn format(&self) -> FileFormat {
        self.name.format()
    }

    /// Its address: `/media/{name}`.
    pub fn url(&self) -> String {
        urls::media(self.name.as_str())
    }
}

impl StoredMedia {
    /// The files in `format`, narrowest first.
    pub fn files_in(&self, format: FileFormat) -> impl Iterator<Item = &MediaFile> {
        self.files.iter().filter(move |f| f.format() == format)
    }

    /// A `srcset` of the files in `format` (`/media/…-480.webp 480w, …`);
    /// empty when there are none (no WebP was smaller than its JPEG).
    pub fn srcset(&self, format: FileFormat) -> String {
        self.files_in(format)
            .filter_map(|f| Some(format!("{} {}w", f.url(), f.width?)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The widest JPEG: a photo's `<img src>` and its `width`/`height`,
    /// and the image for feeds and social cards.
    pub fn fallback(&self) -> Option<&MediaFile> {
        self.files_in(FileFormat::Jpeg).last()
    }

    /// The JPEG closest to `width` without being narrower (or the widest):
    /// for a thumbnail, a feed enclosure or an Open Graph image.
    pub fn jpeg_for(&self, width: u32) -> Option<&MediaFile> {
        self.files_in(FileFormat::Jpeg)
            .find(|f| f.width.is_some_and(|w| w >= width))
            .or_else(|| self.fallback())
    }

    /// A video's file (MP4 or WebM), for `<video><source>`.
    pub fn video(&self) -> Option<&MediaFile> {
        self.files
            .iter()
            .find(|f| matches!(f.format(), FileFormat::Mp4 | FileFormat::Webm))
    }
}
