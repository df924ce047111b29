//! Importing `content/`: every file is parsed and checked first; then all of
//! it is written in one transaction, so a bad file leaves the database as it
//! was. Stories are upserted by slug and updates by their time, so importing
//! twice changes nothing. Every story and update written is recorded in the
//! change log, so a site serving meanwhile tells its open pages. Images a
//! file points at in the content directory are stored as photos first
//! (`local_images`).

mod local_images;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};

use sqlx::SqlitePool;

use crate::content::embeds;
use crate::content::front_matter::line_of_key;
use crate::content::{ContentError, MissingStory, ParsedStory, ParsedUpdate, parse_story_file};
use crate::db::{self, stories::StoryRow};
use crate::domain::{
    Change, FieldErrors, StoryDraft, StoryInput, UpdateDraft, UpdateInput, check_posted_at,
    with_field,
};
use crate::media::MediaLibrary;
use crate::publishing::{
    self, DeskChange, FreshUpdate, Renderer, StoryChange, StoryTimes, UpdateChange, WrittenStory,
};

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub stories_created: usize,
    pub stories_updated: usize,
    pub stories_unchanged: usize,
    pub updates_created: usize,
    pub updates_updated: usize,
    pub updates_unchanged: usize,
    /// Rows the file would change but the desk changed since: left as the desk has them.
    pub conflicts: Vec<ImportConflict>,
}

/// A story or update that the desk changed after it was imported, and that
/// the file now changes too: the desk wins, and the operator is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportConflict {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ImportConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "stories: {} created, {} updated, {} unchanged; updates: {} created, {} updated, {} unchanged",
            self.stories_created,
            self.stories_updated,
            self.stories_unchanged,
            self.updates_created,
            self.updates_updated,
            self.updates_unchanged
        )?;
        if !self.conflicts.is_empty() {
            write!(f, "; left as the desk changed them:")?;
            for conflict in &self.conflicts {
                write!(f, "\n  {conflict}")?;
            }
        }
        Ok(())
    }
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("content has errors, nothing was imported:\n{}", list(.0))]
    Content(Vec<ContentError>),
    #[error(transparent)]
    Store(#[from] anyhow::Error),
}

