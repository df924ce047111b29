//! Markdown → sanitised HTML, as a short pipeline of named stages:
//! parse with chosen extensions → videos and social posts (`embeds`) →
//! note the photo it opens with (`lead_photo`) →
//! uploaded photos and galleries (`photos`) → uploaded videos (`videos`) →
//! resolve `READ MORE:` paragraphs → number
//! footnote references → class table cells by alignment → write HTML →
//! sanitise.

use std::collections::HashMap;

use pulldown_cmark::{Alignment, CowStr, Event, Options, Parser, Tag, TagEnd, html};

use super::SafeHtml;
use super::embeds::render_embeds;
use super::lead_photo::{LeadPhoto, lead_photo};
use super::read_more::{MissingStory, resolve_read_more};
use crate::domain::Slug;

/// The result of rendering: the HTML to store, and the stories it links to with
/// `READ MORE:`, so a later headline change can reach this story.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderedMarkdown {
    /// The sanitised HTML, ready to store.
    pub html: SafeHtml,
    /// The stories its `READ MORE:` paragraphs link to, each once.
    pub read_more: Vec<Slug>,
    /// The first [`SUMMARY_WORDS`] words as plain text, for lists and feed titles.
    pub summary: String,
    /// The stored photo the Markdown opens with: a story's lead photo.
    pub lead_photo: Option<LeadPhoto>,
}

/// Words kept in [`RenderedMarkdown::summary`].
pub const SUMMARY_WORDS: usize = 16;

/// What a render needs besides the Markdown itself.
pub struct RenderContext<'a> {
    /// The site's public URL, without a trailing slash: an absolute link
    /// under it is a link on this site.
    pub site_url: &'a str,
    /// A published story's current headline by slug (`None` for a draft or
    /// a missing story), which becomes the text of each read-more link.
    pub headline_of: &'a dyn Fn(&Slug) -> Option<String>,
    /// A stored photo or video by the SHA-256 its files are named by,
    /// which a paragraph that is only that photo's image (`photos`) or
    /// only a link to that video (`videos`) becomes.
    pub media_of: super::photos::MediaLookup<'a>,
    /// Where on its page the HTML will stand.
    pub place: Placement,
}

/// Where rendered Markdown stands on a story page, which holds the story's
/// body and many updates: each gets its own ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// The story's own body.
    StoryBody,
    /// The live update with this id.
    Update(i64),
}

impl Placement {
    /// What every id in the HTML starts with (`story-fn-1`, `u123-fn-1`), so
    /// footnotes of the body and of every update on one page never share an
    /// id, and no author-chosen id can take one of the page's own anchors.
    fn id_prefix(self) -> String {
        match self {
            Placement::StoryBody => "story-fn-".to_owned(),
            Placement::Update(id) => format!("u{id}-fn-"),
        }
    }
}

