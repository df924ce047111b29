//! Reader pages.

pub mod figures;
pub mod home;
pub mod search;
pub mod story;
mod structured_data;
pub mod topic;
