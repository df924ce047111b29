use anyhow::Context;
use chrono::{DateTime, Utc};

use sqlx::SqlitePool;

use super::Renderer;
use crate::after_commit::Committed;
use crate::content::{MissingStory, Placement, RenderedMarkdown};
use crate::db::updates::{ImportedUpdate, NewUpdate, UpdateWrite};
use crate::db::{self, Connection};
use crate::domain::{Change, KindDetails, UpdateDraft};

/// When an update was posted, and, for an edit, when it was corrected.
#[derive(Debug, Clone, Copy)]
pub struct UpdateTimes {
    pub posted_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
}

/// What [`reimport_update`] did (or, `Created`, an import's [`insert_updates`]).
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

/// A live update to insert.
#[derive(Debug, Clone, Copy)]
pub struct FreshUpdate<'a> {
    /// From [`db::updates::next_id`], counted on by the caller for each
    /// update it inserts: the HTML carries the id, so it renders first.
    pub id: i64,
    pub story_id: i64,
    pub draft: &'a UpdateDraft,
    pub posted_at: DateTime<Utc>,
    /// Set for an update from `content/`.
    pub import_key: Option<&'a str>,
}

/// Inserts new updates, each rendered for its id, with their READ MORE
/// links: two statements however many. A refused `READ MORE:` inserts
/// none of them; every refusal comes back.
pub async fn insert_updates(
    conn: &mut Connection,
    fresh: &[FreshUpdate<'_>],
    renderer: &Renderer,
) -> anyhow::Result<Result<(), Vec<MissingStory>>> {
    let mut rendered = Vec::with_capacity(fresh.len());
    let mut missing = Vec::new();
    for update in fresh {
        match renderer.render(&update.draft.body_md, Placement::Update(update.id)) {
            Ok(html) => rendered.push(html),
            Err(refused) => missing.push(refused),
        }
    }
    if !missing.is_empty() {
        return Ok(Err(missing));
    }
    let rows: Vec<NewUpdate> = fresh
        .iter()
        .zip(&rendered)
        .map(|(update, rendered)| NewUpdate {
            id: update.id,
            story_id: update.story_id,
            update: update_row(update.draft, update.posted_at, rendered),
            import_key: update.import_key,
        })
        .collect();
    db::updates::insert(conn, &rows)
        .await
        .context("inserting updates")?;
    let links: Vec<(i64, &str)> = fresh
        .iter()
        .zip(&rendered)
        .flat_map(|(update, rendered)| rendered.read_more.iter().map(|to| (update.id, to.as_str())))
        .collect();
    db::links::link_updates(conn, &links)
        .await
        .context("saving READ MORE links")?;
    Ok(Ok(()))
}

/// Imports update `old` again, as the file now has it: unchanged, rewritten,
/// or left as the desk edited or deleted it.
pub async fn reimport_update(
    conn: &mut Connection,
    old: &ImportedUpdate,
    draft: &UpdateDraft,
    posted_at: DateTime<Utc>,
    renderer: &Renderer,
) -> anyhow::Result<Result<UpdateChange, MissingStory>> {
    let id = old.row.id;
    let rendered = match renderer.render(&draft.body_md, Placement::Update(id)) {
        Ok(rendered) => rendered,
        Err(missing) => return Ok(Err(missing)),
    };
    let new = update_row(draft, posted_at, &rendered);
    if old.row.as_write() == new {
        return Ok(Ok(UpdateChange::Unchanged(id)));
    }
    let desk = match (old.deleted, old.row.edited_at.is_some()) {
        (true, _) => Some(DeskChange::Deleted),
        (false, true) => Some(DeskChange::Edited),
        (false, false) => None,
    };
    if let Some(desk) = desk {
        return Ok(Ok(UpdateChange::KeptByDesk {
            id,
            desk,
            differs: differing_fields(&old.row.as_write(), &new),
        }));
    }
    let times = UpdateTimes {
        posted_at,
        edited_at: None,
    };
    let written = rewrite_update(conn, id, draft, times, renderer).await?;
    Ok(written.map(|()| UpdateChange::Updated(id)))
}

/// Rewrites update `update_id` with an editor's correction (or a changed
/// file's text), with its READ MORE links.
pub async fn rewrite_update(
    conn: &mut Connection,
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
    db::links::unlink_update(conn, update_id)
        .await
        .context("saving READ MORE links")?;
    let links: Vec<(i64, &str)> = rendered
        .read_more
        .iter()
        .map(|to| (update_id, to.as_str()))
        .collect();
    db::links::link_updates(conn, &links)
        .await
        .context("saving READ MORE links")?;
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
    let fresh = FreshUpdate {
        id: db::updates::next_id(&mut tx).await?,
        story_id,
        draft,
        posted_at,
        import_key: None,
    };
    if let Err(mut missing) = insert_updates(&mut tx, &[fresh], &renderer).await? {
        return Ok(Err(missing.remove(0)));
    }
    let id = fresh.id;
    let slug = db::stories::mark_live(&mut tx, story_id, posted_at.max(Utc::now()))
        .await
        .context("marking story live")?;
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
