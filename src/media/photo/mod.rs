//! Photos: decoded with limits, turned upright, resized to a few widths and
//! re-encoded from their pixels alone, so no byte of the camera's metadata
//! (EXIF, GPS, XMP, maker notes, thumbnails) reaches a stored file.

mod colour;
mod decode;
mod encode;
mod jpeg_end;
mod resize;

pub use colour::ToSrgb;
pub use decode::{Decoded, decode};
pub use encode::{jpeg, webp};
pub use resize::{Pixels, resize, widths};