/// Renders `markdown` for its place on a page, resolving read-more links
/// against `context`; refuses a read-more to a story that is not published.
pub fn render_markdown(
    markdown: &str,
    context: &RenderContext,
) -> Result<RenderedMarkdown, MissingStory> {
    let id_prefix = context.place.id_prefix();
    let parsed = Parser::new_ext(markdown, parser_options()).into_offset_iter();
    let events = render_embeds(parsed, markdown);
    let lead_photo = lead_photo(&events, context.media_of);
    let events = super::photos::render_photos(events, context.media_of);
    let events = super::videos::render_videos(events, context.media_of);
    let summary = first_words(&events, SUMMARY_WORDS);
    let (events, read_more) = resolve_read_more(events, context)?;
    let events = number_footnote_references(events, &id_prefix);
    let events = class_table_cells(events);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events.into_iter());
    Ok(RenderedMarkdown {
        html: SafeHtml::sanitise(&unsafe_html, &id_prefix),
        read_more,
        summary,
        lead_photo,
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
pub(super) fn parser_options() -> Options {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_SMART_PUNCTUATION);
    options
}

/// Writes footnote references ourselves so their links point at the ids the
/// sanitiser gives the definitions (`id_prefix` + name); numbers follow
/// pulldown-cmark's own order of first use.
fn number_footnote_references<'a>(events: Vec<Event<'a>>, id_prefix: &str) -> Vec<Event<'a>> {
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
                // Escaped as pulldown-cmark escapes the definition's id.
                let target = ammonia::clean_text(&format!("{id_prefix}{name}"));
                Event::Html(
                    format!(
                        r##"<sup class="footnote-reference"><a href="#{target}">{n}</a></sup>"##
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

/// Writes table cells with an `align-left|center|right` class where
/// pulldown-cmark would write an inline `style`: the Content-Security-Policy
/// (`style-src 'self'`) forbids inline styles, so only a class from the
/// site's stylesheet can align a column.
fn class_table_cells(events: Vec<Event>) -> Vec<Event> {
    let mut alignments = Vec::new();
    let mut in_head = false;
    let mut column = 0;
    events
        .into_iter()
        .map(|event| match event {
            Event::Start(Tag::Table(ref columns)) => {
                alignments.clone_from(columns);
                event
            }
            Event::Start(Tag::TableHead) | Event::End(TagEnd::TableHead) => {
                in_head = matches!(event, Event::Start(_));
                column = 0;
                event
            }
            Event::Start(Tag::TableRow) => {
                column = 0;
                event
            }
            Event::Start(Tag::TableCell) => {
                Event::Html(cell_start(in_head, alignments.get(column)).into())
            }
            Event::End(TagEnd::TableCell) => {
                column += 1;
                Event::Html(if in_head { "</th>" } else { "</td>" }.into())
            }
            other => other,
        })
        .collect()
}

/// The start tag of a table cell aligned as its column says.
fn cell_start(in_head: bool, alignment: Option<&Alignment>) -> String {
    let tag = if in_head { "th" } else { "td" };
    match alignment {
        Some(Alignment::Left) => format!(r#"<{tag} class="align-left">"#),
        Some(Alignment::Center) => format!(r#"<{tag} class="align-center">"#),
        Some(Alignment::Right) => format!(r#"<{tag} class="align-right">"#),
        Some(Alignment::None) | None => format!("<{tag}>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headlines(slug: &Slug) -> Option<String> {
        (slug.as_str() == "pickets-at-hri").then(|| "Pickets & placards at HRI".to_owned())
    }

    /// Renders for `place` on a site at `https://news.example` that has one
    /// published story, `pickets-at-hri`.
    fn render_at(md: &str, place: Placement) -> Result<RenderedMarkdown, MissingStory> {
        let context = RenderContext {
            site_url: "https://news.example",
            headline_of: &headlines,
            media_of: &|_| None,
            place,
        };
        render_markdown(md, &context)
    }

    fn render(md: &str) -> Result<RenderedMarkdown, MissingStory> {
        render_at(md, Placement::StoryBody)
    }

    fn read_more_to(href: &str) -> String {
        format!(
            r#"<p class="read-more"><span class="read-more-label">Read more</span> <a href="{href}" rel="noopener noreferrer">Pickets &amp; placards at HRI</a></p>"#
        )
    }

    #[test]
    fn read_more_shows_the_current_headline() {
        let md = "Intro.\n\nREAD MORE: [old title](/news/pickets-at-hri)\n";
        let rendered = render(md).unwrap();
        let html = rendered.html.as_str();
        assert!(
            html.contains(&read_more_to("/news/pickets-at-hri")),
            "{html}"
        );
        assert_eq!(rendered.read_more, [Slug::parse("pickets-at-hri").unwrap()]);
        assert_eq!(rendered.summary, "Intro. READ MORE: old title");
    }

    #[test]
    fn read_more_to_a_missing_story_is_refused() {
        let err = render("READ MORE: [x](/news/nowhere)").unwrap_err();
        assert_eq!(err.slug, "nowhere");
    }

    #[test]
    fn read_more_is_checked_in_every_link_form() {
        let forms = [
            "READ MORE: [gone][1]\n\n[1]: /news/nope",
            "READ MORE: [gone][]\n\n[gone]: /news/nope",
            "READ MORE: [gone]\n\n[gone]: /news/nope",
            "READ MORE: <https://news.example/news/nope>",
        ];
        for md in forms {
            assert_eq!(render(md).unwrap_err().slug, "nope", "{md}");
        }
        let html = render("READ MORE: [x][1]\n\n[1]: /news/pickets-at-hri")
            .unwrap()
            .html;
        assert!(
            html.as_str()
                .contains(&read_more_to("/news/pickets-at-hri")),
            "{html}"
        );
    }

    #[test]
    fn read_more_to_an_update_shows_the_headline_and_keeps_the_update_link() {
        let md = "READ MORE: [the 8am picket](/news/pickets-at-hri?update=1#update-1)";
        let rendered = render(md).unwrap();
        let html = rendered.html.as_str();
        assert!(
            html.contains(&read_more_to("/news/pickets-at-hri?update=1#update-1")),
            "{html}"
        );
        assert_eq!(rendered.read_more, [Slug::parse("pickets-at-hri").unwrap()]);
    }

    #[test]
    fn read_more_to_the_sites_own_absolute_url_resolves_like_a_relative_one() {
        let md = "READ MORE: [x](https://news.example/news/pickets-at-hri)";
        let html = render(md).unwrap().html;
        assert!(
            html.as_str()
                .contains(&read_more_to("/news/pickets-at-hri")),
            "{html}"
        );
    }

    #[test]
    fn footnotes_of_the_body_and_of_each_update_get_their_own_ids() {
        let md = "Claim.[^1]\n\n[^1]: Source.";
        let body = render_at(md, Placement::StoryBody).unwrap().html;
        let update = render_at(md, Placement::Update(123)).unwrap().html;
        for (html, prefix) in [(body.as_str(), "story-fn-"), (update.as_str(), "u123-fn-")] {
            assert!(html.contains(&format!(r##"href="#{prefix}1""##)), "{html}");
            assert!(html.contains(&format!(r#"id="{prefix}1""#)), "{html}");
        }
    }

    #[test]
    fn table_column_alignment_survives_as_classes() {
        let md = "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |";
        let html = render(md).unwrap().html.into_string();
        for cell in [
            r#"<th class="align-left">a</th>"#,
            r#"<th class="align-center">b</th>"#,
            r#"<th class="align-right">c</th>"#,
            "<th>d</th>",
            r#"<td class="align-right">3</td>"#,
            "<td>4</td>",
        ] {
            assert!(html.contains(cell), "{cell} missing from {html}");
        }
        assert!(!html.contains("style"), "{html}");
    }

    #[test]
    fn extensions_and_sanitising_work_together() {
        let md =
            "| a |\n|---|\n| b |\n\n~~gone~~ \"quoted\"[^n]\n\n[^n]: note\n\n<script>x</script>";
        let html = render(md).unwrap().html.into_string();
        assert!(
            html.contains("<table>") && html.contains("<del>gone</del>"),
            "{html}"
        );
        assert!(html.contains("“quoted”"), "{html}");
        assert!(
            html.contains(r##"href="#story-fn-n""##) && html.contains(r#"id="story-fn-n""#),
            "{html}"
        );
        assert!(!html.contains("script"), "{html}");
    }
}
