use anyhow::Context;
use chrono::{DateTime, Utc};

use super::Renderer;
use crate::content::{MissingStory, Placement, RenderedMarkdown};
use crate::db::{self, Connection, stories::StoryRow, stories::StoryWrite};
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

/// Writes a story with its topics, unless nothing changed; `existing` is the
/// story stored under its slug, if any. (Triggers keep its search entry.)
///
/// The body is rendered here, by `renderer`, so a `READ MORE:` to a
/// missing or unpublished story refuses the save. Links are written by
/// [`write_links`], once every story of the batch exists. An import takes
/// the same three steps, each at once for all its stories but the middle
/// one: [`upsert_topics`], [`store_story`], [`file_under_topics`].
pub async fn write_story(
    conn: &mut Connection,
    draft: &StoryDraft,
    existing: Option<&StoryRow>,
    times: StoryTimes,
    renderer: &Renderer,
) -> anyhow::Result<Result<WrittenStory, MissingStory>> {
    upsert_topics(conn, [draft]).await?;
    let written = match store_story(conn, draft, existing, times, renderer).await? {
        Ok(written) => written,
        Err(missing) => return Ok(Err(missing)),
    };
    file_under_topics(conn, &[(&written, draft)]).await?;
    Ok(Ok(written))
}

/// Creates the drafts' topics, or renames them, in order: one statement.
pub async fn upsert_topics<'a>(
    conn: &mut Connection,
    drafts: impl IntoIterator<Item = &'a StoryDraft>,
) -> anyhow::Result<()> {
    let topics: Vec<(&str, &str)> = drafts
        .into_iter()
        .flat_map(|draft| &draft.topics)
        .map(|(slug, name)| (slug.as_str(), name.as_str()))
        .collect();
    db::topics::upsert_all(conn, &topics)
        .await
        .context("saving topics")
}

/// Renders and stores a story whose topics exist, unless nothing changed;
/// files it under none ([`file_under_topics`] does).
pub async fn store_story(
    conn: &mut Connection,
    draft: &StoryDraft,
    existing: Option<&StoryRow>,
    times: StoryTimes,
    renderer: &Renderer,
) -> anyhow::Result<Result<WrittenStory, MissingStory>> {
    let rendered = match renderer.render(&draft.body_md, Placement::StoryBody) {
        Ok(rendered) => rendered,
        Err(missing) => return Ok(Err(missing)),
    };
    let row = story_row(draft, times, &rendered);
    let (id, change) = insert_or_update(conn, existing, &row, draft, renderer).await?;
    Ok(Ok(WrittenStory {
        id,
        change,
        read_more: rendered.read_more,
    }))
}

/// Files each created or updated story under its draft's topics, in the
/// editor's order: two statements however many stories.
pub async fn file_under_topics(
    conn: &mut Connection,
    stories: &[(&WrittenStory, &StoryDraft)],
) -> anyhow::Result<()> {
    let refiled: Vec<i64> = stories
        .iter()
        .filter(|(written, _)| written.change == StoryChange::Updated)
        .map(|(written, _)| written.id)
        .collect();
    let filings: Vec<(i64, i64, &str)> = stories
        .iter()
        .filter(|(written, _)| {
            matches!(written.change, StoryChange::Created | StoryChange::Updated)
        })
        .flat_map(|(written, draft)| {
            draft
                .topics
                .iter()
                .enumerate()
                .map(|(position, (slug, _))| (written.id, position as i64, slug.as_str()))
        })
        .collect();
    db::topics::unfile(conn, &refiled)
        .await
        .context("filing stories under topics")?;
    db::topics::file_stories(conn, &filings)
        .await
        .context("filing stories under topics")
}

/// Inserts the story, or updates `existing` when it differs from what is
/// stored (following a headline change to every page that links to it).
async fn insert_or_update(
    conn: &mut Connection,
    existing: Option<&StoryRow>,
    row: &StoryWrite<'_>,
    draft: &StoryDraft,
    renderer: &Renderer,
) -> anyhow::Result<(i64, StoryChange)> {
    let Some(old) = existing else {
        let id = db::stories::insert(conn, row)
            .await
            .context("inserting story")?;
        return Ok((id, StoryChange::Created));
    };
    let old_topics = db::topics::for_story(conn, old.id).await?;
    let same_topics = old_topics
        .iter()
        .map(|topic| topic.slug.as_str())
        .eq(draft.topics.iter().map(|(slug, _)| slug.as_str()));
    if same_topics && stored_as(old) == *row {
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

/// Records which stories each written story links to with `READ MORE:`,
/// replacing what an earlier version linked to: two statements however
/// many stories. A target missing now (later in the same import) is linked
/// by the call for the whole batch.
pub async fn write_links(conn: &mut Connection, written: &[&WrittenStory]) -> anyhow::Result<()> {
    let replaced: Vec<i64> = written
        .iter()
        .filter(|story| story.change != StoryChange::Created)
        .map(|story| story.id)
        .collect();
    let links: Vec<(i64, &str)> = written
        .iter()
        .flat_map(|story| story.read_more.iter().map(|to| (story.id, to.as_str())))
        .collect();
    db::links::unlink_stories(conn, &replaced)
        .await
        .context("saving READ MORE links")?;
    db::links::link_stories(conn, &links)
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
