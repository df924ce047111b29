//! Markdown → sanitised HTML, as a short pipeline of named stages:
//! parse with chosen extensions → resolve `READ MORE:` paragraphs → number
//! footnote references → write HTML → sanitise.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

use super::SafeHtml;
use crate::domain::Slug;
use crate::urls;

/// The result of rendering: the HTML to store, and the stories it links to with
/// `READ MORE:`, so a later headline change can reach this story.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedMarkdown {
    pub html: SafeHtml,
    pub read_more: Vec<Slug>,
    /// The first [`SUMMARY_WORDS`] words as plain text, for lists and feed titles.
    pub summary: String,
}

/// Words kept in [`RenderedMarkdown::summary`].
pub const SUMMARY_WORDS: usize = 16;

/// A `READ MORE:` paragraph points at a story that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("READ MORE links to /news/{slug}, but there is no story “{slug}”")]
pub struct MissingStory {
    pub slug: String,
}

const READ_MORE_PREFIX: &str = "READ MORE:";

/// Renders `markdown`; `headline_of` gives a story's current headline by slug,
/// which becomes the text of each read-more link.
pub fn render_markdown(
    markdown: &str,
    headline_of: &dyn Fn(&Slug) -> Option<String>,
) -> Result<RenderedMarkdown, MissingStory> {
    let events: Vec<Event> = Parser::new_ext(markdown, parser_options()).collect();
    let summary = first_words(&events, SUMMARY_WORDS);
    let (events, read_more) = resolve_read_more(events, headline_of)?;
    let events = number_footnote_references(events);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events.into_iter());
    Ok(RenderedMarkdown {
        html: SafeHtml::sanitise(&unsafe_html),
        read_more,
        summary,
    })
}

/// The first `count` words of the text, without markup, link targets or tags.
fn first_words(events: &[Event], count: usize) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => text.push(' '),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut summary = words[..words.len().min(count)].join(" ");
    if words.len() > count {
        summary.push('…');
    }
    summary
}

/// The extensions editors may use, switched on one by one.
fn parser_options() -> Options {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_SMART_PUNCTUATION);
    options
}

/// Replaces each paragraph `READ MORE: [text](/news/slug)` by a read-more link
/// whose text is the target's current headline.
fn resolve_read_more<'a>(
    events: Vec<Event<'a>>,
    headline_of: &dyn Fn(&Slug) -> Option<String>,
) -> Result<(Vec<Event<'a>>, Vec<Slug>), MissingStory> {
    let mut out = Vec::with_capacity(events.len());
    let mut targets = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let Some((slug, len)) = read_more_paragraph(&events[i..]) else {
            out.push(events[i].clone());
            i += 1;
            continue;
        };
        let slug = Slug::parse(&slug).map_err(|_| MissingStory { slug: slug.clone() })?;
        let headline = headline_of(&slug).ok_or_else(|| MissingStory {
            slug: slug.to_string(),
        })?;
        out.push(Event::Html(
            format!(
                r#"<p class="read-more"><span class="read-more-label">Read more</span> <a href="{}">"#,
                urls::story(slug.as_str())
            )
            .into(),
        ));
        out.push(Event::Text(headline.into()));
        out.push(Event::Html("</a></p>\n".into()));
        if !targets.contains(&slug) {
            targets.push(slug);
        }
        i += len;
    }
    Ok((out, targets))
}

/// If `events` starts with a read-more paragraph, the target slug and the
/// number of events the paragraph spans.
fn read_more_paragraph(events: &[Event]) -> Option<(String, usize)> {
    if !matches!(events.first(), Some(Event::Start(Tag::Paragraph))) {
        return None;
    }
    let end = events
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))?;
    let inner = &events[1..end];
    let link_at = inner
        .iter()
        .position(|e| matches!(e, Event::Start(Tag::Link { .. })))?;
    let lead: String = inner[..link_at]
        .iter()
        .map(text_of)
        .collect::<Option<_>>()?;
    if lead.trim() != READ_MORE_PREFIX {
        return None;
    }
    let Event::Start(Tag::Link {
        link_type: LinkType::Inline,
        dest_url,
        ..
    }) = &inner[link_at]
    else {
        return None;
    };
    let link_end = inner
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Link)))?;
    let trailing: String = inner[link_end + 1..]
        .iter()
        .map(text_of)
        .collect::<Option<_>>()?;
    if !trailing.trim().is_empty() {
        return None;
    }
    let slug = urls::story_slug(dest_url)?;
    Some((slug.to_owned(), end + 1))
}

fn text_of<'a>(event: &'a Event) -> Option<&'a str> {
    match event {
        Event::Text(text) => Some(text),
        _ => None,
    }
}

/// Writes footnote references ourselves so their links point at the sanitiser's
/// prefixed ids (`#fn-note`); numbers follow pulldown-cmark's own order of first use.
fn number_footnote_references(events: Vec<Event>) -> Vec<Event> {
    let mut numbers: HashMap<CowStr, usize> = HashMap::new();
    let mut number_of = |name: &CowStr<'_>| {
        let next = numbers.len() + 1;
        *numbers.entry(name.to_string().into()).or_insert(next)
    };
    events
        .into_iter()
        .map(|event| match event {
            Event::FootnoteReference(name) => {
                let n = number_of(&name);
                Event::Html(
                    format!(
                        r##"<sup class="footnote-reference"><a href="#fn-{name}">{n}</a></sup>"##
                    )
                    .into(),
                )
            }
            Event::Start(Tag::FootnoteDefinition(ref name)) => {
                number_of(name);
                event
            }
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headlines(slug: &Slug) -> Option<String> {
        (slug.as_str() == "pickets-at-hri").then(|| "Pickets & placards at HRI".to_owned())
    }

    #[test]
    fn read_more_shows_the_current_headline() {
        let md = "Intro.\n\nREAD MORE: [old title](/news/pickets-at-hri)\n";
        let rendered = render_markdown(md, &headlines).unwrap();
        assert!(rendered.html.as_str().contains(
            r#"<p class="read-more"><span class="read-more-label">Read more</span> <a href="/news/pickets-at-hri" rel="noopener noreferrer">Pickets &amp; placards at HRI</a></p>"#
        ), "{}", rendered.html);
        assert_eq!(rendered.read_more, [Slug::parse("pickets-at-hri").unwrap()]);
        assert_eq!(rendered.summary, "Intro. READ MORE: old title");
    }

    #[test]
    fn read_more_to_a_missing_story_is_refused() {
        let err = render_markdown("READ MORE: [x](/news/nowhere)", &headlines).unwrap_err();
        assert_eq!(err.slug, "nowhere");
    }

    #[test]
    fn extensions_and_sanitising_work_together() {
        let md =
            "| a |\n|---|\n| b |\n\n~~gone~~ \"quoted\"[^n]\n\n[^n]: note\n\n<script>x</script>";
        let html = render_markdown(md, &headlines).unwrap().html.into_string();
        assert!(
            html.contains("<table>") && html.contains("<del>gone</del>"),
            "{html}"
        );
        assert!(html.contains("“quoted”"), "{html}");
        assert!(
            html.contains(r##"href="#fn-n""##) && html.contains(r#"id="fn-n""#),
            "{html}"
        );
        assert!(!html.contains("script"), "{html}");
    }
}
