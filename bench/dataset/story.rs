//! One story's content as an editor would type it: the story form's
//! fields, then each live update's, plus what the desk later does to some
//! of them (corrections, deletions, a pin, the end of live coverage).

use chrono::{DateTime, Duration, Utc};
use newsdesk::domain::{StoryDraft, StoryInput, UpdateDraft, UpdateInput};

use super::plan::{self, StoryPlan};
use super::rng::Rng;
use super::text;

/// A story's slug and headline, which later stories link to with `READ MORE:`.
pub type LinkTarget = (String, String);

/// One thing the desk does to a story, in the order it does them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Publish(usize),
    Pin(usize),
    Correct(usize),
    Delete(usize),
    EndLive,
}

/// An action, who took it (an editor id) and when.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub action: Action,
    pub editor: i64,
    pub at: DateTime<Utc>,
}

/// What a correction adds to an update's text.
const CORRECTION: &str = "\n\n*This update was corrected after it was published.*";

/// What the desk does to an update after publishing it, ten minutes later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Afterwards {
    Nothing,
    Corrected,
    Deleted,
}

pub struct UpdateText {
    pub posted_at: DateTime<Utc>,
    pub draft: UpdateDraft,
    pub afterwards: Afterwards,
}

pub struct StoryText {
    pub draft: StoryDraft,
    pub published_at: DateTime<Utc>,
    /// Index into [`text::EDITORS`] of the editor who wrote it.
    pub editor: usize,
    pub updates: Vec<UpdateText>,
    /// Whether the first update is pinned.
    pub pin_first: bool,
    /// When live coverage ended, if it has.
    pub ended_at: Option<DateTime<Utc>>,
}

/// The story at `index`; `earlier` holds the published stories before it
/// (the last few thousand), which its links point at.
pub fn story(
    seed: &Rng,
    index: usize,
    plan: &StoryPlan,
    earlier: &[LinkTarget],
    until: DateTime<Utc>,
) -> StoryText {
    let mut rng = seed.fork(index as u64);
    let headline = text::headline(&mut rng);
    let links = if !earlier.is_empty() && rng.chance(0.3) {
        (0..rng.between(1, 2))
            .map(|_| rng.pick(earlier).clone())
            .collect()
    } else {
        Vec::new()
    };
    let topics = (0..rng.between(1, 3))
        .map(|_| rng.pick(text::TOPICS).to_string())
        .collect();
    let editor = rng.between(0, text::REPORTERS.len() as u64 - 1) as usize;
    let input = StoryInput {
        slug: slug(&headline, index),
        headline,
        standfirst: text::standfirst(&mut rng),
        byline: text::REPORTERS[editor].to_owned(),
        body: text::story_body(&mut rng, &links),
        topics,
        status: if plan.draft { "draft" } else { "published" }.to_owned(),
        live: "none".to_owned(),
    };
    let draft = input.validate().expect("a generated story is valid");
    let updates: Vec<UpdateText> = plan::update_times(&mut rng, plan, until)
        .into_iter()
        .map(|posted_at| update(&mut rng, posted_at, earlier))
        .collect();
    let last = updates.last().map(|u| u.posted_at);
    let is_blog = plan.updates >= plan::LIVE_BLOG_UPDATES;
    let ended_at = last
        .filter(|&last| !is_blog && until - last > Duration::days(1))
        .map(|last| last + Duration::hours(1));
    StoryText {
        draft,
        published_at: plan.published_at,
        editor,
        pin_first: !updates.is_empty() && (is_blog || rng.chance(0.05)),
        updates,
        ended_at,
    }
}

/// A slug as the story form derives it from the headline, made unique by
/// the story's number (a newsroom's slugs repeat over ten years).
fn slug(headline: &str, index: usize) -> String {
    let derived = newsdesk::domain::Slug::from_title(headline, "story").expect("words");
    let words: Vec<&str> = derived.as_str().split('-').take(8).collect();
    format!("{}-{}", words.join("-"), index + 1)
}

fn update(rng: &mut Rng, posted_at: DateTime<Utc>, earlier: &[LinkTarget]) -> UpdateText {
    let link = (!earlier.is_empty() && rng.chance(0.02)).then(|| rng.pick(earlier));
    let mut input = UpdateInput {
        body: text::update_body(rng, link),
        kind: "update".to_owned(),
        author: rng.pick(text::EDITORS).to_string(),
        key_event: rng.chance(0.05),
        ..UpdateInput::default()
    };
    match rng.between(0, 99) {
        0..=7 => {
            input.kind = "picket".to_owned();
            input.place = rng.pick(text::PLACES).to_string();
        }
        8..=14 => {
            input.kind = "statement".to_owned();
            input.who = rng.pick(text::SPEAKERS).to_string();
        }
        15..=19 => {
            input.kind = "figures".to_owned();
            input.number = rng.between(0, 5_000).to_string();
            input.what = "operations cancelled".to_owned();
            input.source = "NHS England".to_owned();
            if rng.chance(0.5) {
                input.place = rng.pick(text::PLACES).to_string();
            }
        }
        _ => {}
    }
    let afterwards = match rng.between(0, 999) {
        0..=9 => Afterwards::Corrected,
        10..=12 => Afterwards::Deleted,
        _ => Afterwards::Nothing,
    };
    UpdateText {
        posted_at,
        draft: input.validate().expect("a generated update is valid"),
        afterwards,
    }
}

/// The id of the editor who signs with `author` (editors are ids 1, 2, …
/// in the order of [`text::EDITORS`]).
fn editor_id(author: &str) -> i64 {
    text::EDITORS
        .iter()
        .position(|name| *name == author)
        .expect("authors are editors") as i64
        + 1
}

impl StoryText {
    /// The desk's actions on this story, in order: created, each update
    /// published (the first pinned, some corrected or deleted ten minutes
    /// later; a pinned one is never deleted), live coverage ended.
    pub fn script(&self) -> Vec<Step> {
        let editor = self.editor as i64 + 1;
        let mut steps = vec![Step {
            action: Action::Create,
            editor,
            at: self.published_at,
        }];
        for (i, update) in self.updates.iter().enumerate() {
            let author = editor_id(&update.draft.author);
            let later = update.posted_at + Duration::minutes(10);
            let step = |action, at| Step {
                action,
                editor: author,
                at,
            };
            steps.push(step(Action::Publish(i), update.posted_at));
            let pinned = i == 0 && self.pin_first;
            if pinned {
                steps.push(step(Action::Pin(i), later));
            }
            match update.afterwards {
                Afterwards::Corrected => steps.push(step(Action::Correct(i), later)),
                Afterwards::Deleted if !pinned => steps.push(step(Action::Delete(i), later)),
                Afterwards::Deleted | Afterwards::Nothing => {}
            }
        }
        if let Some(at) = self.ended_at {
            steps.push(Step {
                action: Action::EndLive,
                editor,
                at,
            });
        }
        steps
    }
}

impl UpdateText {
    /// The update as corrected at the desk.
    pub fn corrected(&self) -> UpdateDraft {
        UpdateDraft {
            body_md: format!("{}{CORRECTION}", self.draft.body_md),
            ..self.draft.clone()
        }
    }
}
