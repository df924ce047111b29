//! How big an upload newsdesk takes. Checked before anything is decoded or
//! stored, so a decompression bomb costs a header read, not the machine.

/// The bounds on one upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest photo file, in bytes. 20 MB holds any phone's or press
    /// camera's JPEG (a 45-megapixel one is about 15 MB).
    pub photo_bytes: u64,
    /// Most pixels in a photo, as its header declares them. 50 megapixels
    /// takes every phone and most press cameras, and bounds the decoded
    /// image to 200 MB (RGBA) while a PNG of a few KB can declare 10
    /// gigapixels.
    pub photo_pixels: u64,
    /// Longest side of a photo, in pixels: JPEG cannot store more.
    pub photo_side: u32,
    /// Largest video file, in bytes. 200 MB is a few minutes of phone video
    /// at 1080p, which is what a live blog carries; longer films belong on a
    /// video host (and an embed).
    pub video_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            photo_bytes: 20 * 1000 * 1000,
            photo_pixels: 50 * 1000 * 1000,
            photo_side: 65_535,
            video_bytes: 200 * 1000 * 1000,
        }
    }
}

impl Limits {
    /// The most bytes the decoder may allocate: the largest image allowed
    /// at 8 bytes a pixel (16-bit RGBA), plus room for its working buffers.
    pub fn decoder_bytes(&self) -> u64 {
        self.photo_pixels * 8 + 64 * 1024 * 1024
    }

    /// Largest upload of any kind: what a form carrying one file may send.
    pub fn largest_upload(&self) -> u64 {
        self.photo_bytes.max(self.video_bytes)
    }
}
