//! Why an upload was not stored: a [`Refusal`] the editor can act on, or a
//! failure of newsdesk (a full disk, say) that is nobody's doing at the desk.

use std::fmt;

/// The result of [`super::MediaLibrary::store`] when nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The file itself is not acceptable; the message says why and what to
    /// do, and belongs next to the form's file control.
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// Storing failed for a reason of the server's (disk, database); the
    /// cause chain says which. `AppError::from_write` turns it into the
    /// right page (503 on a full disk).
    #[error("storing the upload")]
    Failed(#[source] anyhow::Error),
}

/// What the desk expected on that form control: it words the refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Photo,
    Video,
    PhotoOrVideo,
}

impl Expected {
    /// Whether a stored medium of `kind` is what was expected.
    pub fn accepts(self, kind: super::MediaKind) -> bool {
        !matches!(
            (self, kind),
            (Expected::Photo, super::MediaKind::Video) | (Expected::Video, super::MediaKind::Image)
        )
    }

    fn formats(self) -> &'static str {
        match self {
            Expected::Photo => "a photo newsdesk can read (JPEG, PNG or WebP)",
            Expected::Video => "a video newsdesk can play (MP4 or WebM)",
            Expected::PhotoOrVideo => {
                "a photo (JPEG, PNG or WebP) or a video (MP4 or WebM) newsdesk can read"
            }
        }
    }
}

/// An upload refused for what it is. Its `Display` is one or two sentences
/// an editor can act on, naming the file as they named it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The file name the browser sent, for the message only.
    pub file_name: String,
    pub reason: Reason,
}

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Nothing was uploaded (an empty file).
    Empty,
    /// Not a format newsdesk takes, whatever its name says.
    Unreadable(Expected),
    /// An SVG: a drawing that can carry script, never a photo.
    Svg,
    /// A HEIC/HEIF or AVIF photo, which most browsers cannot show.
    Heic,
    /// A QuickTime (.mov) video, which not every browser plays.
    QuickTime,
    /// A Matroska (.mkv) video, which not every browser plays.
    Matroska,
    /// More bytes than the limit for its kind.
    TooManyBytes {
        bytes: u64,
        limit: u64,
        kind: &'static str,
    },
    /// More pixels than the limit, as the header declares.
    TooManyPixels { width: u32, height: u32, limit: u64 },
    /// A side longer than any format newsdesk writes can hold.
    TooLong { side: u32, limit: u32 },
    /// The decoder would need more memory than allowed for one photo.
    TooBigToDecode,
    /// The file ends before the image or video does.
    Truncated,
    /// The format is right but the data inside is broken.
    Damaged,
}

impl std::error::Error for Refusal {}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = if self.file_name.trim().is_empty() {
            "That file".to_owned()
        } else {
            format!("“{}”", self.file_name.trim())
        };
        match &self.reason {
            Reason::Empty => write!(f, "{file} is empty: choose the photo again."),
            Reason::Unreadable(expected) => write!(f, "{file} is not {}.", expected.formats()),
            Reason::Svg => write!(
                f,
                "{file} is an SVG drawing, and SVG drawings are not accepted: upload a photo \
                 (JPEG, PNG or WebP)."
            ),
            Reason::Heic => write!(
                f,
                "{file} is a HEIC or AVIF photo, which most browsers cannot show: export it as \
                 JPEG, or set the phone's camera to “Most Compatible”."
            ),
            Reason::QuickTime => write!(
                f,
                "{file} is a QuickTime (.mov) video, which not every browser plays: export it as \
                 MP4."
            ),
            Reason::Matroska => write!(
                f,
                "{file} is a Matroska (.mkv) video, which not every browser plays: export it as \
                 MP4 or WebM."
            ),
            Reason::TooManyBytes { bytes, limit, kind } => write!(
                f,
                "{file} is {}; a {kind} may be at most {}.",
                megabytes(*bytes),
                megabytes(*limit)
            ),
            Reason::TooManyPixels {
                width,
                height,
                limit,
            } => write!(
                f,
                "{file} is {} megapixels ({width} × {height}); the most is {}. Make it smaller \
                 and upload it again.",
                millions(u64::from(*width) * u64::from(*height)),
                millions(*limit)
            ),
            Reason::TooLong { side, limit } => write!(
                f,
                "{file} is {side} pixels long on one side; the most is {limit}."
            ),
            Reason::TooBigToDecode => write!(
                f,
                "{file} needs more memory to open than newsdesk allows for one photo: make it \
                 smaller and upload it again."
            ),
            Reason::Truncated => write!(
                f,
                "{file} is incomplete (the upload or the copy was cut short): upload it again."
            ),
            Reason::Damaged => write!(
                f,
                "{file} is damaged and cannot be read: export it again and upload the new copy."
            ),
        }
    }
}

/// `bytes` in megabytes (10⁶), as a person reads a file size.
pub fn megabytes(bytes: u64) -> String {
    format!("{} MB", millions(bytes))
}

/// `n` in millions, with one decimal when it has one ("50", "60.2"),
/// rounded up: a file just over a limit never reads as the limit itself.
fn millions(n: u64) -> String {
    let tenths = n.div_ceil(100_000);
    if tenths.is_multiple_of(10) {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(file_name: &str, reason: Reason) -> String {
        Refusal {
            file_name: file_name.into(),
            reason,
        }
        .to_string()
    }

    #[test]
    fn a_measure_just_over_its_limit_never_reads_as_the_limit() {
        assert_eq!(millions(20_000_000), "20");
        assert_eq!(millions(20_000_001), "20.1");
        assert_eq!(millions(10_000_000_000), "10000");
    }

    #[test]
    fn refusals_name_the_file_and_the_numbers() {
        assert_eq!(
            message(
                "pano.jpg",
                Reason::TooManyPixels {
                    width: 10_000,
                    height: 6_000,
                    limit: 50_000_000
                }
            ),
            "“pano.jpg” is 60 megapixels (10000 × 6000); the most is 50. \
             Make it smaller and upload it again."
        );
        assert_eq!(
            message(
                "",
                Reason::TooManyBytes {
                    bytes: 25_300_000,
                    limit: 20_000_000,
                    kind: "photo"
                }
            ),
            "That file is 25.3 MB; a photo may be at most 20 MB."
        );
        assert_eq!(
            message("notes.jpg", Reason::Unreadable(Expected::Photo)),
            "“notes.jpg” is not a photo newsdesk can read (JPEG, PNG or WebP)."
        );
    }
}
