//! Content files: a story's TOML front matter and Markdown body, followed by
//! its live updates, each with front matter of its own:
//!
//! ```text
//! +++
//! headline = "…"
//! +++
//! Story body…
//!
//! +++ update
//! time = 2016-01-12T08:10:00Z
//! kind = "picket"
//! +++
//! Update body…
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// A problem in a content file, pointing at the file, the line and (when known)
/// the field, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    pub file: PathBuf,
    pub line: usize,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file.display(), self.line)?;
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

/// A story's front matter. Unknown keys are refused so a typo is not silently ignored.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoryFront {
    pub headline: String,
    pub standfirst: String,
    pub byline: String,
    /// Topic names; their slugs are derived ("Doctors' strike" → `doctors-strike`).
    #[serde(default)]
    pub topics: Vec<String>,
    pub published: toml::value::Datetime,
    pub updated: Option<toml::value::Datetime>,
    /// `"live"`, `"ended"`, or absent for an ordinary story.
    #[serde(default)]
    pub live: String,
    /// `"published"` (the default) or `"draft"`.
    #[serde(default = "published")]
    pub status: String,
}

fn published() -> String {
    "published".to_owned()
}

/// A live update's front matter; which optional fields are required depends on `kind`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateFront {
    /// When it was posted; unique within the story, it identifies the update on re-import.
    pub time: toml::value::Datetime,
    pub kind: String,
    pub author: String,
    #[serde(default)]
    pub key_event: bool,
    #[serde(default)]
    pub pinned: bool,
    pub place: Option<String>,
    pub who: Option<String>,
    pub number: Option<i64>,
    pub what: Option<String>,
    pub source: Option<String>,
}

/// One parsed content file.
#[derive(Debug, Clone)]
pub struct ParsedStory {
    pub file: PathBuf,
    /// The whole file, kept to point errors found later at their line.
    pub text: String,
    pub front: StoryFront,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
    pub body: String,
    /// The line of the file where the body's first line is.
    pub body_line: usize,
    pub updates: Vec<ParsedUpdate>,
}

/// One live update block of a content file.
#[derive(Debug, Clone)]
pub struct ParsedUpdate {
    /// Line of its `+++ update` marker.
    pub line: usize,
    pub front: UpdateFront,
    pub time: DateTime<Utc>,
    pub body: String,
    /// The line of the file where the body's first line is.
    pub body_line: usize,
}

const FENCE: &str = "+++";
const UPDATE_FENCE: &str = "+++ update";

/// A front-matter block: its TOML, the line its TOML starts on, and the body after it.
struct Block<'a> {
    marker_line: usize,
    toml_first_line: usize,
    toml: String,
    /// The line after the closing fence, where the body starts.
    body_first_line: usize,
    body: Vec<&'a str>,
}

impl Block<'_> {
    /// The body as stored (trimmed), and the line its first line is on.
    fn body(&self) -> (String, usize) {
        let blank = self.body.iter().take_while(|l| l.trim().is_empty()).count();
        (
            self.body.join("\n").trim().to_owned(),
            self.body_first_line + blank,
        )
    }
}

/// Parses a content file; every error names the file, the line and the field.
pub fn parse_story_file(file: &Path, text: &str) -> Result<ParsedStory, ContentError> {
    let error = |line: usize, field: Option<&str>, message: String| ContentError {
        file: file.to_owned(),
        line,
        field: field.map(str::to_owned),
        message,
    };
    let blocks = split_blocks(text).map_err(|(line, m)| error(line, None, m))?;
    let (story_block, update_blocks) = blocks.split_first().expect("split_blocks yields one");
    let front: StoryFront = parse_toml(story_block, file)?;
    let field_line = |name| line_of_key(text, story_block.toml_first_line, name);
    let published = to_utc(&front.published)
        .map_err(|m| error(field_line("published"), Some("published"), m))?;
    let updated = match &front.updated {
        Some(t) => Some(to_utc(t).map_err(|m| error(field_line("updated"), Some("updated"), m))?),
        None => None,
    };
    let mut updates: Vec<ParsedUpdate> = Vec::with_capacity(update_blocks.len());
    for block in update_blocks {
        let front: UpdateFront = parse_toml(block, file)?;
        let time_line = line_of_key(text, block.toml_first_line, "time");
        let time = to_utc(&front.time).map_err(|m| error(time_line, Some("time"), m))?;
        if let Some(twin) = updates.iter().find(|u| u.time == time) {
            let message = format!(
                "two updates at {time}: this one and the one at line {}; times identify updates, make them differ",
                twin.line
            );
            return Err(error(time_line, Some("time"), message));
        }
        let (body, body_line) = block.body();
        updates.push(ParsedUpdate {
            line: block.marker_line,
            front,
            time,
            body,
            body_line,
        });
    }
    let (body, body_line) = story_block.body();
    Ok(ParsedStory {
        file: file.to_owned(),
        text: text.to_owned(),
        front,
        published,
        updated,
        body,
        body_line,
        updates,
    })
}

