//! Uploaded video, recognised by parsing its container rather than trusting
//! its name: MP4 (an ISO base media file) or WebM (a Matroska profile). The
//! file is stored as it came; only its structure is checked, and its frame
//! size read where the container states it.

mod ebml;
mod mp4;
mod webm;

use super::FileFormat;

/// What the container check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Video {
    pub format: FileFormat,
    /// Display size in pixels (rotation applied), when the container says.
    pub size: Option<(u32, u32)>,
}

/// Why a file that starts like a video is not one newsdesk keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Not a container newsdesk knows (or not a container at all).
    Unknown,
    /// An ISO base media file of the QuickTime brand (.mov).
    QuickTime,
    /// An ISO base media file holding a still image (HEIC, AVIF).
    StillImage,
    /// A Matroska file that is not WebM (.mkv).
    Matroska,
    /// The file ends inside a box or element.
    Truncated,
    /// A box or element whose size makes no sense.
    Damaged,
}

/// Inspects `bytes` as MP4, then as WebM, by their first bytes.
pub fn inspect(bytes: &[u8]) -> Result<Video, Problem> {
    if mp4::looks_like(bytes) {
        mp4::inspect(bytes)
    } else if webm::looks_like(bytes) {
        webm::inspect(bytes)
    } else {
        Err(Problem::Unknown)
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    /// A small well-formed MP4, for tests elsewhere in the crate.
    pub fn small_mp4() -> Vec<u8> {
        super::mp4::tests::small_mp4(320, 180, false, b"frames")
    }
}
