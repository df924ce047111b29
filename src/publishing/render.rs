//! What every write renders Markdown against.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};

use anyhow::Context;

use crate::content::{MissingStory, Placement, RenderContext, RenderedMarkdown, render_markdown};
use crate::db::{self, Connection};
use crate::domain::{Slug, StoryDraft, StoryStatus};
use crate::media::StoredMedia;

/// Renders Markdown for a write: knows the site's URL and the current
/// headline of the published stories, which `READ MORE:` links resolve to,
/// and the stored photos that `/media/` images render from.
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
    /// Stored photos by SHA-256.
    photos: HashMap<String, StoredMedia>,
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
        let photo_of = |sha: &str| self.photos.get(sha).cloned();
        let context = RenderContext {
            site_url: &self.site_url,
            headline_of: &headline_of,
            photo_of: &photo_of,
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
            .photos
            .retain(|sha256| !self.photos.contains_key(sha256));
        let mut widened = self.clone();
        widened.load(conn, &wanted).await?;
        Ok(widened)
    }

    fn new<'a>(site_url: &str, saving: impl IntoIterator<Item = &'a StoryDraft>) -> Renderer {
        let mut renderer = Renderer {
            site_url: site_url.to_owned(),
            headlines: HashMap::new(),
            saving: HashSet::new(),
            photos: HashMap::new(),
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

    /// Adds stored headlines (except those of stories being saved) and photos.
    fn add(&mut self, headlines: Vec<(String, String)>, photos: Vec<StoredMedia>) {
        for (slug, headline) in headlines {
            if !self.saving.contains(&slug) {
                self.headlines.insert(slug, headline);
            }
        }
        for photo in photos {
            self.photos.insert(photo.sha256.clone(), photo);
        }
    }

    async fn load(&mut self, conn: &mut Connection, wanted: &References) -> anyhow::Result<()> {
        let slugs: Vec<&str> = wanted.slugs.iter().map(String::as_str).collect();
        let headlines = db::stories::published_headlines_of(conn, &slugs)
            .await
            .context("loading headlines")?;
        let mut photos = Vec::with_capacity(wanted.photos.len());
        for sha256 in &wanted.photos {
            let found = db::media::find_by_hash(conn, sha256)
                .await
                .context("loading photos")?;
            photos.extend(found);
        }
        self.add(headlines, photos);
        Ok(())
    }
}

/// A [`Renderer`] for the site at `site_url` that knows every published
/// headline and every photo, with `saving` (the stories this write saves)
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
    let photos = db::media::photos(conn).await.context("loading photos")?;
    let mut renderer = Renderer::new(site_url, saving);
    renderer.add(headlines, photos);
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

/// The stories and photos some Markdown refers to.
#[derive(Debug, Default, PartialEq)]
struct References {
    slugs: BTreeSet<String>,
    photos: BTreeSet<String>,
}

impl References {
    /// Found by rendering each text once with lookups that note what they
    /// are asked for and pretend every story exists, so that one missing
    /// story does not stop the search: the Markdown pipeline stays the only
    /// place that knows what a read-more link or a photo looks like.
    fn of(site_url: &str, texts: &[&str]) -> References {
        let found = RefCell::new(References::default());
        let headline_of = |slug: &Slug| {
            found.borrow_mut().slugs.insert(slug.to_string());
            Some(String::new())
        };
        let photo_of = |sha256: &str| {
            found.borrow_mut().photos.insert(sha256.to_owned());
            None
        };
        for text in texts {
            let context = RenderContext {
                site_url,
                headline_of: &headline_of,
                photo_of: &photo_of,
                place: Placement::StoryBody,
            };
            // Only the lookups matter here; the real render follows.
            let _ = render_markdown(text, &context);
        }
        found.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_every_read_more_target_and_photo_even_after_a_missing_one() {
        let sha = "a".repeat(64);
        let text = format!(
            "READ MORE: [x](/news/first-story)\n\n\
             READ MORE: [y](https://example.test/news/second-story)\n\n\
             ![Alt](/media/{sha}-1600.jpg)\n\n\
             A [plain link](/news/not-a-read-more)."
        );
        let found = References::of("https://example.test", &[&text]);
        assert_eq!(
            found.slugs,
            BTreeSet::from(["first-story".to_owned(), "second-story".to_owned()])
        );
        assert_eq!(found.photos, BTreeSet::from([sha]));
    }
}
