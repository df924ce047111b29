//! Writes a batch of stories in a few multi-row `INSERT`s per table: the
//! rows the desk path writes (`desk.rs`, checked equal by tests/dataset.rs),
//! rendered by newsdesk's own renderer and row builders
//! (`publishing::story_row`, `update_row`), without a round trip per row;
//! the schema's triggers fill the search index from the rows, as they do
//! for the desk. Ids are given, not taken: the database is new and
//! written in order, so story and update ids are known before rendering,
//! and footnote ids (`u{id}-fn-1`) come out as the desk's would.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use newsdesk::content::{Placement, RenderedMarkdown};
use newsdesk::db::Connection;
use newsdesk::domain::{Change, LiveState, UpdateDraft};
use newsdesk::publishing::{self, Renderer, StoryTimes};
use sqlx::query_builder::Separated;
use sqlx::{QueryBuilder, Sqlite};

use super::desk::audit_entry;
use super::story::{Action, StoryText};

/// SQLite's limit on bound values in one statement (3.32 and later).
const MAX_VALUES: usize = 32_766;

/// Ids handed out so far; the database must be new.
#[derive(Default)]
pub struct Ids {
    stories: i64,
    updates: i64,
    topics: HashMap<String, i64>,
    story_by_slug: HashMap<String, i64>,
}

/// A story's rendered Markdown: its body, then each update as it ends up
/// (corrected where the desk corrected it).
struct Rendered {
    body: RenderedMarkdown,
    updates: Vec<RenderedMarkdown>,
}

/// What the script leaves of a story and its updates.
struct Outcome {
    id: i64,
    update_ids: Vec<i64>,
    live_state: LiveState,
    version: i64,
    updated_at: DateTime<Utc>,
    pinned: Option<i64>,
    ended_at: Option<DateTime<Utc>>,
    edited: Vec<Option<DateTime<Utc>>>,
    deleted: Vec<Option<DateTime<Utc>>>,
    /// (update index, editor, time) of each correction: a revision row.
    revisions: Vec<(usize, i64, DateTime<Utc>)>,
    /// (editor, change, time) per step: an audit and a change-log row.
    log: Vec<(i64, Change, DateTime<Utc>)>,
}

