//! The newsroom's vocabulary: validated newtypes and rules, no I/O.

mod change;
mod display_name;
mod errors;
pub mod fields;
mod posted_time;
mod slug;
mod story;
mod token_purpose;
mod update;
mod update_id;

pub use change::Change;
pub use display_name::DisplayName;
pub use errors::{FieldErrors, with_field};
pub use posted_time::check_posted_at;
pub use slug::Slug;
pub use story::{LiveState, StoryDraft, StoryInput, StoryStatus, split_topics};
pub use token_purpose::TokenPurpose;
pub use update::{KindDetails, UpdateDraft, UpdateInput, UpdateKind};
pub use update_id::UpdateId;

/// Largest Markdown body an editor may save (story or update), in bytes.
pub const MAX_MARKDOWN_BYTES: usize = 200 * 1024;