fn list(errors: &[ContentError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A content file that passed every check, ready to write.
struct CheckedStory {
    /// SHA-256 of the file: an unchanged file is not written again.
    sha256: String,
    parsed: ParsedStory,
    draft: StoryDraft,
    updates: Vec<(ParsedUpdate, UpdateDraft)>,
}

/// Imports every `*.md` file of `dir` into the site at `site_url` (its
/// public URL, which absolute read-more links may start with), storing the
/// images they point at in `media`. `now` is the app clock's: update times
/// ahead of it are refused. A serving process hears of what changed through
/// the change log (`after_commit`).
pub async fn import_dir(
    db: &SqlitePool,
    media: &MediaLibrary,
    dir: &Path,
    site_url: &str,
    show_progress: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportError> {
    let files = content_files(dir)?;
    let progress = if show_progress {
        ProgressBar::new(files.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}").expect("static template"),
    );
    let mut errors = Vec::new();
    let mut stories = Vec::with_capacity(files.len());
    for file in &files {
        progress.inc(1);
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        match check_file(file, &text, now) {
            Ok(story) => stories.push(story),
            Err(mut found) => errors.append(&mut found),
        }
    }
    progress.finish_and_clear();
    if errors.is_empty() {
        errors = local_images::store_local_images(media, db, dir, &mut stories, now).await?;
    }
    if !errors.is_empty() {
        return Err(ImportError::Content(errors));
    }
    write_all(db, &stories, site_url, now).await
}

fn content_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("reading content directory {}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("listing {}", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Parses and validates one file; every problem comes back with its line.
fn check_file(
    file: &Path,
    text: &str,
    now: DateTime<Utc>,
) -> Result<CheckedStory, Vec<ContentError>> {
    let parsed = parse_story_file(file, text).map_err(|e| vec![e])?;
    let slug = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let front = &parsed.front;
    let input = StoryInput {
        headline: front.headline.clone(),
        standfirst: front.standfirst.clone(),
        byline: front.byline.clone(),
        body: parsed.body.clone(),
        topics: front.topics.clone(),
        slug: slug.to_owned(),
        status: front.status.clone(),
        live: front.live.clone(),
    };
    let mut errors = Vec::new();
    let mut draft = input.validate();
    let times = [
        ("published", Some(parsed.published)),
        ("updated", parsed.updated),
    ];
    for (field, time) in times {
        if let Some(time) = time {
            draft = with_field(draft, field, check_posted_at(time, now)).map(|(d, ())| d);
        }
    }
    let draft = draft
        .map_err(|e| errors.extend(located(file, text, 2, &e)))
        .ok();
    errors.extend(post_errors(file, &parsed.body, parsed.body_line));
    let mut updates = Vec::with_capacity(parsed.updates.len());
    for update in &parsed.updates {
        let time = check_posted_at(update.time, now);
        match with_field(update_input(update).validate(), "time", time) {
            Ok((draft, ())) => updates.push((update.clone(), draft)),
            Err(e) => errors.extend(located(file, text, update.line + 1, &e)),
        }
        errors.extend(post_errors(file, &update.body, update.body_line));
    }
    match draft {
        Some(draft) if errors.is_empty() => Ok(CheckedStory {
            sha256: hex_sha256(text),
            parsed,
            draft,
            updates,
        }),
        _ => Err(errors),
    }
}

fn update_input(update: &ParsedUpdate) -> UpdateInput {
    let front = &update.front;
    let text = |field: &Option<String>| field.clone().unwrap_or_default();
    UpdateInput {
        body: update.body.clone(),
        kind: front.kind.clone(),
        author: front.author.clone(),
        key_event: front.key_event,
        place: text(&front.place),
        who: text(&front.who),
        number: front.number.map(|n| n.to_string()).unwrap_or_default(),
        what: text(&front.what),
        source: text(&front.source),
    }
}

/// Points each field error at the line of its key in the block starting at `first_line`.
fn located(file: &Path, text: &str, first_line: usize, errors: &FieldErrors) -> Vec<ContentError> {
    errors
        .iter()
        .map(|(field, message)| ContentError {
            file: file.to_owned(),
            line: line_of_key(text, first_line, field),
            field: Some(field.to_owned()),
            message: message.to_owned(),
        })
        .collect()
}

/// Every post block of a body that would not render as a quote card, at
/// its line in the file (the body starts at `body_line`).
fn post_errors(file: &Path, body: &str, body_line: usize) -> Vec<ContentError> {
    embeds::check_posts(body)
        .into_iter()
        .map(|problem| ContentError {
            file: file.to_owned(),
            line: body_line + problem.line - 1,
            field: Some(format!("post {}", problem.field)),
            message: problem.message,
        })
        .collect()
}

fn missing_story_error(story: &ParsedStory, missing: &MissingStory) -> ContentError {
    let needle = crate::urls::story(&missing.slug);
    let line = story
        .text
        .lines()
        .position(|l| l.contains(&needle))
        .map_or(1, |i| i + 1);
    ContentError {
        file: story.file.clone(),
        line,
        field: None,
        message: missing.to_string(),
    }
}

fn hex_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes every changed file's story in one transaction; any refused link
/// rolls it all back. Files unchanged since their last import are skipped, so
/// what editors changed at the desk stays.
///
/// What can be is written for the whole batch at once (the stories already
/// stored, links, the change log, file hashes): an import pays per
/// statement, in round trips to SQLite's thread.
async fn write_all(
    db: &SqlitePool,
    stories: &[CheckedStory],
    site_url: &str,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportError> {
    let mut tx = db::write_tx(db)
        .await
        .context("starting import transaction")?;
    let mut report = ImportReport::default();
    let imported = db::content_files::hashes(&mut tx)
        .await
        .context("reading imported file hashes")?;
    let mut changed = Vec::with_capacity(stories.len());
    for story in stories {
        if imported.get(story.draft.slug.as_str()) == Some(&story.sha256) {
            report.stories_unchanged += 1;
            report.updates_unchanged += story.updates.len();
        } else {
            changed.push(story);
        }
    }
    // A start with every file as last imported (the usual restart) writes
    // nothing and reads no headline.
    if changed.is_empty() {
        return Ok(report);
    }
    // The batch's own stories count as the files have them: a draft does not.
    let saving = changed.iter().map(|s| &s.draft);
    let renderer = publishing::headline_lookup(&mut tx, site_url, saving).await?;
    let mut batch = Batch::read(&mut tx, &changed).await?;
    let mut errors = Vec::new();
    let mut written = Vec::with_capacity(changed.len());
    for story in changed {
        match write_one(&mut tx, story, &renderer, &mut batch, &mut report).await? {
            Ok(stored) => written.push((stored, story)),
            Err(mut found) => errors.append(&mut found),
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Content(errors));
    }
    let filing: Vec<(&WrittenStory, &StoryDraft)> = written
        .iter()
        .map(|(stored, story)| (stored, &story.draft))
        .collect();
    publishing::file_under_topics(&mut tx, &filing).await?;
    // Now that every story of the batch exists, links between them can be recorded.
    let linking: Vec<&WrittenStory> = written
        .iter()
        .map(|(stored, _)| stored)
        .filter(|stored| stored.change != StoryChange::KeptByDesk)
        .collect();
    publishing::write_links(&mut tx, &linking).await?;
    db::live_changes::record_all(&mut tx, &batch.changes)
        .await
        .context("recording the changes for open pages")?;
    let files: Vec<(&str, &str)> = written
        .iter()
        .map(|(_, story)| (story.draft.slug.as_str(), story.sha256.as_str()))
        .collect();
    db::content_files::record_all(&mut tx, &files, now)
        .await
        .context("recording imported file hashes")?;
    tx.commit().await.context("committing import")?;
    Ok(report)
}

/// What an import reads (and the topics it saves) once for all its changed
/// files, and what it records once for all of them.
struct Batch {
    /// The stories already stored under the files' slugs.
    stored: HashMap<String, StoryRow>,
    /// Those the desk changed since their file was last imported.
    desk_changed: HashSet<String>,
    /// The id the next new update gets (`db::updates::next_id`).
    next_update_id: i64,
    /// (story id, change) for the change log, in the order made.
    changes: Vec<(i64, Change)>,
}

impl Batch {
    async fn read(tx: &mut db::Connection, changed: &[&CheckedStory]) -> anyhow::Result<Batch> {
        let slugs: Vec<&str> = changed.iter().map(|s| s.draft.slug.as_str()).collect();
        let stored = db::stories::find_by_slugs(tx, &slugs)
            .await
            .context("loading stored stories")?;
        let batch = Batch {
            stored: stored.into_iter().map(|s| (s.slug.clone(), s)).collect(),
            desk_changed: db::content_files::desk_changed_since_import(tx, &slugs).await?,
            next_update_id: db::updates::next_id(tx).await?,
            changes: Vec::new(),
        };
        let saving = changed
            .iter()
            .filter(|s| !batch.kept_by_desk(s.draft.slug.as_str()));
        publishing::upsert_topics(tx, saving.map(|s| &s.draft)).await?;
        Ok(batch)
    }

    /// Whether the desk changed story `slug` since its file was last imported.
    fn kept_by_desk(&self, slug: &str) -> bool {
        self.stored.contains_key(slug) && self.desk_changed.contains(slug)
    }
}

/// Writes one file's story and its updates, counting what changed.
async fn write_one(
    tx: &mut db::Connection,
    story: &CheckedStory,
    renderer: &Renderer,
    batch: &mut Batch,
    report: &mut ImportReport,
) -> anyhow::Result<Result<WrittenStory, Vec<ContentError>>> {
    let times = StoryTimes {
        published_at: story.parsed.published,
        updated_at: story.parsed.updated.unwrap_or(story.parsed.published),
    };
    let slug = story.draft.slug.as_str();
    let existing = batch.stored.get(slug);
    let stored = match existing {
        Some(current) if batch.kept_by_desk(slug) => {
            report.conflicts.push(ImportConflict {
                file: story.parsed.file.clone(),
                line: 1,
                message: format!(
                    "story “{slug}” was changed at the desk after it was imported; the file's version was not imported"
                ),
            });
            WrittenStory {
                id: current.id,
                change: StoryChange::KeptByDesk,
                read_more: Vec::new(),
            }
        }
        _ => match publishing::store_story(tx, &story.draft, existing, times, renderer).await? {
            Ok(stored) => stored,
            Err(missing) => return Ok(Err(vec![missing_story_error(&story.parsed, &missing)])),
        },
    };
    match stored.change {
        StoryChange::Created => report.stories_created += 1,
        StoryChange::Updated => report.stories_updated += 1,
        StoryChange::Unchanged | StoryChange::KeptByDesk => report.stories_unchanged += 1,
    }
    if matches!(stored.change, StoryChange::Created | StoryChange::Updated) {
        batch.changes.push((stored.id, Change::StorySaved));
    }
    // A story just created has no updates yet.
    let imported = match stored.change {
        StoryChange::Created => HashMap::new(),
        _ => db::updates::imported(tx, stored.id).await?,
    };
    let mut errors = Vec::new();
    let mut fresh = Vec::new();
    let mut pinned = None;
    let keys: Vec<String> = story
        .updates
        .iter()
        .map(|(parsed, _)| parsed.time.to_rfc3339())
        .collect();
    for ((parsed, draft), key) in story.updates.iter().zip(&keys) {
        let change = match imported.get(key) {
            Some(old) => {
                match publishing::reimport_update(tx, old, draft, parsed.time, renderer).await? {
                    Ok(change) => change,
                    Err(missing) => {
                        errors.push(missing_story_error(&story.parsed, &missing));
                        continue;
                    }
                }
            }
            None => {
                let id = batch.next_update_id;
                batch.next_update_id += 1;
                fresh.push(FreshUpdate {
                    id,
                    story_id: stored.id,
                    draft,
                    posted_at: parsed.time,
                    import_key: Some(key),
                });
                UpdateChange::Created(id)
            }
        };
        let logged = match &change {
            UpdateChange::Created(id) => Some(Change::Published(*id)),
            UpdateChange::Updated(id) => Some(Change::Edited(*id)),
            UpdateChange::Unchanged(_) | UpdateChange::KeptByDesk { .. } => None,
        };
        if let Some(logged) = logged {
            batch.changes.push((stored.id, logged));
        }
        let kept = matches!(change, UpdateChange::KeptByDesk { .. });
        report.count_update(&story.parsed.file, parsed.line, &change);
        if parsed.front.pinned && !kept && stored.change != StoryChange::KeptByDesk {
            pinned = Some(change.id());
        }
    }
    if let Err(missing) = publishing::insert_updates(tx, &fresh, renderer).await? {
        errors.extend(
            missing
                .iter()
                .map(|m| missing_story_error(&story.parsed, m)),
        );
    }
    // Once the update exists; the last pinned one in the file wins.
    if let Some(update_id) = pinned.filter(|_| errors.is_empty()) {
        db::stories::set_pinned_update(tx, stored.id, Some(update_id))
            .await
            .context("pinning")?;
    }
    Ok(if errors.is_empty() {
        Ok(stored)
    } else {
        Err(errors)
    })
}

impl ImportReport {
    fn count_update(&mut self, file: &Path, line: usize, change: &UpdateChange) {
        match change {
            UpdateChange::Created(_) => self.updates_created += 1,
            UpdateChange::Updated(_) => self.updates_updated += 1,
            UpdateChange::Unchanged(_) => self.updates_unchanged += 1,
            UpdateChange::KeptByDesk { id, desk, differs } => {
                self.updates_unchanged += 1;
                let done = match desk {
                    DeskChange::Edited => "edited",
                    DeskChange::Deleted => "deleted",
                };
                self.conflicts.push(ImportConflict {
                    file: file.to_owned(),
                    line,
                    message: format!(
                        "update {id} was {done} at the desk; the file's {} differs and was not imported",
                        differs.join(", ")
                    ),
                });
            }
        }
    }
}
