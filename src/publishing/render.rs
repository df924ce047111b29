//! What every write renders Markdown against.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};

use anyhow::Context;

use pulldown_cmark::{Event, Parser, Tag};

use crate::content::{
    MissingStory, Placement, RenderContext, RenderedMarkdown, photos, render_markdown, videos,
};
use crate::db::{self, Connection};
use crate::domain::{Slug, StoryDraft, StoryStatus};
use crate::media::StoredMedia;

/// Renders Markdown for a write: knows the site's URL and the current
/// headline of the published stories, which `READ MORE:` links resolve to,
/// and the stored photos and videos that `/media/` addresses render from.
///
/// A desk write knows only what its texts refer to ([`renderer_for`]), so
/// what it costs stays the same however many stories and photos the site
/// has (a newsroom's archive holds a hundred thousand); an import, which
/// renders many files, knows everything ([`headline_lookup`]).
#[derive(Debug, Clone)]
pub struct Renderer {
    site_url: String,
    /// Published stories' headlines by slug.
    headlines: HashMap<String, String>,
    /// Stories this write saves: what `headlines` says of them wins over
    /// what is stored, which must not be loaded for them.
    saving: HashSet<String>,
    /// Stored photos and videos by SHA-256.
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

    /// This renderer, also knowing what `texts` refer to and it does not.
    pub async fn widened(&self, conn: &mut Connection, texts: &[&str]) -> anyhow::Result<Renderer> {
        let mut wanted = References::of(&self.site_url, texts);
        wanted
            .slugs
            .retain(|slug| !self.headlines.contains_key(slug) && !self.saving.contains(slug));
        wanted
            .media
            .retain(|sha256| !self.media.contains_key(sha256));
        let mut widened = self.clone();
        widened.load(conn, &wanted).await?;
        Ok(widened)
    }

    fn new<'a>(site_url: &str, saving: impl IntoIterator<Item = &'a StoryDraft>) -> Renderer {
        let mut renderer = Renderer {
            site_url: site_url.to_owned(),
            headlines: HashMap::new(),
            saving: HashSet::new(),
            media: HashMap::new(),
        };
        for draft in saving {
            let slug = draft.slug.to_string();
            if draft.status == StoryStatus::Published {
                renderer
                    .headlines
                    .insert(slug.clone(), draft.headline.clone());
            }
            renderer.saving.insert(slug);
        }
        renderer
    }

    /// Adds stored headlines (except those of stories being saved) and media.
    fn add(&mut self, headlines: Vec<(String, String)>, media: Vec<StoredMedia>) {
        for (slug, headline) in headlines {
            if !self.saving.contains(&slug) {
                self.headlines.insert(slug, headline);
            }
        }
        for stored in media {
            self.media.insert(stored.sha256.clone(), stored);
        }
    }

    async fn load(&mut self, conn: &mut Connection, wanted: &References) -> anyhow::Result<()> {
        let slugs: Vec<&str> = wanted.slugs.iter().map(String::as_str).collect();
        let headlines = db::stories::published_headlines_of(conn, &slugs)
            .await
            .context("loading headlines")?;
        let mut media = Vec::with_capacity(wanted.media.len());
        for sha256 in &wanted.media {
            let found = db::media::find_by_hash(conn, sha256)
                .await
                .context("loading the media library")?;
            media.extend(found);
        }
        self.add(headlines, media);
        Ok(())
    }
}

/// A [`Renderer`] for the site at `site_url` that knows every published
/// headline and every stored photo and video, with `saving` (the stories this write saves)
/// overriding what is stored: a published one counts with its new headline,
/// a draft does not count, even if the stored version is published.
pub async fn headline_lookup<'a>(
    conn: &mut Connection,
    site_url: &str,
    saving: impl IntoIterator<Item = &'a StoryDraft>,
) -> anyhow::Result<Renderer> {
    let headlines = db::stories::published_headlines(conn)
        .await
        .context("loading headlines")?;
    let media = db::media::library(conn)
        .await
        .context("loading the media library")?;
    let mut renderer = Renderer::new(site_url, saving);
    renderer.add(headlines, media);
    Ok(renderer)
}

/// A [`Renderer`] like [`headline_lookup`]'s that knows only what `texts`
/// refer to, which is all that rendering them can ask for.
pub async fn renderer_for<'a>(
    conn: &mut Connection,
    site_url: &str,
    saving: impl IntoIterator<Item = &'a StoryDraft>,
    texts: &[&str],
) -> anyhow::Result<Renderer> {
    Renderer::new(site_url, saving).widened(conn, texts).await
}

/// The stories and media some Markdown refers to.
#[derive(Debug, Default, PartialEq)]
struct References {
    slugs: BTreeSet<String>,
    /// SHA-256s of the `/media/` files its images and links point at.
    media: BTreeSet<String>,
}

impl References {
    /// Read-more targets are found by rendering each text once with a
    /// lookup that notes what it is asked for and pretends every story
    /// exists, so that one missing story does not stop the search: the
    /// Markdown pipeline stays the only place that knows what a read-more
    /// link looks like. Media are every `/media/` photo or video address an
    /// image or a link points at (a video's poster is an image in its link).
    fn of(site_url: &str, texts: &[&str]) -> References {
        let slugs = RefCell::new(BTreeSet::new());
        let headline_of = |slug: &Slug| {
            slugs.borrow_mut().insert(slug.to_string());
            Some(String::new())
        };
        let mut media = BTreeSet::new();
        for text in texts {
            let context = RenderContext {
                site_url,
                headline_of: &headline_of,
                media_of: &|_| None,
                place: Placement::StoryBody,
            };
            // Only the lookups matter here; the real render follows.
            let _ = render_markdown(text, &context);
            media.extend(media_addresses(text));
        }
        References {
            slugs: slugs.into_inner(),
            media,
        }
    }
}

/// The SHA-256s of the stored photos and videos `markdown` points at.
fn media_addresses(markdown: &str) -> impl Iterator<Item = String> {
    Parser::new(markdown).filter_map(|event| match event {
        Event::Start(Tag::Image { dest_url, .. } | Tag::Link { dest_url, .. }) => {
            let hash = photos::photo_hash(&dest_url).or_else(|| videos::video_hash(&dest_url));
            hash.map(str::to_owned)
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_every_read_more_target_photo_video_and_poster() {
        let (sha, poster, video) = ("a".repeat(64), "b".repeat(64), "c".repeat(64));
        let text = format!(
            "READ MORE: [x](/news/first-story)\n\n\
             READ MORE: [y](https://example.test/news/second-story)\n\n\
             ![Alt](/media/{sha}-1600.jpg)\n\n\
             [![Title](/media/{poster}-1600.jpg)](/media/{video}.mp4)\n\n\
             A [plain link](/news/not-a-read-more)."
        );
        let found = References::of("https://example.test", &[&text]);
        assert_eq!(
            found.slugs,
            BTreeSet::from(["first-story".to_owned(), "second-story".to_owned()])
        );
        assert_eq!(found.media, BTreeSet::from([sha, poster, video]));
    }
}
