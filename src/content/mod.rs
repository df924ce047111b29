//! Content: Markdown to sanitised HTML and front matter (`import` writes it).
//! Knows nothing of HTTP.

pub mod embeds;
pub mod front_matter;
mod lead_photo;
pub mod local_images;
mod markdown;
pub mod photos;
mod read_more;
mod safe_html;
pub mod videos;

pub use front_matter::{ContentError, ParsedStory, ParsedUpdate, parse_story_file};
pub use lead_photo::LeadPhoto;
pub use markdown::{Placement, RenderContext, RenderedMarkdown, render_markdown};
pub use read_more::MissingStory;
pub use safe_html::{SafeHtml, escape, markup_free_json};
