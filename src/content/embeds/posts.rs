//! A quoted social post, as an editor writes it in a fenced block:
//!
//! ````text
//! ```post
//! url: https://x.com/TheBMA/status/687200000000000000
//! author: British Medical Association
//! handle: @TheBMA
//! time: 2016-01-12 11:32
//! The post's text, as it was posted.
//! ```
//! ````
//!
//! Fields come first, one `name: value` a line; the text starts at the
//! first line that is not a field (or after a blank line, for a text that
//! itself starts with a word and a colon).

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};

use super::networks::{KNOWN_NETWORKS, PostUrl};
use crate::filters::SITE_TIME_ZONE;

/// The info string that makes a fenced block a post.
pub const POST_INFO: &str = "post";

/// A post, every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialPost {
    pub url: PostUrl,
    pub author: String,
    /// `@name`, `name.bsky.social`, `@name@server`: as the network shows it.
    pub handle: Option<String>,
    pub time: DateTime<Utc>,
    /// The text, its lines as posted.
    pub text: String,
}

/// What is wrong with a post block, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostProblem {
    /// The line within the block's content, from 1.
    pub line: usize,
    /// The field at fault, `text` for the post's text.
    pub field: &'static str,
    pub message: String,
}

const FIELDS: [&str; 4] = ["url", "author", "handle", "time"];
const MAX_AUTHOR_CHARS: usize = 100;
const MAX_HANDLE_CHARS: usize = 100;
/// Longer than any network allows in one post, short of a pasted essay.
const MAX_TEXT_CHARS: usize = 5000;
/// How to write the block, for messages.
const HOW: &str = "a post block has url, author, time and optionally handle, one `name: value` a line, then the post's text";

/// The fields and text of a post block's content, every one checked.
pub fn parse_post(content: &str) -> Result<SocialPost, PostProblem> {
    let problem = |line: usize, field: &'static str, message: String| PostProblem {
        line,
        field,
        message,
    };
    let lines: Vec<&str> = content.lines().collect();
    let mut values: [Option<(usize, &str)>; 4] = [None; 4];
    let mut text_from = lines.len();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            text_from = i + 1;
            break;
        }
        let Some((name, value)) = field_line(line) else {
            text_from = i;
            break;
        };
        let Some(slot) = FIELDS.iter().position(|f| name.eq_ignore_ascii_case(f)) else {
            let message = format!(
                "“{name}” is not a field: {HOW}. A text that starts with “{name}:” needs a blank line before it."
            );
            return Err(problem(i + 1, "text", message));
        };
        if values[slot].is_some() {
            let message = format!("`{}` is given twice", FIELDS[slot]);
            return Err(problem(i + 1, FIELDS[slot], message));
        }
        values[slot] = Some((i + 1, value.trim()));
    }
    let end_line = lines.len().max(1);
    let field = |slot: usize| -> Result<(usize, &str), PostProblem> {
        match values[slot] {
            Some((line, value)) if !value.is_empty() => Ok((line, value)),
            Some((line, _)) => Err(problem(
                line,
                FIELDS[slot],
                format!("`{}` is empty", FIELDS[slot]),
            )),
            None => Err(problem(
                1,
                FIELDS[slot],
                format!("`{}` is missing: {HOW}", FIELDS[slot]),
            )),
        }
    };
    let (line, url) = field(0)?;
    let url = PostUrl::recognise(url).ok_or_else(|| {
        let message = format!("“{url}” is not the address of a post on {KNOWN_NETWORKS}");
        problem(line, "url", message)
    })?;
    let (line, author) = field(1)?;
    one_line(author, MAX_AUTHOR_CHARS).map_err(|m| problem(line, "author", m))?;
    let handle = match values[2] {
        None => None,
        Some(_) => {
            let (line, handle) = field(2)?;
            check_handle(handle).map_err(|m| problem(line, "handle", m))?;
            Some(handle.to_owned())
        }
    };
    let (line, time) = field(3)?;
    let time = parse_time(time).map_err(|m| problem(line, "time", m))?;
    let text = lines
        .get(text_from..)
        .unwrap_or_default()
        .join("\n")
        .trim()
        .to_owned();
    if text.is_empty() {
        let message = format!("the post has no text: {HOW}");
        return Err(problem(end_line, "text", message));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        let message = format!("the text is longer than {MAX_TEXT_CHARS} characters");
        return Err(problem(text_from + 1, "text", message));
    }
    Ok(SocialPost {
        url,
        author: author.to_owned(),
        handle,
        time,
        text,
    })
}

/// `name: value` when `name` is one plain word.
fn field_line(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    let word = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_');
    word.then_some((name, value))
}

fn one_line(value: &str, max: usize) -> Result<(), String> {
    if value.chars().any(char::is_control) {
        return Err("control characters are not allowed".into());
    }
    if value.chars().count() > max {
        return Err(format!("longer than {max} characters"));
    }
    Ok(())
}

/// A handle as networks show it: one word, no spaces or markup characters.
fn check_handle(handle: &str) -> Result<(), String> {
    one_line(handle, MAX_HANDLE_CHARS)?;
    let odd = handle
        .chars()
        .any(|c| c.is_whitespace() || "<>\"'`&/\\".contains(c));
    if odd {
        return Err(format!(
            "“{handle}” is not a handle: write it as the network shows it, like @TheBMA"
        ));
    }
    Ok(())
}

