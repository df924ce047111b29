use anyhow::Context;
use chrono::{DateTime, Utc};

use sqlx::SqlitePool;

use super::Renderer;
use crate::after_commit::Committed;
use crate::content::{MissingStory, Placement, RenderedMarkdown};
use crate::db::{self, Connection, updates::UpdateWrite};
use crate::domain::{Change, KindDetails, UpdateDraft};

/// When an update was posted, and, for an edit, when it was corrected.
#[derive(Debug, Clone, Copy)]
pub struct UpdateTimes {
    pub posted_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
}

/// What [`write_update`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateChange {
    Created(i64),
    Updated(i64),
    Unchanged(i64),
    /// The import differs from an update that the desk has edited or
    /// deleted since: the desk wins and the row is left alone.
    KeptByDesk {
        id: i64,
        desk: DeskChange,
        /// What the import would have changed, as an editor names it.
        differs: Vec<&'static str>,
    },
}

/// What the desk did to an imported update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskChange {
    Edited,
    Deleted,
}

impl UpdateChange {
    pub fn id(&self) -> i64 {
        match self {
            UpdateChange::Created(id)
            | UpdateChange::Updated(id)
            | UpdateChange::Unchanged(id)
            | UpdateChange::KeptByDesk { id, .. } => *id,
        }
    }
}

/// The fields in which two versions of an update differ, as an editor names them.
fn differing_fields(old: &UpdateWrite<'_>, new: &UpdateWrite<'_>) -> Vec<&'static str> {
    let fields = [
        ("text", old.body_md != new.body_md),
        ("time", old.posted_at != new.posted_at),
        ("kind", old.kind != new.kind),
        ("author", old.author != new.author),
        ("key event", old.key_event != new.key_event),
        ("place", old.place != new.place),
        ("who", old.who != new.who),
        ("number", old.figure_number != new.figure_number),
        ("what", old.figure_what != new.figure_what),
        ("source", old.figure_source != new.figure_source),
    ];
    fields
        .into_iter()
        .filter_map(|(name, differs)| differs.then_some(name))
        .collect()
}

/// The row to store for a rendered update (the dataset generator's bulk
/// writer stores the same rows).
pub fn update_row<'a>(
    draft: &'a UpdateDraft,
    posted_at: DateTime<Utc>,
    rendered: &'a RenderedMarkdown,
) -> UpdateWrite<'a> {
    let (place, who, number, what, source) = match &draft.details {
        KindDetails::Update => (None, None, None, None, None),
        KindDetails::Picket { place } => (Some(place.as_str()), None, None, None, None),
        KindDetails::Statement { who } => (None, Some(who.as_str()), None, None, None),
        KindDetails::Figures {
            number,
            what,
            place,
            source,
        } => (
            place.as_deref(),
            None,
            Some(*number),
            Some(what.as_str()),
            Some(source.as_str()),
        ),
    };
    UpdateWrite {
        posted_at,
        kind: draft.details.kind(),
        body_md: &draft.body_md,
        body_html: rendered.html.as_str(),
        summary: &rendered.summary,
        author: &draft.author,
        key_event: draft.key_event,
        place,
        who,
        figure_number: number,
        figure_what: what,
        figure_source: source,
    }
}

