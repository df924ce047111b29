//! From checked bytes to the files to keep: the CPU work of an upload,
//! run on a blocking thread by [`super::MediaLibrary`].

use bytes::Bytes;

use super::error::Reason;
use super::name::{ContentHash, MediaName};
use super::photo::{self, Pixels, ToSrgb};
use super::sniff::Sniffed;
use super::spool::SpooledUpload;
use super::{FileFormat, Limits, MediaKind};

/// What an upload becomes: a row's worth of facts and its files' bytes.
pub struct Processed {
    pub kind: MediaKind,
    /// Upright size in pixels (a video's when its container says).
    pub size: Option<(u32, u32)>,
    pub files: Vec<NewFile>,
}

/// One file to write to the media directory.
pub struct NewFile {
    pub name: MediaName,
    pub size: Option<(u32, u32)>,
    pub content: Content,
}

/// What a new file holds.
pub enum Content {
    /// Bytes made from a photo's pixels.
    Encoded(Bytes),
    /// The upload itself (a video), kept as it came: renamed into place.
    Upload(SpooledUpload),
}

impl NewFile {
    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        match &self.content {
            Content::Encoded(bytes) => bytes.len() as u64,
            Content::Upload(upload) => upload.bytes(),
        }
    }
}

/// An upload once its files are in the media directory: what its rows say.
pub struct Kept {
    pub kind: MediaKind,
    pub size: Option<(u32, u32)>,
    pub files: Vec<KeptFile>,
}

/// One file written, as `media_files` records it.
pub struct KeptFile {
    pub name: MediaName,
    pub size: Option<(u32, u32)>,
    pub bytes: u64,
}

/// Processes an upload [`super::sniff`] recognised; `bytes` are its
/// content (mapped from `upload`).
pub fn process(
    upload: SpooledUpload,
    bytes: &[u8],
    sniffed: Sniffed,
    limits: &Limits,
) -> Result<Processed, Reason> {
    let hash = upload.hash().clone();
    match sniffed {
        Sniffed::Video(video) => Ok(Processed {
            kind: MediaKind::Video,
            size: video.size,
            files: vec![NewFile {
                name: MediaName::original(&hash, video.format),
                size: video.size,
                content: Content::Upload(upload),
            }],
        }),
        Sniffed::Photo(format) => {
            let decoded = photo::decode(bytes, format, limits)?;
            // The photo's own files are made from pixels: the upload goes.
            drop(upload);
            let pixels = Pixels::from_image(decoded.image);
            let to_srgb = ToSrgb::from_icc(decoded.icc_profile.as_deref(), pixels.alpha);
            let size = Some((pixels.width, pixels.height));
            Ok(Processed {
                kind: MediaKind::Image,
                size,
                files: variants(&pixels, to_srgb.as_ref(), &hash),
            })
        }
    }
}

/// A JPEG at every width, and a WebP beside it where that is smaller.
/// Each width is resized from the next wider one, which is as sharp (the
/// Lanczos filter sees ample pixels) and several times faster than going
/// back to a 12-megapixel original each time.
///
/// The colour conversion, if any, is done once, on the widest variant
/// (a fraction of the original's pixels); the narrower ones inherit it.
fn variants(original: &Pixels, to_srgb: Option<&ToSrgb>, hash: &ContentHash) -> Vec<NewFile> {
    let mut files = Vec::new();
    let mut source: Option<Pixels> = None;
    for width in photo::widths(original.width).into_iter().rev() {
        let mut resized = photo::resize(source.as_ref().unwrap_or(original), width);
        if let (None, Some(to_srgb)) = (&source, to_srgb) {
            to_srgb.apply(&mut resized);
        }
        let size = Some((resized.width, resized.height));
        let jpeg = photo::jpeg(&resized);
        if let Some(webp) = photo::webp(&resized).filter(|webp| webp.len() < jpeg.len()) {
            files.push(NewFile {
                name: MediaName::variant(hash, width, FileFormat::Webp),
                size,
                content: Content::Encoded(webp.into()),
            });
        }
        files.push(NewFile {
            name: MediaName::variant(hash, width, FileFormat::Jpeg),
            size,
            content: Content::Encoded(jpeg.into()),
        });
        source = Some(resized);
    }
    files
}
