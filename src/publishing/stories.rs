use anyhow::Context;
use chrono::{DateTime, Utc};

use super::Renderer;
use crate::content::{MissingStory, Placement, RenderedMarkdown};
use crate::db::{self, Connection, stories::StoryWrite};
use crate::domain::{Slug, StoryDraft};

/// A story as stored by [`write_story`].
#[derive(Debug, Clone)]
pub struct WrittenStory {
    pub id: i64,
    pub change: StoryChange,
    /// The stories its body links to with `READ MORE:`.
    pub read_more: Vec<Slug>,
}

/// What a save did to the stored story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoryChange {
    Created,
    Updated,
    Unchanged,
    /// Saved at the desk since its file was last imported: the importer
    /// leaves it alone (the desk wins).
    KeptByDesk,
}

/// When a story was first published and last changed.
#[derive(Debug, Clone, Copy)]
pub struct StoryTimes {
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Writes a story with its topics and search entry, unless nothing changed.
///
/// The body is rendered here, by `renderer`, so a `READ MORE:` to a
/// missing or unpublished story refuses the save. Links are written by [`write_links`] once
/// every story of the batch exists.
pub async fn write_story(
    conn: &mut Connection,
    draft: &StoryDraft,
    times: StoryTimes,
    renderer: &Renderer,
) -> anyhow::Result<Result<WrittenStory, MissingStory>> {
    let rendered = match renderer.render(&draft.body_md, Placement::StoryBody) {
        Ok(rendered) => rendered,
        Err(missing) => return Ok(Err(missing)),
    };
    let row = story_row(draft, times, &rendered);
    let topic_ids = upsert_topics(conn, draft).await?;
    let (id, change) = insert_or_update(conn, &row, &topic_ids, renderer).await?;
    if change == StoryChange::Unchanged {
        let read_more = rendered.read_more;
        return Ok(Ok(WrittenStory {
            id,
            change,
            read_more,
        }));
    }
    db::topics::set_for_story(conn, id, &topic_ids)
        .await
        .context("filing story under topics")?;
    db::search::index_story(conn, id, &draft.headline, &search_text(draft))
        .await
        .context("indexing story")?;
    write_links(conn, id, &rendered.read_more).await?;
    Ok(Ok(WrittenStory {
        id,
        change,
        read_more: rendered.read_more,
    }))
}

/// Inserts the story, or updates it when it differs from what is stored
/// (following a headline change to every page that links to it).
async fn insert_or_update(
    conn: &mut Connection,
    row: &StoryWrite<'_>,
    topic_ids: &[i64],
    renderer: &Renderer,
) -> anyhow::Result<(i64, StoryChange)> {
    let Some(old) = db::stories::find_by_slug(conn, row.slug)
        .await
        .context("loading story")?
    else {
        let id = db::stories::insert(conn, row)
            .await
            .context("inserting story")?;
        return Ok((id, StoryChange::Created));
    };
    let old_topics: Vec<i64> = db::topics::for_story(conn, old.id)
        .await?
        .iter()
        .map(|t| t.id)
        .collect();
    if old_topics == topic_ids && stored_as(&old) == *row {
        return Ok((old.id, StoryChange::Unchanged));
    }
    db::stories::update(conn, old.id, row)
        .await
        .context("updating story")?;
    if old.headline != row.headline {
        follow_headline_change(conn, old.id, &old.slug, renderer).await?;
    }
    Ok((old.id, StoryChange::Updated))
}

/// What the search index holds of a story besides its headline.
pub fn search_text(draft: &StoryDraft) -> String {
    format!("{}\n{}\n{}", draft.standfirst, draft.byline, draft.body_md)
}

/// The columns to store for a draft and its rendered body.
pub fn story_row<'a>(
    draft: &'a StoryDraft,
    times: StoryTimes,
    rendered: &'a RenderedMarkdown,
) -> StoryWrite<'a> {
    StoryWrite {
        slug: draft.slug.as_str(),
        headline: &draft.headline,
        standfirst: &draft.standfirst,
        byline: &draft.byline,
        body_md: &draft.body_md,
        body_html: rendered.html.as_str(),
        status: draft.status,
        live_state: draft.live,
        published_at: times.published_at,
        updated_at: times.updated_at,
        lead_photo: rendered
            .lead_photo
            .as_ref()
            .map(|lead| (lead.media_id, lead.alt.as_str())),
    }
}

/// Creates (or renames) the draft's topics; their ids in the editor's order.
async fn upsert_topics(conn: &mut Connection, draft: &StoryDraft) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(draft.topics.len());
    for (slug, name) in &draft.topics {
        ids.push(
            db::topics::upsert(conn, slug.as_str(), name)
                .await
                .context("saving topic")?,
        );
    }
    Ok(ids)
}

fn stored_as(row: &db::stories::StoryRow) -> StoryWrite<'_> {
    StoryWrite {
        slug: &row.slug,
        headline: &row.headline,
        standfirst: &row.standfirst,
        byline: &row.byline,
        body_md: &row.body_md,
        body_html: &row.body_html,
        status: row.status,
        live_state: row.live_state,
        published_at: row.published_at,
        updated_at: row.updated_at,
        lead_photo: row
            .lead_photo_id
            .map(|id| (id, row.lead_photo_alt.as_str())),
    }
}

/// Records which stories `story_id` links to. Targets that do not exist yet
/// (later in the same import) are linked when they are written.
pub async fn write_links(
    conn: &mut Connection,
    story_id: i64,
    targets: &[Slug],
) -> anyhow::Result<()> {
    let mut ids = Vec::with_capacity(targets.len());
    for slug in targets {
        if let Some(target) = db::stories::find_by_slug(conn, slug.as_str()).await? {
            ids.push(target.id);
        }
    }
    db::links::replace_from(conn, story_id, &ids)
        .await
        .context("saving READ MORE links")
}

/// Re-renders every story and live update that links to the story, so their
/// read-more text shows its new headline.
async fn follow_headline_change(
    conn: &mut Connection,
    story_id: i64,
    slug: &str,
    renderer: &Renderer,
) -> anyhow::Result<()> {
    // A source's targets were all published when it was saved and stories are
    // never deleted; one since made a draft refuses the render: keep the old HTML.
    let stories = db::links::sources_of(conn, story_id).await?;
    let updates = db::links::updates_linking_to(conn, slug).await?;
    let texts: Vec<&str> = stories
        .iter()
        .chain(&updates)
        .map(|(_, body_md)| body_md.as_str())
        .collect();
    let renderer = renderer.widened(conn, &texts).await?;
    for (source_id, body_md) in &stories {
        if let Ok(rendered) = renderer.render(body_md, Placement::StoryBody) {
            db::stories::set_body_html(conn, *source_id, rendered.html.as_str()).await?;
        }
    }
    for (update_id, body_md) in &updates {
        if let Ok(rendered) = renderer.render(body_md, Placement::Update(*update_id)) {
            db::updates::set_body_html(conn, *update_id, rendered.html.as_str()).await?;
        }
    }
    Ok(())
}