/// Stores one update: inserts it, or rewrites the one imported under the same
/// key; keeps the search index in step.
///
/// An update's footnote ids carry its id (`u123-fn-1`), which SQLite gives
/// only on insert: a new update is inserted, then rendered and rewritten in
/// the same transaction. A refused `READ MORE:` leaves the insert in a
/// transaction the caller rolls back.
pub async fn write_update(
    conn: &mut Connection,
    story_id: i64,
    draft: &UpdateDraft,
    times: UpdateTimes,
    import_key: Option<&str>,
    renderer: &Renderer,
) -> anyhow::Result<Result<UpdateChange, MissingStory>> {
    let existing = match import_key {
        Some(key) => db::updates::find_imported(conn, story_id, key).await?,
        None => None,
    };
    let Some(old) = existing else {
        let unrendered = RenderedMarkdown::default();
        let id = db::updates::insert(
            conn,
            story_id,
            &update_row(draft, times.posted_at, &unrendered),
            import_key,
        )
        .await
        .context("inserting update")?;
        let written = rewrite_update(conn, story_id, id, draft, times, renderer).await?;
        return Ok(written.map(|()| UpdateChange::Created(id)));
    };
    let rendered = match renderer.render(&draft.body_md, Placement::Update(old.id)) {
        Ok(rendered) => rendered,
        Err(missing) => return Ok(Err(missing)),
    };
    let new = update_row(draft, times.posted_at, &rendered);
    if old.as_write() == new {
        return Ok(Ok(UpdateChange::Unchanged(old.id)));
    }
    let desk = match db::updates::desk_state(conn, old.id).await? {
        (true, _) => Some(DeskChange::Deleted),
        (false, true) => Some(DeskChange::Edited),
        (false, false) => None,
    };
    if let Some(desk) = desk {
        return Ok(Ok(UpdateChange::KeptByDesk {
            id: old.id,
            desk,
            differs: differing_fields(&old.as_write(), &new),
        }));
    }
    let written = rewrite_update(conn, story_id, old.id, draft, times, renderer).await?;
    Ok(written.map(|()| UpdateChange::Updated(old.id)))
}

/// Keeps the search index and the update's READ MORE links in step with it.
async fn index_and_link(
    conn: &mut Connection,
    story_id: i64,
    update_id: i64,
    draft: &UpdateDraft,
    rendered: &RenderedMarkdown,
) -> anyhow::Result<()> {
    db::search::index_update(conn, story_id, update_id, &draft.body_md)
        .await
        .context("indexing update")?;
    db::links::replace_from_update(conn, update_id, &rendered.read_more)
        .await
        .context("saving READ MORE links")
}

/// Rewrites update `update_id` with an editor's correction.
pub async fn rewrite_update(
    conn: &mut Connection,
    story_id: i64,
    update_id: i64,
    draft: &UpdateDraft,
    times: UpdateTimes,
    renderer: &Renderer,
) -> anyhow::Result<Result<(), MissingStory>> {
    let rendered = match renderer.render(&draft.body_md, Placement::Update(update_id)) {
        Ok(rendered) => rendered,
        Err(missing) => return Ok(Err(missing)),
    };
    let row = update_row(draft, times.posted_at, &rendered);
    db::updates::rewrite(conn, update_id, &row, times.edited_at)
        .await
        .context("rewriting update")?;
    index_and_link(conn, story_id, update_id, draft, &rendered).await?;
    Ok(Ok(()))
}

/// Publishes a new live update on a story: one transaction (row, search
/// index, the story's live state, audit, change log). `site_url` is the
/// site's public URL, which absolute read-more links may start with. `editor_id` is who
/// published it, for the audit trail (`None` for the system).
pub async fn publish_update(
    db: &SqlitePool,
    story_id: i64,
    draft: &UpdateDraft,
    posted_at: DateTime<Utc>,
    editor_id: Option<i64>,
    site_url: &str,
) -> anyhow::Result<Result<(i64, Committed), MissingStory>> {
    let mut tx = db::write_tx(db).await.context("starting transaction")?;
    let renderer = super::renderer_for(&mut tx, site_url, [], &[&draft.body_md]).await?;
    let times = UpdateTimes {
        posted_at,
        edited_at: None,
    };
    let id = match write_update(&mut tx, story_id, draft, times, None, &renderer).await? {
        Ok(change) => change.id(),
        Err(missing) => return Ok(Err(missing)),
    };
    db::stories::mark_live(&mut tx, story_id, posted_at.max(Utc::now()))
        .await
        .context("marking story live")?;
    let slug = db::stories::slug_of(&mut tx, story_id).await?;
    let subject = format!("{slug}#update-{id}");
    db::audit::record(&mut tx, editor_id, "published update", &subject, Utc::now()).await?;
    let committed = record_change(&mut tx, story_id, Change::Published(id)).await?;
    tx.commit().await.context("committing update")?;
    Ok(Ok((id, committed)))
}

/// Records a change in the change log, inside the write's transaction: its
/// cursor orders the live stream and its replay.
pub(crate) async fn record_change(
    conn: &mut Connection,
    story_id: i64,
    change: Change,
) -> anyhow::Result<Committed> {
    let seq = db::live_changes::record(conn, story_id, change)
        .await
        .context("recording the change for open pages")?;
    Ok(Committed { story_id, seq })
}
