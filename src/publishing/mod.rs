//! The write paths shared by the admin desk and the importer: each write is
//! rendered once, stored in one transaction with everything that depends on it
//! (topics, links, search index), then cached pages are dropped and open pages told.

mod desk;
mod stories;
mod updates;

use updates::record_change;

pub use desk::{
    SaveRefused, delete_update, edit_update, end_live_coverage, pin_update, save_story,
};
pub use stories::{
    StoryChange, StoryTimes, WrittenStory, headline_lookup, write_links, write_story,
};
pub use updates::{
    UpdateChange, UpdateTimes, publish_update, publish_update_as, rewrite_update, write_update,
};