/// Writes `stories` (in order, after every story written before).
pub async fn write(
    conn: &mut Connection,
    ids: &mut Ids,
    renderer: &Renderer,
    stories: &[StoryText],
) -> anyhow::Result<()> {
    let new_topics = file_topics(ids, stories);
    let outcomes: Vec<Outcome> = stories.iter().map(|s| replay(ids, s)).collect();
    let rendered = render_all(renderer, stories, &outcomes);
    let story_ids = &ids.story_by_slug;
    insert(
        conn,
        "INSERT INTO topics (id, slug, name) ",
        3,
        &new_topics,
        |b, (id, slug, name)| {
            b.push_bind(*id).push_bind(slug).push_bind(name);
        },
    )
    .await?;
    let all: Vec<_> = stories.iter().zip(&outcomes).zip(&rendered).collect();
    insert(
        conn,
        "INSERT INTO stories (id, slug, headline, standfirst, byline, body_md, body_html, status,
                              live_state, published_at, updated_at, live_ended_at, version,
                              pinned_update_id) ",
        14,
        &all,
        |b, ((story, outcome), rendered)| {
            let times = StoryTimes {
                published_at: story.published_at,
                updated_at: story.published_at,
            };
            let row = publishing::story_row(&story.draft, times, &rendered.body);
            b.push_bind(outcome.id)
                .push_bind(row.slug)
                .push_bind(row.headline)
                .push_bind(row.standfirst)
                .push_bind(row.byline)
                .push_bind(row.body_md)
                .push_bind(row.body_html)
                .push_bind(row.status)
                .push_bind(outcome.live_state)
                .push_bind(row.published_at)
                .push_bind(outcome.updated_at)
                .push_bind(outcome.ended_at)
                .push_bind(outcome.version)
                // Pinned once its update exists: see `pin`.
                .push_bind(None::<i64>);
        },
    )
    .await?;
    insert(
        conn,
        "INSERT INTO story_revisions (story_id, version, headline, standfirst, body_md, editor_id, saved_at) ",
        7,
        &all,
        |b, ((story, outcome), _)| {
            let draft = &story.draft;
            b.push_bind(outcome.id)
                .push_bind(1)
                .push_bind(&draft.headline)
                .push_bind(&draft.standfirst)
                .push_bind(&draft.body_md)
                .push_bind(story.editor as i64 + 1)
                .push_bind(story.published_at);
        },
    )
    .await?;
    let filed: Vec<(i64, i64, i64)> = stories
        .iter()
        .zip(&outcomes)
        .flat_map(|(story, outcome)| {
            story
                .draft
                .topics
                .iter()
                .enumerate()
                .map(|(position, (slug, _))| {
                    (outcome.id, ids.topics[slug.as_str()], position as i64)
                })
        })
        .collect();
    insert(
        conn,
        "INSERT INTO story_topics (story_id, topic_id, position) ",
        3,
        &filed,
        |b, row| {
            b.push_bind(row.0).push_bind(row.1).push_bind(row.2);
        },
    )
    .await?;
    let links: Vec<(i64, i64)> = outcomes
        .iter()
        .zip(&rendered)
        .flat_map(|(outcome, rendered)| {
            rendered
                .body
                .read_more
                .iter()
                .map(|slug| (outcome.id, story_ids[slug.as_str()]))
        })
        .collect();
    insert(
        conn,
        "INSERT INTO story_links (from_story_id, to_story_id) ",
        2,
        &links,
        |b, row| {
            b.push_bind(row.0).push_bind(row.1);
        },
    )
    .await?;
    write_updates(conn, stories, &outcomes, &rendered).await?;
    pin(conn, &outcomes).await?;
    write_log(conn, stories, &outcomes).await
}

/// Pins updates. Rows are written parents first, so that no foreign key
/// is ever left dangling: SQLite would otherwise check each new update
/// against every story's unindexed `pinned_update_id`.
async fn pin(conn: &mut Connection, outcomes: &[Outcome]) -> anyhow::Result<()> {
    for outcome in outcomes {
        if let Some(update_id) = outcome.pinned {
            newsdesk::db::stories::set_pinned_update(conn, outcome.id, Some(update_id)).await?;
        }
    }
    Ok(())
}

/// Gives each topic not seen before its id, in the order the desk's
/// upserts would; returns the new ones.
fn file_topics(ids: &mut Ids, stories: &[StoryText]) -> Vec<(i64, String, String)> {
    let mut new = Vec::new();
    for (slug, name) in stories.iter().flat_map(|s| &s.draft.topics) {
        if !ids.topics.contains_key(slug.as_str()) {
            let id = ids.topics.len() as i64 + 1;
            ids.topics.insert(slug.to_string(), id);
            new.push((id, slug.to_string(), name.clone()));
        }
    }
    new
}

