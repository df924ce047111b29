//! Encoding resized pixels: a JPEG always (every browser shows it) and a
//! lossy WebP (about a third smaller for photos). Both encoders write
//! pixels and nothing else: no EXIF, no XMP, no ICC profile.

use image::ExtendedColorType;
use image::codecs::jpeg::JpegEncoder;

use super::Pixels;

/// JPEG quality: 82 is where artefacts stop being visible in news photos
/// at their shown size, at about half the bytes of 95.
const JPEG_QUALITY: u8 = 82;
/// WebP quality (libwebp's scale, not JPEG's): 80 looks like JPEG at 82.
const WEBP_QUALITY: f32 = 80.0;

/// The pixels as a baseline JPEG; transparency is laid on white, as the
/// page's background is.
pub fn jpeg(pixels: &Pixels) -> Vec<u8> {
    let flattened;
    let rgb = if pixels.alpha {
        flattened = on_white(&pixels.data);
        &flattened
    } else {
        &pixels.data
    };
    let mut out = Vec::with_capacity(rgb.len() / 8);
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode(rgb, pixels.width, pixels.height, ExtendedColorType::Rgb8)
        .expect("writing to memory, at a size JPEG can hold");
    out
}

/// The pixels as a lossy WebP, or `None` where WebP cannot hold them (a
/// side over 16383 pixels: a very tall, narrow image).
pub fn webp(pixels: &Pixels) -> Option<Vec<u8>> {
    let layout = if pixels.alpha {
        webp::PixelLayout::Rgba
    } else {
        webp::PixelLayout::Rgb
    };
    let encoder = webp::Encoder::new(&pixels.data, layout, pixels.width, pixels.height);
    match encoder.encode_simple(false, WEBP_QUALITY) {
        Ok(memory) => Some(memory.to_vec()),
        Err(error) => {
            tracing::info!("no WebP at {}×{}: {error:?}", pixels.width, pixels.height);
            None
        }
    }
}

/// RGBA pixels composited over white, as RGB.
fn on_white(rgba: &[u8]) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
    for pixel in rgba.chunks_exact(4) {
        let alpha = u32::from(pixel[3]);
        for &channel in &pixel[..3] {
            let blended = (u32::from(channel) * alpha + 255 * (255 - alpha) + 127) / 255;
            rgb.push(blended as u8);
        }
    }
    rgb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparent_pixels_become_white_in_the_jpeg() {
        assert_eq!(
            on_white(&[0, 0, 0, 0, 10, 20, 30, 255]),
            [255, 255, 255, 10, 20, 30]
        );
    }
}
