//! The embeds stage of the Markdown pipeline: videos and quoted social
//! posts, rendered once when the Markdown is written.
//!
//! - A paragraph that is nothing but a YouTube or Vimeo address (bare, as
//!   `<address>`, or as `[Title](address)`) becomes a click-to-load facade:
//!   no request leaves the site until the reader presses play, when
//!   `static/embeds.js` swaps in the privacy-enhanced player. A linked
//!   image, `[![Title](/media/poster.jpg)](address)`, gives it a poster.
//! - A fenced block with the info string `post` becomes a quote card
//!   ([`posts`] has its syntax). Writers check blocks with [`check_posts`]
//!   before they save, so an editor hears what is wrong; a block that is
//!   still wrong when rendered stays a code block, as typed.

mod markup;
mod networks;
mod posts;
mod sanitise;
mod video;

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Tag, TagEnd};

pub use networks::{Network, PostUrl};
pub use posts::{PostProblem, SocialPost, parse_post};
pub use sanitise::allow_embeds;
pub use video::{Provider, Video};

/// Replaces video paragraphs and valid post blocks in the parser's output;
/// `source` is the Markdown the offsets point into.
pub(super) fn render_embeds<'a>(
    parsed: impl Iterator<Item = (Event<'a>, Range<usize>)>,
    source: &str,
) -> Vec<Event<'a>> {
    let parsed: Vec<(Event<'a>, Range<usize>)> = parsed.collect();
    let mut out = Vec::with_capacity(parsed.len());
    let mut i = 0;
    while i < parsed.len() {
        let (event, range) = &parsed[i];
        let replaced = match event {
            Event::Start(Tag::Paragraph) => {
                let end = end_of(&parsed[i..], |e| matches!(e, Event::End(TagEnd::Paragraph)));
                let inner = &parsed[i + 1..i + end];
                video_paragraph(inner, &source[range.clone()]).map(|events| (events, end))
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_post(info) => {
                let end = end_of(&parsed[i..], |e| matches!(e, Event::End(TagEnd::CodeBlock)));
                let content = block_text(&parsed[i + 1..i + end]);
                parse_post(&content)
                    .ok()
                    .map(|post| (markup::quote_card(&post), end))
            }
            _ => None,
        };
        match replaced {
            Some((events, end)) => {
                out.extend(events);
                i += end + 1;
            }
            None => {
                out.push(event.clone());
                i += 1;
            }
        }
    }
    out
}

/// Where the first event matching `is_end` is, counted from the start of `events`.
fn end_of(events: &[(Event, Range<usize>)], is_end: impl Fn(&Event) -> bool) -> usize {
    events
        .iter()
        .position(|(e, _)| is_end(e))
        .unwrap_or(events.len() - 1)
}

fn is_post(info: &str) -> bool {
    info.split_whitespace().next() == Some(posts::POST_INFO)
}

fn block_text(events: &[(Event, Range<usize>)]) -> String {
    events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Text(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect()
}

/// The facade for a paragraph that is only a video's address, if it is one.
/// A bare address is read from the source, before smart punctuation could
/// turn an id's `--` into a dash.
fn video_paragraph<'a>(inner: &[(Event, Range<usize>)], source: &str) -> Option<Vec<Event<'a>>> {
    if inner.iter().all(|(e, _)| matches!(e, Event::Text(_))) {
        let video = Video::from_url(source)?;
        return Some(markup::facade(&video, None, None));
    }
    let (
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        }),
        _,
    ) = inner.first()?
    else {
        return None;
    };
    if !matches!(inner.last(), Some((Event::End(TagEnd::Link), _))) || *link_type == LinkType::Email
    {
        return None;
    }
    let video = Video::from_url(dest_url)?;
    let label = &inner[1..inner.len() - 1];
    if let [
        (
            Event::Start(Tag::Image {
                dest_url: poster, ..
            }),
            _,
        ),
        alt @ ..,
        (Event::End(TagEnd::Image), _),
    ] = label
    {
        let poster = is_local_poster(poster).then_some(poster.as_ref())?;
        return Some(markup::facade(&video, title_of(alt), Some(poster)));
    }
    let title = match link_type {
        LinkType::Autolink => None,
        _ => Some(title_of(label)?),
    };
    Some(markup::facade(&video, title, None))
}

/// The plain text of a link's label: its text and code, without markup;
/// `None` when it has something else (an image, a nested link) or nothing.
fn title_of(label: &[(Event, Range<usize>)]) -> Option<String> {
    let mut title = String::new();
    for (event, _) in label {
        match event {
            Event::Text(text) | Event::Code(text) => title.push_str(text),
            Event::SoftBreak | Event::HardBreak => title.push(' '),
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {}
            _ => return None,
        }
    }
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

/// A poster must be a photo uploaded to this site: a path under `/media/`
/// of plain characters. (Uploads are stored there; nothing else may load.)
fn is_local_poster(src: &str) -> bool {
    src.strip_prefix("/media/").is_some_and(|rest| {
        !rest.is_empty()
            && !rest.contains("..")
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b))
    })
}

/// Whether stored, sanitised HTML holds a video facade: its page then needs
/// the player's frames allowed (`crate::csp`). A `<` in text is always
/// escaped by the sanitiser, so only an element can match.
pub fn shows_video(html: &str) -> bool {
    html.match_indices("<figure ").any(|(at, _)| {
        let tag = &html[at..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        tag.contains(&format!(r#" class="{}""#, markup::FACADE_CLASS))
    })
}

/// Stored HTML for a reader that runs no script of ours (a feed reader):
/// each facade keeps its caption and its link to the video's page, without
/// the poster and the play button it could not use.
pub fn without_players(html: &str) -> String {
    const FRAME: &str = r#"<div class="video-frame">"#;
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(FRAME) {
        // The frame holds spans and a button, never another div.
        let Some(end) = rest[start..].find("</div>") else {
            break;
        };
        out.push_str(&rest[..start]);
        rest = &rest[start + end + "</div>".len()..];
    }
    out.push_str(rest);
    out
}

/// The desk's check of a body: what to tell the editor about its first
/// post block that would not render as a quote card, if any.
pub fn check_body(markdown: &str) -> Result<(), String> {
    match check_posts(markdown).first() {
        None => Ok(()),
        Some(problem) => Err(format!(
            "The post block is not right at line {} (`{}`): {}.",
            problem.line, problem.field, problem.message
        )),
    }
}

/// Every post block in `markdown` that would not render as a quote card,
/// with its line in `markdown` (from 1), for the desk and the importer to
/// refuse before anything is stored.
pub fn check_posts(markdown: &str) -> Vec<PostProblem> {
    let parser = pulldown_cmark::Parser::new_ext(markdown, super::markdown::parser_options());
    let parsed: Vec<(Event, Range<usize>)> = parser.into_offset_iter().collect();
    let line_of = |offset: usize| markdown[..offset].matches('\n').count() + 1;
    let mut problems = Vec::new();
    for (i, (event, range)) in parsed.iter().enumerate() {
        let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = event else {
            continue;
        };
        if !is_post(info) {
            continue;
        }
        let rest = &parsed[i + 1..];
        let end = end_of(rest, |e| matches!(e, Event::End(TagEnd::CodeBlock)));
        let content = block_text(&rest[..end]);
        if let Err(mut problem) = parse_post(&content) {
            // The content starts on the line after the opening fence.
            problem.line += line_of(range.start);
            problems.push(problem);
        }
    }
    problems
}

#[cfg(test)]
mod tests;
