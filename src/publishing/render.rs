//! What every write renders Markdown against.

use std::collections::HashMap;

use anyhow::Context;

use crate::content::{MissingStory, Placement, RenderContext, RenderedMarkdown, render_markdown};
use crate::db::{self, Connection};
use crate::domain::{Slug, StoryDraft, StoryStatus};
use crate::media::StoredMedia;

/// Renders Markdown for a write: knows the site's URL and the current
/// headline of every published story, which `READ MORE:` links resolve to.
#[derive(Debug, Clone)]
pub struct Renderer {
    site_url: String,
    /// Published stories' headlines by slug.
    headlines: HashMap<String, String>,
    /// Stored photos and videos by SHA-256, which `/media/` images and
    /// video links render from.
    media: HashMap<String, StoredMedia>,
}

impl Renderer {
    /// Renders `markdown` for its place on the page; refuses a `READ MORE:`
    /// to a story that is missing or not published.
    pub fn render(
        &self,
        markdown: &str,
        place: Placement,
    ) -> Result<RenderedMarkdown, MissingStory> {
        let headline_of = |slug: &Slug| self.headlines.get(slug.as_str()).cloned();
        let media_of = |sha: &str| self.media.get(sha).cloned();
        let context = RenderContext {
            site_url: &self.site_url,
            headline_of: &headline_of,
            media_of: &media_of,
            place,
        };
        render_markdown(markdown, &context)
    }
}

/// A [`Renderer`] for the site at `site_url`, with the headlines of the
/// published stories as stored, overridden by `saving` (the stories this
/// write saves): a published one counts with its new headline, a draft does
/// not count, even if the stored version is published.
pub async fn headline_lookup<'a>(
    conn: &mut Connection,
    site_url: &str,
    saving: impl IntoIterator<Item = &'a StoryDraft>,
) -> anyhow::Result<Renderer> {
    let mut headlines: HashMap<String, String> = db::stories::published_headlines(conn)
        .await
        .context("loading headlines")?
        .into_iter()
        .collect();
    for draft in saving {
        let slug = draft.slug.to_string();
        if draft.status == StoryStatus::Published {
            headlines.insert(slug, draft.headline.clone());
        } else {
            headlines.remove(&slug);
        }
    }
    let media = db::media::library(conn)
        .await
        .context("loading the media library")?
        .into_iter()
        .map(|stored| (stored.sha256.clone(), stored))
        .collect();
    Ok(Renderer {
        site_url: site_url.to_owned(),
        headlines,
        media,
    })
}
