//! Saves from the editors' desk: each one transaction with its revision,
//! audit and change-log rows. Each returns what it committed; the caller
//! hands that to the after-commit module.

use anyhow::Context;
use chrono::{DateTime, Utc};

use sqlx::SqlitePool;

use super::{
    StoryChange, StoryTimes, UpdateTimes, record_change, renderer_for, write_links, write_story,
};
use crate::after_commit::Committed;
use crate::content::MissingStory;
use crate::db::{self, stories::StoryRow};
use crate::domain::{Change, StoryDraft, StoryStatus, UpdateDraft};

/// Why a story save was refused, each with what the editor needs to act.
#[derive(Debug)]
pub enum SaveRefused {
    /// A new story's slug belongs to another story.
    SlugTaken,
    /// Someone saved since this editor loaded the form: here is their version.
    Conflict(Box<StoryRow>),
    MissingReadMore(MissingStory),
    /// The story being edited does not exist.
    Gone,
}

/// Creates a story (`loaded_version` None) or saves over the version the
/// editor loaded. `site_url` is the site's public URL, which absolute
/// read-more links may start with.
pub async fn save_story(
    db: &SqlitePool,
    draft: &StoryDraft,
    loaded_version: Option<i64>,
    editor_id: i64,
    now: DateTime<Utc>,
    site_url: &str,
) -> anyhow::Result<Result<Committed, SaveRefused>> {
    let mut tx = db::write_tx(db).await.context("starting transaction")?;
    let existing = db::stories::find_by_slug(&mut tx, draft.slug.as_str()).await?;
    let published_at = match (&existing, loaded_version) {
        (Some(_), None) => return Ok(Err(SaveRefused::SlugTaken)),
        (None, Some(_)) => return Ok(Err(SaveRefused::Gone)),
        (Some(current), Some(version)) if current.version != version => {
            return Ok(Err(SaveRefused::Conflict(Box::new(current.clone()))));
        }
        // A draft's publication time is when it is first published.
        (Some(current), _)
            if current.status == StoryStatus::Draft && draft.status == StoryStatus::Published =>
        {
            now
        }
        (Some(current), _) => current.published_at,
        (None, _) => now,
    };
    let renderer = renderer_for(&mut tx, site_url, [draft], &[&draft.body_md]).await?;
    let times = StoryTimes {
        published_at,
        updated_at: now,
    };
    let written = match write_story(&mut tx, draft, existing.as_ref(), times, &renderer).await? {
        Ok(written) => written,
        Err(missing) => return Ok(Err(SaveRefused::MissingReadMore(missing))),
    };
    if written.change != StoryChange::Unchanged {
        write_links(&mut tx, &[&written]).await?;
    }
    db::stories::insert_revision(&mut tx, written.id, editor_id, now)
        .await
        .context("saving revision")?;
    let action = if existing.is_some() {
        "edited story"
    } else {
        "created story"
    };
    db::audit::record(&mut tx, Some(editor_id), action, draft.slug.as_str(), now).await?;
    let committed = record_change(&mut tx, written.id, Change::StorySaved).await?;
    tx.commit().await.context("committing story")?;
    Ok(Ok(committed))
}

/// Ends a story's live coverage.
pub async fn end_live_coverage(
    db: &SqlitePool,
    story: &StoryRow,
    editor_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Committed> {
    let mut tx = db::write_tx(db).await?;
    db::stories::end_live(&mut tx, story.id, now).await?;
    db::audit::record(
        &mut tx,
        Some(editor_id),
        "ended live coverage",
        &story.slug,
        now,
    )
    .await?;
    let committed = record_change(&mut tx, story.id, Change::LiveEnded).await?;
    tx.commit()
        .await
        .context("committing end of live coverage")?;
    Ok(committed)
}

/// Pins one of the story's updates above its stream, or unpins (`None`).
pub async fn pin_update(
    db: &SqlitePool,
    story: &StoryRow,
    update_id: Option<i64>,
    editor_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Committed> {
    let mut tx = db::write_tx(db).await.context("starting transaction")?;
    db::stories::set_pinned_update(&mut tx, story.id, update_id).await?;
    let (action, subject) = match update_id {
        Some(id) => ("pinned update", format!("{}#update-{id}", story.slug)),
        None => ("unpinned update", story.slug.clone()),
    };
    db::audit::record(&mut tx, Some(editor_id), action, &subject, now).await?;
    let change = update_id.map_or(Change::Unpinned, Change::Pinned);
    let committed = record_change(&mut tx, story.id, change).await?;
    tx.commit().await.context("committing pin")?;
    Ok(committed)
}

/// Corrects a published update, keeping its earlier text as a revision and
/// marking it edited. `site_url` as for [`save_story`].
#[expect(
    clippy::too_many_arguments,
    reason = "each is one fact of the edit; a struct would only rename them"
)]
pub async fn edit_update(
    db: &SqlitePool,
    story_id: i64,
    update_id: i64,
    draft: &UpdateDraft,
    posted_at: DateTime<Utc>,
    editor_id: i64,
    now: DateTime<Utc>,
    site_url: &str,
) -> anyhow::Result<Result<Committed, MissingStory>> {
    let mut tx = db::write_tx(db).await.context("starting transaction")?;
    let (slug, old) = db::updates::with_story_slug(&mut tx, update_id)
        .await?
        .context("update to edit")?;
    db::updates::insert_revision(&mut tx, update_id, &old.body_md, editor_id, now).await?;
    let renderer = renderer_for(&mut tx, site_url, [], &[&draft.body_md]).await?;
    let times = UpdateTimes {
        posted_at,
        edited_at: Some(now),
    };
    if let Err(missing) = super::rewrite_update(&mut tx, update_id, draft, times, &renderer).await?
    {
        return Ok(Err(missing));
    }
    db::audit::record(
        &mut tx,
        Some(editor_id),
        "edited update",
        &format!("{slug}#update-{update_id}"),
        now,
    )
    .await?;
    let committed = record_change(&mut tx, story_id, Change::Edited(update_id)).await?;
    tx.commit().await.context("committing edit")?;
    Ok(Ok(committed))
}

/// Deletes an update from pages, feeds and search, keeping its row as the
/// record. `None` when it was already deleted: nothing changed.
pub async fn delete_update(
    db: &SqlitePool,
    story: &StoryRow,
    update_id: i64,
    editor_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Committed>> {
    let mut tx = db::write_tx(db).await.context("starting transaction")?;
    let mut committed = None;
    if db::updates::mark_deleted(&mut tx, update_id, now).await? {
        let subject = format!("{}#update-{update_id}", story.slug);
        db::audit::record(&mut tx, Some(editor_id), "deleted update", &subject, now).await?;
        committed = Some(record_change(&mut tx, story.id, Change::Deleted(update_id)).await?);
        // Read inside the transaction: the pin may have moved since the page loaded.
        let current = db::stories::find_by_slug(&mut tx, story.slug.as_str()).await?;
        if current.and_then(|s| s.pinned_update_id) == Some(update_id) {
            db::stories::set_pinned_update(&mut tx, story.id, None).await?;
            committed = Some(record_change(&mut tx, story.id, Change::Unpinned).await?);
        }
    }
    tx.commit().await.context("committing delete")?;
    Ok(committed)
}
