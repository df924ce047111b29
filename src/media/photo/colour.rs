//! Colour: a photo's ICC profile says what its numbers mean (an iPhone
//! shoots Display P3, press cameras often Adobe RGB). The profile is
//! metadata and goes with the rest, so the pixels are converted to sRGB
//! first: what browsers assume of an image without a profile.

use std::sync::Arc;

use moxcms::{ColorProfile, DataColorSpace, Layout, Transform8BitExecutor, TransformOptions};

use super::Pixels;

/// A conversion from a photo's own colour space to sRGB.
pub struct ToSrgb {
    transform: Arc<Transform8BitExecutor>,
    layout: Layout,
}

impl ToSrgb {
    /// The conversion for pixels described by `icc`, or `None` when there
    /// is nothing to convert (no profile, not RGB) or the profile cannot
    /// be read: the numbers are then kept as they are, as a browser would
    /// show them without the profile.
    pub fn from_icc(icc: Option<&[u8]>, alpha: bool) -> Option<ToSrgb> {
        let profile = match ColorProfile::new_from_slice(icc?) {
            Ok(profile) => profile,
            Err(error) => {
                tracing::info!("photo's colour profile ignored: {error:?}");
                return None;
            }
        };
        if profile.color_space != DataColorSpace::Rgb {
            return None;
        }
        let layout = if alpha { Layout::Rgba } else { Layout::Rgb };
        let srgb = ColorProfile::new_srgb();
        match profile.create_transform_8bit(layout, &srgb, layout, TransformOptions::default()) {
            Ok(transform) => Some(ToSrgb { transform, layout }),
            Err(error) => {
                tracing::info!("photo's colour profile not convertible: {error:?}");
                None
            }
        }
    }

    /// `pixels` in sRGB. Applied to each resized variant rather than the
    /// original: a quarter of the pixels or fewer for the same result.
    pub fn apply(&self, pixels: &mut Pixels) {
        debug_assert_eq!(pixels.alpha, self.layout == Layout::Rgba);
        let mut converted = vec![0; pixels.data.len()];
        match self.transform.transform(&pixels.data, &mut converted) {
            Ok(()) => pixels.data = converted,
            Err(error) => tracing::warn!("colour conversion failed: {error:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_p3_is_converted_and_srgb_is_kept() {
        let p3 = ColorProfile::new_display_p3().encode().unwrap();
        let to_srgb = ToSrgb::from_icc(Some(&p3), false).unwrap();
        let mut pixels = Pixels {
            width: 1,
            height: 1,
            alpha: false,
            data: vec![200, 100, 50],
        };
        to_srgb.apply(&mut pixels);
        // P3's red is redder than sRGB's: the same colour needs more red
        // and less green in sRGB.
        assert!(
            pixels.data[0] > 205 && pixels.data[1] < 100,
            "{:?}",
            pixels.data
        );

        let srgb = ColorProfile::new_srgb().encode().unwrap();
        let mut grey = Pixels {
            data: vec![128, 128, 128],
            ..pixels
        };
        ToSrgb::from_icc(Some(&srgb), false)
            .unwrap()
            .apply(&mut grey);
        assert!(
            grey.data.iter().all(|&c| (127..=129).contains(&c)),
            "{:?}",
            grey.data
        );
        assert!(ToSrgb::from_icc(Some(b"not a profile"), false).is_none());
        assert!(ToSrgb::from_icc(None, false).is_none());
    }
}
