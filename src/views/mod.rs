//! What readers are shown of a change, rendered once and used by the pages,
//! the live stream, the polling endpoint and the after-commit module alike.

pub mod change;
mod update;

pub use change::ChangeView;
pub use update::{FigureView, UpdateFragment, UpdateView};