/// Plays the story's script on the rows it writes, as `db::stories`'
/// `mark_live`, `end_live` and `set_pinned_update` would.
fn replay(ids: &mut Ids, story: &StoryText) -> Outcome {
    ids.stories += 1;
    ids.story_by_slug
        .insert(story.draft.slug.to_string(), ids.stories);
    let count = story.updates.len();
    let mut outcome = Outcome {
        id: ids.stories,
        update_ids: (0..count as i64).map(|i| ids.updates + 1 + i).collect(),
        live_state: story.draft.live,
        version: 1,
        updated_at: story.published_at,
        pinned: None,
        ended_at: None,
        edited: vec![None; count],
        deleted: vec![None; count],
        revisions: Vec::new(),
        log: Vec::new(),
    };
    ids.updates += count as i64;
    for step in story.script() {
        let change = match step.action {
            Action::Create => Change::StorySaved,
            Action::Publish(i) => {
                if outcome.live_state == LiveState::None {
                    outcome.live_state = LiveState::Live;
                    outcome.version += 1;
                }
                outcome.updated_at = outcome.updated_at.max(step.at);
                Change::Published(outcome.update_ids[i])
            }
            Action::Pin(i) => {
                outcome.pinned = Some(outcome.update_ids[i]);
                Change::Pinned(outcome.update_ids[i])
            }
            Action::Correct(i) => {
                outcome.edited[i] = Some(step.at);
                outcome.revisions.push((i, step.editor, step.at));
                Change::Edited(outcome.update_ids[i])
            }
            Action::Delete(i) => {
                outcome.deleted[i] = Some(step.at);
                Change::Deleted(outcome.update_ids[i])
            }
            Action::EndLive => {
                if outcome.live_state == LiveState::Live {
                    outcome.live_state = LiveState::Ended;
                    outcome.ended_at = Some(step.at);
                    outcome.updated_at = step.at;
                    outcome.version += 1;
                }
                Change::LiveEnded
            }
        };
        outcome.log.push((step.editor, change, step.at));
    }
    outcome
}

/// The update as stored: corrected if the desk corrected it.
fn final_draft(story: &StoryText, outcome: &Outcome, i: usize) -> UpdateDraft {
    match outcome.edited[i] {
        Some(_) => story.updates[i].corrected(),
        None => story.updates[i].draft.clone(),
    }
}

/// Renders every story and update of the batch on all cores.
fn render_all(renderer: &Renderer, stories: &[StoryText], outcomes: &[Outcome]) -> Vec<Rendered> {
    let render_one = |(story, outcome): (&StoryText, &Outcome)| {
        let refused = |what: String| move |e| panic!("{what}: {e}");
        let body = renderer
            .render(&story.draft.body_md, Placement::StoryBody)
            .unwrap_or_else(refused(story.draft.slug.to_string()));
        let updates = (0..story.updates.len())
            .map(|i| {
                let id = outcome.update_ids[i];
                let draft = final_draft(story, outcome, i);
                renderer
                    .render(&draft.body_md, Placement::Update(id))
                    .unwrap_or_else(refused(format!("update {id}")))
            })
            .collect();
        Rendered { body, updates }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_thread = stories.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = stories
            .chunks(per_thread)
            .zip(outcomes.chunks(per_thread))
            .map(|(s, o)| scope.spawn(move || s.iter().zip(o).map(render_one).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a render thread"))
            .collect()
    })
}

async fn write_updates(
    conn: &mut Connection,
    stories: &[StoryText],
    outcomes: &[Outcome],
    rendered: &[Rendered],
) -> anyhow::Result<()> {
    struct Row<'a> {
        id: i64,
        story_id: i64,
        posted_at: DateTime<Utc>,
        draft: UpdateDraft,
        rendered: &'a RenderedMarkdown,
        edited_at: Option<DateTime<Utc>>,
        deleted_at: Option<DateTime<Utc>>,
    }
    let mut rows = Vec::new();
    for ((story, outcome), rendered) in stories.iter().zip(outcomes).zip(rendered) {
        for (i, update) in story.updates.iter().enumerate() {
            rows.push(Row {
                id: outcome.update_ids[i],
                story_id: outcome.id,
                posted_at: update.posted_at,
                draft: final_draft(story, outcome, i),
                rendered: &rendered.updates[i],
                edited_at: outcome.edited[i],
                deleted_at: outcome.deleted[i],
            });
        }
    }
    insert(
        conn,
        "INSERT INTO updates (id, story_id, posted_at, kind, body_md, body_html, summary, author,
                              key_event, place, who, figure_number, figure_what, figure_source,
                              edited_at, deleted_at) ",
        16,
        &rows,
        |b, row| {
            let w = publishing::update_row(&row.draft, row.posted_at, row.rendered);
            b.push_bind(row.id)
                .push_bind(row.story_id)
                .push_bind(w.posted_at)
                .push_bind(w.kind)
                .push_bind(w.body_md)
                .push_bind(w.body_html)
                .push_bind(w.summary)
                .push_bind(w.author)
                .push_bind(w.key_event)
                .push_bind(w.place)
                .push_bind(w.who)
                .push_bind(w.figure_number)
                .push_bind(w.figure_what)
                .push_bind(w.figure_source)
                .push_bind(row.edited_at)
                .push_bind(row.deleted_at);
        },
    )
    .await?;
    let revisions: Vec<(i64, &str, i64, DateTime<Utc>)> = stories
        .iter()
        .zip(outcomes)
        .flat_map(|(story, outcome)| {
            outcome.revisions.iter().map(|&(i, editor, at)| {
                let old = story.updates[i].draft.body_md.as_str();
                (outcome.update_ids[i], old, editor, at)
            })
        })
        .collect();
    insert(
        conn,
        "INSERT INTO update_revisions (update_id, body_md, editor_id, revised_at) ",
        4,
        &revisions,
        |b, row| {
            b.push_bind(row.0)
                .push_bind(row.1)
                .push_bind(row.2)
                .push_bind(row.3);
        },
    )
    .await?;
    let links: Vec<(i64, &str)> = rows
        .iter()
        .flat_map(|row| {
            row.rendered
                .read_more
                .iter()
                .map(|slug| (row.id, slug.as_str()))
        })
        .collect();
    insert(
        conn,
        "INSERT INTO update_links (update_id, to_slug) ",
        2,
        &links,
        |b, row| {
            b.push_bind(row.0).push_bind(row.1);
        },
    )
    .await
}

