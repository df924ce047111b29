//! The widths a photo is kept at, and resizing to them (Lanczos3, with
//! fast_image_resize's SIMD kernels; alpha is premultiplied while resizing
//! so transparent edges do not darken).

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::DynamicImage;

/// The widths every photo is offered at, for `srcset`: a phone's column,
/// a tablet's or a 2× phone's, and a desktop column at 2×.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];

/// 8-bit pixels, RGB or RGBA, with their size.
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    /// Whether each pixel has a fourth (alpha) byte.
    pub alpha: bool,
    pub data: Vec<u8>,
}

impl Pixels {
    /// The image's pixels at 8 bits, keeping alpha only when some pixel
    /// is not opaque.
    pub fn from_image(image: DynamicImage) -> Pixels {
        let (width, height) = (image.width(), image.height());
        if image.color().has_alpha() {
            let rgba = image.into_rgba8();
            if rgba.pixels().any(|p| p[3] != 255) {
                return Pixels {
                    width,
                    height,
                    alpha: true,
                    data: rgba.into_raw(),
                };
            }
            let rgb = DynamicImage::ImageRgba8(rgba).into_rgb8();
            return Pixels::rgb(width, height, rgb.into_raw());
        }
        Pixels::rgb(width, height, image.into_rgb8().into_raw())
    }

    fn rgb(width: u32, height: u32, data: Vec<u8>) -> Pixels {
        Pixels {
            width,
            height,
            alpha: false,
            data,
        }
    }

    fn pixel_type(&self) -> PixelType {
        if self.alpha {
            PixelType::U8x4
        } else {
            PixelType::U8x3
        }
    }
}

/// The widths to keep for a photo `original` pixels wide, narrowest first:
/// never wider than the original (no upscaling), the original's own width
/// when it is narrower than the widest, and no width within 15% of the
/// widest kept (a 1000-pixel photo gets 480 and 1000, not 960 too).
pub fn widths(original: u32) -> Vec<u32> {
    let widest = original.min(WIDTHS[WIDTHS.len() - 1]);
    let mut widths: Vec<u32> = WIDTHS
        .iter()
        .copied()
        .filter(|&w| u64::from(w) * 115 <= u64::from(widest) * 100)
        .collect();
    widths.push(widest);
    widths
}

/// The height that keeps the proportions at `width`, at least one pixel.
fn height_at(pixels: &Pixels, width: u32) -> u32 {
    let height = (u64::from(pixels.height) * u64::from(width) + u64::from(pixels.width) / 2)
        / u64::from(pixels.width);
    height.max(1) as u32
}

/// `pixels` resized to `width` (returned as they are at their own width).
pub fn resize(pixels: &Pixels, width: u32) -> Pixels {
    if width == pixels.width {
        return Pixels {
            data: pixels.data.clone(),
            ..*pixels
        };
    }
    let height = height_at(pixels, width);
    let source = ImageRef::new(
        pixels.width,
        pixels.height,
        &pixels.data,
        pixels.pixel_type(),
    )
    .expect("the buffer matches its size");
    let mut target = Image::new(width, height, pixels.pixel_type());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&source, &mut target, &options)
        .expect("same pixel type on both sides");
    Pixels {
        width,
        height,
        alpha: pixels.alpha,
        data: target.into_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale_and_keep_a_small_original_as_it_is() {
        assert_eq!(widths(4000), [480, 960, 1600]);
        assert_eq!(widths(1600), [480, 960, 1600]);
        assert_eq!(widths(1700), [480, 960, 1600]);
        assert_eq!(widths(1200), [480, 960, 1200]);
        assert_eq!(widths(1000), [480, 1000]);
        assert_eq!(widths(500), [500]);
        assert_eq!(widths(120), [120]);
    }

    #[test]
    fn resizing_keeps_the_proportions() {
        let pixels = Pixels::rgb(3000, 2000, vec![128; 3000 * 2000 * 3]);
        let small = resize(&pixels, 480);
        assert_eq!((small.width, small.height), (480, 320));
        assert_eq!(small.data.len(), 480 * 320 * 3);
        assert!(small.data.iter().all(|&b| (127..=129).contains(&b)));
    }
}
