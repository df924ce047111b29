//! Content: Markdown to sanitised HTML, front matter, and importing `content/`.
//! Knows nothing of HTTP.

mod front_matter;
pub mod import;
mod markdown;
mod safe_html;

pub use front_matter::{ContentError, ParsedStory, ParsedUpdate, parse_story_file};
pub use markdown::{MissingStory, RenderedMarkdown, render_markdown};
pub use safe_html::SafeHtml;