/// Times as editors type them (`2016-01-12 11:32`, UK time, as at the
/// desk) or as networks give them (`2016-01-12T11:32:00Z`, with a zone).
pub fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.to_utc());
    }
    let local = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .ok_or_else(|| {
            format!("“{text}” is not a time: write it like 2016-01-12 11:32 (UK time) or 2016-01-12T11:32:00Z")
        })?;
    match SITE_TIME_ZONE.from_local_datetime(&local) {
        LocalResult::Single(time) => Ok(time.to_utc()),
        LocalResult::Ambiguous(..) => Err(format!(
            "{text} happened twice in UK time: give the zone, like {}T{}+01:00",
            local.date(),
            local.time()
        )),
        LocalResult::None => Err(format!(
            "{text} does not exist in UK time (the clocks went forward)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::embeds::networks::Network;

    const GOOD: &str = "url: https://x.com/TheBMA/status/687200000000000000\nauthor: British Medical Association\nhandle: @TheBMA\ntime: 2016-01-12 11:32\nWhy we are striking.\n\nA second paragraph.";

    fn problem(content: &str) -> (usize, &'static str, String) {
        let p = parse_post(content).unwrap_err();
        (p.line, p.field, p.message)
    }

    #[test]
    fn a_post_block_gives_every_field_and_the_text() {
        let post = parse_post(GOOD).unwrap();
        assert_eq!(post.url.network, Network::X);
        assert_eq!(post.author, "British Medical Association");
        assert_eq!(post.handle.as_deref(), Some("@TheBMA"));
        assert_eq!(post.time.to_rfc3339(), "2016-01-12T11:32:00+00:00");
        assert_eq!(post.text, "Why we are striking.\n\nA second paragraph.");
    }

    #[test]
    fn fields_may_come_in_any_order_any_case_and_the_handle_may_be_left_out() {
        let post = parse_post(
            "Time: 2016-07-12T10:00:00+01:00\nAUTHOR: A\nurl: https://bsky.app/profile/a.bsky.social/post/3kabc\n\nNote: a text with a colon.",
        )
        .unwrap();
        assert_eq!(post.handle, None);
        assert_eq!(post.time.to_rfc3339(), "2016-07-12T09:00:00+00:00");
        assert_eq!(post.text, "Note: a text with a colon.");
    }

    #[test]
    fn summer_times_are_read_as_uk_time() {
        let post = parse_post(&GOOD.replace("2016-01-12 11:32", "2016-07-12 11:32")).unwrap();
        assert_eq!(post.time.to_rfc3339(), "2016-07-12T10:32:00+00:00");
    }

    #[test]
    fn a_missing_field_is_named() {
        let (line, field, message) =
            problem(&GOOD.replace("author: British Medical Association\n", ""));
        assert_eq!((line, field), (1, "author"));
        assert!(message.contains("`author` is missing"), "{message}");
        assert_eq!(
            problem(&GOOD.replace("time: 2016-01-12 11:32\n", "")).1,
            "time"
        );
        assert_eq!(
            problem(&GOOD.replace("url: https://x.com/TheBMA/status/687200000000000000\n", "")).1,
            "url"
        );
        let (line, field, _) =
            problem(&GOOD.replace("author: British Medical Association", "author:  "));
        assert_eq!((line, field), (2, "author"));
    }

    #[test]
    fn an_address_that_is_not_a_post_is_refused_on_its_line() {
        for url in [
            "https://x.com/TheBMA",
            "https://x.com.evil.example/TheBMA/status/1",
            "javascript:alert(1)",
            "https://example.com/some/page",
        ] {
            let (line, field, message) =
                problem(&GOOD.replace("https://x.com/TheBMA/status/687200000000000000", url));
            assert_eq!((line, field), (1, "url"), "{url}");
            assert!(
                message.contains("is not the address of a post on X (Twitter), Bluesky"),
                "{message}"
            );
        }
    }

    #[test]
    fn odd_values_are_refused_with_what_to_write() {
        let (line, field, message) = problem(&GOOD.replace("2016-01-12 11:32", "yesterday"));
        assert_eq!((line, field), (4, "time"));
        assert!(
            message.contains("write it like 2016-01-12 11:32"),
            "{message}"
        );
        let (line, field, _) = problem(&GOOD.replace("@TheBMA", "@The BMA"));
        assert_eq!((line, field), (3, "handle"));
        assert_eq!(problem(&GOOD.replace("@TheBMA", "<b>")).1, "handle");
        let long = "a".repeat(101);
        assert_eq!(
            problem(&GOOD.replace("British Medical Association", &long)).1,
            "author"
        );
        let (line, field, _) =
            problem(&GOOD.replace("handle: @TheBMA", "handle: @TheBMA\nauthor: again"));
        assert_eq!((line, field), (4, "author"));
        let ambiguous = problem(&GOOD.replace("2016-01-12 11:32", "2016-10-30 01:30")).2;
        assert!(ambiguous.contains("happened twice"), "{ambiguous}");
    }

    #[test]
    fn an_unknown_field_or_no_text_is_refused() {
        let (line, field, message) = problem(&GOOD.replace("handle:", "handel:"));
        assert_eq!((line, field), (3, "text"));
        assert!(message.contains("“handel” is not a field"), "{message}");
        let (line, field, message) =
            problem("url: https://x.com/a/status/1\nauthor: A\ntime: 2016-01-12 11:32\n");
        assert_eq!((line, field), (3, "text"));
        assert!(message.contains("no text"), "{message}");
        assert_eq!(problem("").1, "url");
    }
}
