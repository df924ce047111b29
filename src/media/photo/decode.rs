//! Decoding an upload whose format was recognised from its first bytes,
//! with the size limits checked from the header before any pixel is.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};

use super::jpeg_end;
use crate::media::Limits;
use crate::media::error::Reason;

/// A decoded photo, upright, with the colour profile its pixels are in.
pub struct Decoded {
    pub image: DynamicImage,
    pub icc_profile: Option<Vec<u8>>,
}

/// The upright image in `bytes`, or why it cannot be had.
pub fn decode(bytes: &[u8], format: ImageFormat, limits: &Limits) -> Result<Decoded, Reason> {
    if format == ImageFormat::Jpeg && !jpeg_end::is_complete(bytes) {
        return Err(Reason::Truncated);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_alloc = Some(limits.decoder_bytes());
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder().map_err(reason)?;
    let (width, height) = decoder.dimensions();
    check_size(width, height, limits)?;
    // A broken EXIF block is no reason to refuse a photo: it stays as shot.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc_profile = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(reason)?;
    image.apply_orientation(orientation);
    Ok(Decoded { image, icc_profile })
}

/// Refuses a header that declares more pixels than the limits allow.
fn check_size(width: u32, height: u32, limits: &Limits) -> Result<(), Reason> {
    if width == 0 || height == 0 {
        return Err(Reason::Damaged);
    }
    if u64::from(width) * u64::from(height) > limits.photo_pixels {
        return Err(Reason::TooManyPixels {
            width,
            height,
            limit: limits.photo_pixels,
        });
    }
    let side = width.max(height);
    if side > limits.photo_side {
        return Err(Reason::TooLong {
            side,
            limit: limits.photo_side,
        });
    }
    Ok(())
}

/// What a decoder's error means to the editor.
fn reason(error: ImageError) -> Reason {
    tracing::info!("photo refused by the decoder: {error}");
    match &error {
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Reason::Truncated
        }
        ImageError::Decoding(_) if mentions_end(&error) => Reason::Truncated,
        ImageError::Limits(_) => Reason::TooBigToDecode,
        ImageError::Unsupported(_) => Reason::Unreadable(crate::media::Expected::Photo),
        _ => Reason::Damaged,
    }
}

/// Decoders word "the data ended" in their own ways.
fn mentions_end(error: &ImageError) -> bool {
    let text = error.to_string().to_lowercase();
    ["eof", "end of", "truncated", "no more data"]
        .iter()
        .any(|hint| text.contains(hint))
}
