//! Reader pages.

pub mod figures;
pub mod home;
pub mod search;
pub mod story;
pub mod story_cards;
mod structured_data;
pub mod topic;
