//! Writes a story's script through the product's own write paths
//! (`publishing::write_story`, `insert_updates`, `rewrite_update` and the `db`
//! functions the desk calls), row for row what the desk commits, revision,
//! audit and change-log rows included; only the transaction differs (the
//! caller's batch). One statement at a time, so slow at scale: the bulk
//! writer is checked against it (tests/dataset.rs).

use anyhow::anyhow;
use newsdesk::db::{self, Connection};
use newsdesk::domain::Change;
use newsdesk::publishing::{self, FreshUpdate, Renderer, StoryTimes, UpdateTimes};

use super::story::{Action, StoryText};

pub async fn story(
    conn: &mut Connection,
    renderer: &Renderer,
    story: &StoryText,
) -> anyhow::Result<()> {
    let slug = story.draft.slug.as_str();
    let mut story_id = 0;
    let mut ids = Vec::with_capacity(story.updates.len());
    for step in story.script() {
        let change = match step.action {
            Action::Create => {
                let times = StoryTimes {
                    published_at: step.at,
                    updated_at: step.at,
                };
                let written = publishing::write_story(conn, &story.draft, None, times, renderer)
                    .await?
                    .map_err(|missing| anyhow!("{slug}: {missing}"))?;
                publishing::write_links(conn, &[&written]).await?;
                db::stories::insert_revision(conn, written.id, step.editor, step.at).await?;
                story_id = written.id;
                Change::StorySaved
            }
            Action::Publish(i) => {
                let draft = &story.updates[i].draft;
                let fresh = FreshUpdate {
                    id: db::updates::next_id(conn).await?,
                    story_id,
                    draft,
                    posted_at: step.at,
                    import_key: None,
                };
                publishing::insert_updates(conn, &[fresh], renderer)
                    .await?
                    .map_err(|missing| anyhow!("{slug}: {missing:?}"))?;
                let id = fresh.id;
                db::stories::mark_live(conn, story_id, step.at).await?;
                ids.push(id);
                Change::Published(id)
            }
            Action::Pin(i) => {
                db::stories::set_pinned_update(conn, story_id, Some(ids[i])).await?;
                Change::Pinned(ids[i])
            }
            Action::Correct(i) => {
                let update = &story.updates[i];
                let old = &update.draft.body_md;
                db::updates::insert_revision(conn, ids[i], old, step.editor, step.at).await?;
                let times = UpdateTimes {
                    posted_at: update.posted_at,
                    edited_at: Some(step.at),
                };
                let corrected = update.corrected();
                publishing::rewrite_update(conn, ids[i], &corrected, times, renderer)
                    .await?
                    .map_err(|missing| anyhow!("{slug}: {missing}"))?;
                Change::Edited(ids[i])
            }
            Action::Delete(i) => {
                db::updates::mark_deleted(conn, ids[i], step.at).await?;
                Change::Deleted(ids[i])
            }
            Action::EndLive => {
                db::stories::end_live(conn, story_id, step.at).await?;
                Change::LiveEnded
            }
        };
        let (action, subject) = audit_entry(change, slug);
        db::audit::record(conn, Some(step.editor), action, &subject, step.at).await?;
        db::live_changes::record(conn, story_id, change).await?;
    }
    Ok(())
}

/// The audit row's action and subject for a change, as the desk writes them.
pub fn audit_entry(change: Change, slug: &str) -> (&'static str, String) {
    let about = |id| format!("{slug}#update-{id}");
    match change {
        Change::Published(id) => ("published update", about(id)),
        Change::Edited(id) => ("edited update", about(id)),
        Change::Deleted(id) => ("deleted update", about(id)),
        Change::Pinned(id) => ("pinned update", about(id)),
        Change::Unpinned => ("unpinned update", slug.to_owned()),
        Change::LiveEnded => ("ended live coverage", slug.to_owned()),
        Change::StorySaved => ("created story", slug.to_owned()),
    }
}
