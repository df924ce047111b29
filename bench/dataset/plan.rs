//! The dataset's shape, decided before any text is written: when each story
//! is published, whether it is a draft, and how many live updates it gets.
//! One live blog (the newest story) gets 5,000; the rest are spread over a
//! fifth of the others, a few hundred at most, a handful at least.

use chrono::{DateTime, Duration, Utc};

use super::rng::Rng;

/// The big day's live blog: this many updates (or all of them, if fewer).
pub const LIVE_BLOG_UPDATES: u64 = 5_000;
/// Updates per live story elsewhere, on average.
const UPDATES_PER_LIVE_STORY: u64 = 50;
/// How much of the archive the stories span.
const YEARS: i64 = 10;

pub struct StoryPlan {
    pub published_at: DateTime<Utc>,
    pub draft: bool,
    pub updates: u64,
}

/// Every story, oldest first; the last is the live blog.
pub fn plan(rng: &Rng, stories: u64, updates: u64, until: DateTime<Utc>) -> Vec<StoryPlan> {
    let mut rng = rng.fork(u64::MAX);
    let span = Duration::days(365 * YEARS).num_seconds() as f64;
    let start = until - Duration::days(365 * YEARS);
    let mut plans: Vec<StoryPlan> = (0..stories)
        .map(|i| StoryPlan {
            published_at: start
                + Duration::seconds((span * (i as f64 + rng.unit()) / stories as f64) as i64),
            draft: false,
            updates: 0,
        })
        .collect();
    let Some((blog, others)) = plans.split_last_mut() else {
        return plans;
    };
    // The live blog runs over the last three days.
    blog.published_at = until - Duration::days(3);
    blog.updates = updates.min(LIVE_BLOG_UPDATES);
    let rest = updates - blog.updates;
    if others.is_empty() {
        blog.updates = updates;
    } else if rest > 0 {
        spread(&mut rng, others, rest);
    }
    for story in others.iter_mut() {
        story.draft = story.updates == 0 && rng.chance(0.005);
    }
    plans
}

/// Gives `total` updates to about one story in `total / 50`, unevenly.
fn spread(rng: &mut Rng, stories: &mut [StoryPlan], total: u64) {
    let live_stories = total
        .div_ceil(UPDATES_PER_LIVE_STORY)
        .min(stories.len() as u64);
    let share = live_stories as f64 / stories.len() as f64;
    let mut chosen: Vec<(usize, u64)> = Vec::new();
    for i in 0..stories.len() {
        if rng.chance(share) {
            chosen.push((i, rng.between(1, 100).pow(2)));
        }
    }
    if chosen.is_empty() {
        chosen.push((stories.len() - 1, 1));
    }
    let weights: u64 = chosen.iter().map(|(_, w)| w).sum();
    let mut given = 0;
    for (i, weight) in &chosen {
        let n = total * weight / weights;
        stories[*i].updates = n;
        given += n;
    }
    // What rounding down left over, one each to the first stories chosen.
    for (i, _) in chosen.iter().cycle().take((total - given) as usize) {
        stories[*i].updates += 1;
    }
}

/// When a story's updates are posted: spread over hours after it is
/// published (three days for the live blog), never after `until`.
pub fn update_times(rng: &mut Rng, story: &StoryPlan, until: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let hours = if story.updates >= LIVE_BLOG_UPDATES {
        72
    } else {
        rng.between(4, 72) as i64
    };
    let end = (story.published_at + Duration::hours(hours)).min(until);
    let span = (end - story.published_at).num_seconds().max(1) as f64;
    let mut times: Vec<DateTime<Utc>> = (0..story.updates)
        .map(|_| (story.published_at + Duration::seconds((rng.unit() * span) as i64 + 1)).min(end))
        .collect();
    times.sort();
    times
}