/// One desk action's audit and change-log rows.
struct Logged {
    story_id: i64,
    editor: i64,
    change: Change,
    action: &'static str,
    subject: String,
    at: DateTime<Utc>,
}

/// The audit trail and the change log, in the order the desk wrote them;
/// last, so that the content counter's `logged` catches up with it.
async fn write_log(
    conn: &mut Connection,
    stories: &[StoryText],
    outcomes: &[Outcome],
) -> anyhow::Result<()> {
    let entries: Vec<Logged> = stories
        .iter()
        .zip(outcomes)
        .flat_map(|(story, outcome)| {
            outcome.log.iter().map(move |&(editor, change, at)| {
                let (action, subject) = audit_entry(change, story.draft.slug.as_str());
                Logged {
                    story_id: outcome.id,
                    editor,
                    change,
                    action,
                    subject,
                    at,
                }
            })
        })
        .collect();
    insert(
        conn,
        "INSERT INTO audit (editor_id, action, subject, at) ",
        4,
        &entries,
        |b, row| {
            b.push_bind(row.editor)
                .push_bind(row.action)
                .push_bind(&row.subject)
                .push_bind(row.at);
        },
    )
    .await?;
    insert(
        conn,
        "INSERT INTO live_changes (story_id, update_id, event) ",
        3,
        &entries,
        |b, row| {
            b.push_bind(row.story_id)
                .push_bind(row.change.update_id())
                .push_bind(row.change.as_str());
        },
    )
    .await
}

/// `head VALUES (…), (…), …` for every row, as few statements as SQLite's
/// limit on bound values allows.
async fn insert<'r, T>(
    conn: &mut Connection,
    head: &str,
    columns: usize,
    rows: &'r [T],
    mut bind: impl FnMut(&mut Separated<'_, Sqlite, &'static str>, &'r T),
) -> anyhow::Result<()> {
    for chunk in rows.chunks(MAX_VALUES / columns) {
        let mut query = QueryBuilder::<Sqlite>::new(head);
        query.push_values(chunk, |mut b, row| bind(&mut b, row));
        query.build().execute(&mut *conn).await?;
    }
    Ok(())
}
