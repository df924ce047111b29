//! Reader pages.

pub mod home;
pub mod search;
pub mod story;
pub mod topic;
mod update_view;

pub use update_view::{UpdateFragment, UpdateView};