/// Splits the file at its fences; errors carry the 1-based line.
fn split_blocks(text: &str) -> Result<Vec<Block<'_>>, (usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    if lines.first().map(|l| l.trim_end()) != Some(FENCE) {
        return Err((
            1,
            format!("a content file starts with a `{FENCE}` line, then the story's front matter"),
        ));
    }
    let mut blocks = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        let marker_line = at + 1;
        let close = lines[at + 1..]
            .iter()
            .position(|l| l.trim_end() == FENCE)
            .map(|p| p + at + 1)
            .ok_or((
                marker_line,
                format!("front matter opened here is never closed with `{FENCE}`"),
            ))?;
        let next = lines[close + 1..]
            .iter()
            .position(|l| l.trim_end() == UPDATE_FENCE)
            .map_or(lines.len(), |p| p + close + 1);
        blocks.push(Block {
            marker_line,
            toml_first_line: at + 2,
            toml: lines[at + 1..close].join("\n"),
            body_first_line: close + 2,
            body: lines[close + 1..next].to_vec(),
        });
        at = next;
    }
    Ok(blocks)
}

fn parse_toml<T: serde::de::DeserializeOwned>(
    block: &Block,
    file: &Path,
) -> Result<T, ContentError> {
    toml::from_str(&block.toml).map_err(|e| {
        let offset_line = e
            .span()
            .map_or(0, |span| block.toml[..span.start].matches('\n').count());
        let message = e.message().to_owned();
        let field = message.split('`').nth(1).map(str::to_owned);
        ContentError {
            file: file.to_owned(),
            line: block.toml_first_line + offset_line,
            field,
            message,
        }
    })
}

/// The line of `key = …` in the TOML starting at `first_line`, or that first line.
pub fn line_of_key(text: &str, first_line: usize, key: &str) -> usize {
    text.lines()
        .enumerate()
        .skip(first_line - 1)
        .take_while(|(_, l)| l.trim_end() != FENCE)
        .find(|(_, l)| l.split('=').next().is_some_and(|k| k.trim() == key))
        .map_or(first_line, |(i, _)| i + 1)
}

fn to_utc(datetime: &toml::value::Datetime) -> Result<DateTime<Utc>, String> {
    if datetime.offset.is_none() || datetime.time.is_none() {
        return Err(format!(
            "“{datetime}” needs a date, a time and a zone, like 2016-01-12T08:10:00Z"
        ));
    }
    DateTime::parse_from_rfc3339(&datetime.to_string())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("“{datetime}” is not a valid time: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\nheadline = \"H\"\nstandfirst = \"S\"\nbyline = \"B\"\npublished = 2016-01-12T07:30:00Z\n+++\nBody.\n\n+++ update\ntime = 2016-01-12T08:00:00Z\nkind = \"update\"\nauthor = \"A\"\n+++\nFirst.\n";

    #[test]
    fn a_story_and_its_updates_are_split() {
        let story = parse_story_file(Path::new("x.md"), GOOD).unwrap();
        assert_eq!((story.body.as_str(), story.body_line), ("Body.", 7));
        assert_eq!(story.updates.len(), 1);
        assert_eq!(story.updates[0].line, 9);
        assert_eq!(story.updates[0].body, "First.");
        assert_eq!(story.updates[0].body_line, 14);
        let spaced = GOOD.replace("+++\nFirst.", "+++\n\n\nFirst.");
        let story = parse_story_file(Path::new("x.md"), &spaced).unwrap();
        assert_eq!(story.updates[0].body_line, 16);
    }

    #[test]
    fn errors_name_the_file_line_and_field() {
        let bad = GOOD.replace("kind = \"update\"", "kind = 3");
        let err = parse_story_file(Path::new("x.md"), &bad).unwrap_err();
        assert_eq!(err.line, 11);
        assert!(err.to_string().starts_with("x.md:11:"), "{err}");
        let missing = GOOD.replace("byline = \"B\"\n", "");
        let err = parse_story_file(Path::new("x.md"), &missing).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("byline"), "{err}");
    }

    #[test]
    fn a_time_without_a_zone_is_refused() {
        let bad = GOOD.replace("08:00:00Z", "08:00:00");
        let err = parse_story_file(Path::new("x.md"), &bad).unwrap_err();
        assert_eq!((err.line, err.field.as_deref()), (10, Some("time")));
    }
}
