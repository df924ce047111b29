//! Content-addressed file names: `{sha256}-{width}.{jpg|webp}` for a photo's
//! variants, `{sha256}.{mp4|webm}` for a video. The hash is of the bytes the
//! editor uploaded, so the same upload always gets the same names, and a
//! name, once served, always means the same bytes (hence `immutable`).

use std::fmt;

use sha2::{Digest, Sha256};

use super::FileFormat;

/// Hex digits in a content hash (SHA-256).
const HASH_LEN: usize = 64;

/// The SHA-256 of an upload, as 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContentHash(String);

impl ContentHash {
    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> ContentHash {
        ContentHash::from_digest(&Sha256::digest(bytes))
    }

    /// The hash from a finished SHA-256 digest (of an upload hashed as it
    /// arrived).
    pub fn from_digest(digest: &[u8]) -> ContentHash {
        ContentHash(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The hash as stored (`media.sha256`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name of one file in the media directory. Only [`MediaName::parse`]
/// and the constructors below make one, so a `MediaName` never holds a
/// `/`, a `..` or anything but the pattern above: it is safe to join to
/// the media directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MediaName {
    name: String,
    format: FileFormat,
}

impl MediaName {
    /// A photo's variant `width` pixels wide.
    pub fn variant(hash: &ContentHash, width: u32, format: FileFormat) -> MediaName {
        MediaName {
            name: format!("{}-{width}.{}", hash.as_str(), format.extension()),
            format,
        }
    }

    /// An uploaded file kept as it came (a video).
    pub fn original(hash: &ContentHash, format: FileFormat) -> MediaName {
        MediaName {
            name: format!("{}.{}", hash.as_str(), format.extension()),
            format,
        }
    }

    /// `name` if it has exactly the shape newsdesk gives its files, else
    /// `None`. Strict on purpose: lowercase hex only, a width of 1 to 5
    /// digits without a leading zero, and a known extension; percent
    /// escapes, dots, slashes and case variants are all refused.
    pub fn parse(name: &str) -> Option<MediaName> {
        let (stem, extension) = name.split_once('.')?;
        let format = FileFormat::from_extension(extension)?;
        let (hash, width) = match stem.split_once('-') {
            Some((hash, width)) => (hash, Some(width)),
            None => (stem, None),
        };
        let is_hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
        if hash.len() != HASH_LEN || !hash.bytes().all(is_hex) {
            return None;
        }
        let photo = matches!(format, FileFormat::Jpeg | FileFormat::Webp);
        match width {
            Some(width) if photo && is_width(width) => {}
            None if !photo => {}
            _ => return None,
        }
        Some(MediaName {
            name: name.to_owned(),
            format,
        })
    }

    /// The file name.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The file's format, from its extension.
    pub fn format(&self) -> FileFormat {
        self.format
    }
}

/// 1 to 5 digits, no leading zero: the widths newsdesk writes.
fn is_width(digits: &str) -> bool {
    (1..=5).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|c| c.is_ascii_digit())
}

impl fmt::Display for MediaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_newsdesk_writes_parse_back() {
        let hash = ContentHash::of(b"a photo");
        for name in [
            MediaName::variant(&hash, 960, FileFormat::Webp),
            MediaName::variant(&hash, 480, FileFormat::Jpeg),
            MediaName::original(&hash, FileFormat::Mp4),
            MediaName::original(&hash, FileFormat::Webm),
        ] {
            assert_eq!(MediaName::parse(name.as_str()), Some(name.clone()));
        }
    }

    #[test]
    fn anything_else_is_refused() {
        let hash = ContentHash::of(b"a photo");
        let h = hash.as_str();
        let upper = h.to_uppercase();
        for name in [
            String::new(),
            format!("{h}.jpg"),
            format!("{h}-960.mp4"),
            format!("{h}-0960.jpg"),
            format!("{h}-123456.jpg"),
            format!("{h}-960.jpg.jpg"),
            format!("{h}-960.JPG"),
            format!("{h}-960.svg"),
            format!("{upper}-960.jpg"),
            format!("{}-960.jpg", &h[1..]),
            format!("{h}0-960.jpg"),
            format!("../{h}-960.jpg"),
            format!("{h}-960.jpg/"),
            format!("{h}-9%360.jpg"),
            format!("{h}-+96.jpg"),
            "..".to_owned(),
            "test.db".to_owned(),
        ] {
            assert_eq!(MediaName::parse(&name), None, "{name}");
        }
    }
}
