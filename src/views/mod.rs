//! What readers are shown of a change, rendered once and used by the pages,
//! the live stream, the polling endpoint and the after-commit module alike;
//! and of a story's lead photo, shared by its pages and feeds.

pub mod change;
mod lead_photo;
mod update;

pub use change::ChangeView;
pub use lead_photo::{LeadPhotoView, SocialImage, THUMBNAIL_SIZES, Thumbnail, lead_photos};
pub use update::{FigureView, UpdateFragment, UpdateView};
