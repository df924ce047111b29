//! The `READ MORE:` stage of the Markdown pipeline: a paragraph that is
//! `READ MORE:` and one link to a story on this site becomes a read-more link
//! showing that story's current headline.

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

use super::markdown::RenderContext;
use crate::domain::{Slug, UpdateId};
use crate::urls;

/// A `READ MORE:` paragraph points at a story that does not exist or is not published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("READ MORE links to /news/{slug}, but there is no published story “{slug}”")]
pub struct MissingStory {
    /// The slug as the link spells it (it may not even be a valid slug).
    pub slug: String,
}

const READ_MORE_PREFIX: &str = "READ MORE:";

/// What a read-more link points at: a story, or one update on it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    slug: String,
    update: Option<UpdateId>,
}

/// Replaces each read-more paragraph by a read-more link whose text is the
/// target's current headline; returns the stories linked to, each once.
pub(super) fn resolve_read_more<'a>(
    events: Vec<Event<'a>>,
    context: &RenderContext,
) -> Result<(Vec<Event<'a>>, Vec<Slug>), MissingStory> {
    let mut out = Vec::with_capacity(events.len());
    let mut targets = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let Some((target, len)) = read_more_paragraph(&events[i..], context.site_url) else {
            out.push(events[i].clone());
            i += 1;
            continue;
        };
        let (slug, headline) = resolve(&target, context)?;
        out.extend(read_more_link(&slug, target.update, headline));
        if !targets.contains(&slug) {
            targets.push(slug);
        }
        i += len;
    }
    Ok((out, targets))
}

/// The target's slug and current headline, if it is a published story.
fn resolve(target: &Target, context: &RenderContext) -> Result<(Slug, String), MissingStory> {
    let missing = || MissingStory {
        slug: target.slug.clone(),
    };
    let slug = Slug::parse(&target.slug).map_err(|_| missing())?;
    let headline = (context.headline_of)(&slug).ok_or_else(missing)?;
    Ok((slug, headline))
}

/// The events of a read-more link. The address is rebuilt from the parsed
/// target, so nothing else an author put in the URL reaches the page.
fn read_more_link<'a>(slug: &Slug, update: Option<UpdateId>, headline: String) -> [Event<'a>; 3] {
    let href = match update {
        Some(id) => urls::update(slug.as_str(), id.get()),
        None => urls::story(slug.as_str()),
    };
    [
        Event::Html(
            format!(
                r#"<p class="read-more"><span class="read-more-label">Read more</span> <a href="{href}">"#
            )
            .into(),
        ),
        Event::Text(headline.into()),
        Event::Html("</a></p>\n".into()),
    ]
}

/// If `events` starts with a read-more paragraph, its target and the number
/// of events the paragraph spans. Every link form counts (inline, reference,
/// collapsed, shortcut, autolink): by the time pulldown-cmark emits a link,
/// its reference has been resolved to a destination.
fn read_more_paragraph(events: &[Event], site_url: &str) -> Option<(Target, usize)> {
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
    if plain_text(&inner[..link_at])?.trim() != READ_MORE_PREFIX {
        return None;
    }
    let Event::Start(Tag::Link {
        link_type,
        dest_url,
        ..
    }) = &inner[link_at]
    else {
        return None;
    };
    if *link_type == LinkType::Email {
        return None;
    }
    let link_end = inner
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Link)))?;
    if !plain_text(&inner[link_end + 1..])?.trim().is_empty() {
        return None;
    }
    Some((story_target(dest_url, site_url)?, end + 1))
}

/// The text of `events` if they are nothing but text.
fn plain_text(events: &[Event]) -> Option<String> {
    events
        .iter()
        .map(|event| match event {
            Event::Text(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect()
}

/// The story (and update) a link destination names, if it is a story
/// address on this site: relative (`/news/slug`) or absolute under the
/// site's own URL, optionally with `?update={id}` and `#update-{id}`.
fn story_target(dest: &str, site_url: &str) -> Option<Target> {
    let path = match dest.strip_prefix(site_url) {
        Some(rest) if rest.starts_with('/') => rest,
        _ => dest,
    };
    let (path, fragment) = split_off(path, '#');
    let (path, query) = split_off(path, '?');
    let slug = urls::story_slug(path)?.to_owned();
    let update = update_in(query, fragment);
    Some(Target { slug, update })
}

/// `text` before and after the first `separator`.
fn split_off(text: &str, separator: char) -> (&str, Option<&str>) {
    match text.split_once(separator) {
        Some((before, after)) => (before, Some(after)),
        None => (text, None),
    }
}

/// The update a permalink names: `?update={id}` as the site writes it, or
/// only the anchor `#update-{id}`.
fn update_in(query: Option<&str>, fragment: Option<&str>) -> Option<UpdateId> {
    let from_query = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|pair| UpdateId::parse(pair.strip_prefix("update=")?));
    from_query.or_else(|| UpdateId::parse(fragment?.strip_prefix("update-")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "https://news.example";

    fn target(dest: &str) -> Option<Target> {
        story_target(dest, SITE)
    }

    fn story(slug: &str, update: Option<i64>) -> Option<Target> {
        Some(Target {
            slug: slug.to_owned(),
            update: update.and_then(|id| UpdateId::parse(&id.to_string())),
        })
    }

    #[test]
    fn relative_and_own_absolute_story_addresses_are_targets() {
        assert_eq!(target("/news/pickets"), story("pickets", None));
        assert_eq!(target("/news/pickets/"), story("pickets", None));
        assert_eq!(
            target("https://news.example/news/pickets"),
            story("pickets", None)
        );
    }

    #[test]
    fn update_permalinks_name_their_update() {
        assert_eq!(target("/news/p?update=7#update-7"), story("p", Some(7)));
        assert_eq!(target("/news/p#update-7"), story("p", Some(7)));
        assert_eq!(target("/news/p?order=oldest"), story("p", None));
    }

    #[test]
    fn other_sites_and_other_pages_are_not_targets() {
        assert_eq!(target("https://elsewhere.example/news/pickets"), None);
        assert_eq!(target("https://news.example.evil/news/pickets"), None);
        assert_eq!(target("/topics/health"), None);
    }
}
