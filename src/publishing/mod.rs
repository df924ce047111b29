//! The write paths shared by the admin desk and the importer: each write is
//! rendered once and stored in one transaction with everything that depends
//! on it (topics, links, search index, change log). Writers take a database
//! pool or transaction and return what they committed; what follows a commit
//! is the after-commit module's job.

mod desk;
mod render;
mod stories;
mod updates;

pub(crate) use updates::record_change;

pub use desk::{
    SaveRefused, delete_update, edit_update, end_live_coverage, pin_update, save_story,
};
pub use render::{Renderer, headline_lookup, renderer_for};
pub use stories::{
    StoryChange, StoryTimes, WrittenStory, file_under_topics, store_story, story_row,
    upsert_topics, write_links, write_story,
};
pub use updates::{
    DeskChange, FreshUpdate, UpdateChange, UpdateTimes, insert_updates, publish_update,
    reimport_update, rewrite_update, update_row,
};
