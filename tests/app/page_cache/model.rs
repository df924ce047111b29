//! A model-based test of the page cache's purges. On an empty database,
//! random desk work on three stories (publish, edit, delete and pin updates,
//! end live coverage, save a story with a new headline, new topics, as a
//! draft or published again) is interleaved with GETs of every page the
//! stories appear on: story pages in both orders, their feeds and figures,
//! topic pages and feeds, the front page, the site feeds and the sitemap.
//!
//! Two oracles, checked on every GET:
//!
//! - **What**: the cached app answers exactly what an uncached twin (a second
//!   server with the page cache off, on the same database file) answers:
//!   status, content type, body and surrogate keys. A stale page fails here.
//! - **When**: the cached app renders a page exactly when it has no entry
//!   for it, an entry being dropped when a write touches one of the keys the
//!   page was filed under (its `xkey`). The keys a write touches are modelled
//!   here, independently of `surrogate::changed_by`: every change touches its
//!   story, `front`, `feeds`, `sitemap` and `search`; a story save also the
//!   topics the story is filed under after it and the stories linking to it
//!   (whose read-more links show its headline). An over-broad purge fails
//!   here, as does a page kept past a purge that should have reached it.
//!
//! Two variants widen what the desk writes: `READ MORE:` links between the
//! stories, and topics renamed by saving them in another spelling. Each
//! found a stale-page bug, and has a test of its own.
//!
//! Nothing in these pages depends on the clock or on the request (times come
//! from the content), so the bodies are compared byte for byte, unnormalised.
//!
//! Runs are seeded: a failure prints its seed, and `CACHE_MODEL_SEED=<seed>`
//! replays just that run (of each test).

use std::collections::{BTreeMap, BTreeSet};

use awc::http::StatusCode;
use chrono::{DateTime, Duration, TimeZone, Utc};
use newsdesk::domain::{StoryInput, UpdateInput};

use crate::helpers::{Page, TestApp, plain_update};

/// Sequences per test, each on a fresh, empty database.
const SEQUENCES: u64 = 30;
/// Operations (one write or one GET each) per sequence.
const OPS: usize = 40;
/// Stories per sequence.
const STORIES: usize = 3;
/// Steps of history kept for a failure message.
const TRAIL: usize = 60;

/// Topics stories are filed under: a slug and two spellings of its name
/// (see [`Variant::renames`]).
const TOPICS: [(&str, [&str; 2]); 4] = [
    ("strike", ["Strike", "STRIKE"]),
    ("health", ["Health", "health"]),
    ("courts", ["Courts", "COURTS"]),
    ("transport", ["Transport", "transport"]),
];

/// Pages every sequence reads, besides each story's and each topic's.
const SITE_PAGES: [&str; 4] = ["/", "/feed.xml", "/atom.xml", "/sitemap.xml"];

#[actix_web::test]
async fn cached_pages_are_what_an_uncached_twin_serves_and_are_rendered_again_exactly_when_their_keys_are_purged()
 {
    let mut tally = Tally::default();
    for seed in seeds(0xcace_0001) {
        Run::start(seed, Variant::default())
            .await
            .play(&mut tally)
            .await;
    }
    tally.check_it_tested_something();
}

/// As above, with `READ MORE:` links between the stories, in their bodies
/// and in updates: a link shows its target's current headline.
#[actix_web::test]
async fn with_read_more_links_cached_pages_are_what_an_uncached_twin_serves() {
    let mut tally = Tally::default();
    let variant = Variant {
        read_more: true,
        ..Variant::default()
    };
    for seed in seeds(0xcace_1001) {
        Run::start(seed, variant).await.play(&mut tally).await;
    }
    tally.check_it_tested_something();
}

/// As above, with topics saved in either of two spellings of one slug: a
/// save renames the topic everywhere it is shown.
#[actix_web::test]
async fn with_topic_renames_cached_pages_are_what_an_uncached_twin_serves() {
    let mut tally = Tally::default();
    let variant = Variant {
        renames: true,
        ..Variant::default()
    };
    for seed in seeds(0xcace_2001) {
        Run::start(seed, variant).await.play(&mut tally).await;
    }
    tally.check_it_tested_something();
}

/// The seeds to run: `CACHE_MODEL_SEED` alone when set, else [`SEQUENCES`] from `first`.
fn seeds(first: u64) -> Vec<u64> {
    match std::env::var("CACHE_MODEL_SEED") {
        Ok(seed) => vec![parse_seed(&seed)],
        Err(_) => (first..first + SEQUENCES).collect(),
    }
}

fn parse_seed(text: &str) -> u64 {
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    }
    .expect("CACHE_MODEL_SEED is a number (decimal or 0x hex)")
}

/// A small deterministic generator (xorshift64*): the same run for the same seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // Never zero, and seeds next to each other start far apart.
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// One of `choices`, each as likely as its weight.
    fn weighted<T: Copy>(&mut self, choices: &[(T, u32)]) -> T {
        let total: u32 = choices.iter().map(|c| c.1).sum();
        let mut pick = (self.next() % u64::from(total)) as u32;
        for &(choice, weight) in choices {
            if pick < weight {
                return choice;
            }
            pick -= weight;
        }
        unreachable!("a pick below the total weight")
    }
}

/// What the desk may write besides the plain operations.
#[derive(Debug, Clone, Copy, Default)]
struct Variant {
    /// Stories and updates link to each other with `READ MORE:`.
    read_more: bool,
    /// Topics are saved in either spelling of their name, renaming them;
    /// otherwise always in the first.
    renames: bool,
}

/// A story as the desk left it: what the model needs to write it again.
struct Story {
    tag: char,
    slug: String,
    id: i64,
    /// Bumped by each headline change.
    headline: u32,
    /// (index in [`TOPICS`], spelling) of each topic it is filed under.
    topics: Vec<(usize, usize)>,
    published: bool,
    /// The story its body links to with `READ MORE:`.
    link: Option<usize>,
    /// Its updates not deleted, by id.
    updates: Vec<i64>,
    pinned: Option<i64>,
    /// Updates written so far, to tell their texts apart.
    written: u32,
}

impl Story {
    fn headline(&self) -> String {
        format!("Story {} headline, version {}", self.tag, self.headline)
    }

    fn topic_names(&self) -> Vec<String> {
        self.topics
            .iter()
            .map(|&(t, spelling)| TOPICS[t].1[spelling].to_owned())
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// GET one page.
    Get,
    /// GET every page.
    Sweep,
    Publish,
    Edit,
    Delete,
    Pin,
    Unpin,
    EndLive,
    Headline,
    Topics,
    /// Published to draft, or draft to published.
    Status,
}

/// What the runs did, to show the test tested something.
#[derive(Debug, Default)]
struct Tally {
    sequences: u32,
    writes: BTreeMap<String, u32>,
    /// GETs compared with the twin.
    gets: u32,
    /// Hits on a page cached before the latest write: a purge that spared it.
    spared: u32,
    /// Misses on a page that was cached until a write purged it.
    purged: u32,
}

impl Tally {
    fn check_it_tested_something(&self) {
        println!("{self:?}");
        if std::env::var("CACHE_MODEL_SEED").is_ok() {
            return;
        }
        assert!(
            self.gets > 1000 && self.spared > 100 && self.purged > 100,
            "runs that check too little: {self:?}"
        );
        for op in [
            "Publish", "Edit", "Delete", "Pin", "Headline", "Topics", "Status",
        ] {
            assert!(
                self.writes.get(op).copied().unwrap_or(0) > 10,
                "too few {op}: {self:?}"
            );
        }
    }
}

/// A page the cached app holds, as the model sees it.
struct Entry {
    /// What it is filed under: its `xkey`.
    keys: BTreeSet<String>,
    /// The step of the write before it was cached (0: none).
    since_write: usize,
}

/// One seeded sequence: an app, its uncached twin, their stories.
struct Run {
    seed: u64,
    rng: Rng,
    variant: Variant,
    app: TestApp,
    twin: TestApp,
    editor: i64,
    stories: Vec<Story>,
    /// The pages the cached app should be holding, by path.
    cached: BTreeMap<String, Entry>,
    /// Pages cached until a write's purge reached them.
    dropped: BTreeSet<String>,
    step: usize,
    last_write: usize,
    trail: Vec<String>,
    tally: Tally,
}

impl Run {
    /// An empty database, an editor, and [`STORIES`] stories written at the desk.
    async fn start(seed: u64, variant: Variant) -> Run {
        let app = TestApp::spawn().await;
        let twin = app.uncached_twin().await;
        // A write the change log does not name: the app's follower clears
        // its whole cache at its next tick unless a named change was handled
        // since its last one. Made before the stories are saved (named
        // changes) and before any page is cached, so it cannot skew a count.
        let editor = app.create_editor("desk").await;
        let mut run = Run {
            seed,
            rng: Rng::new(seed),
            variant,
            app,
            twin,
            editor,
            stories: Vec::new(),
            cached: BTreeMap::new(),
            dropped: BTreeSet::new(),
            step: 0,
            last_write: 0,
            trail: Vec::new(),
            tally: Tally::default(),
        };
        for n in 0..STORIES {
            let tag = (b'A' + n as u8) as char;
            let mut story = Story {
                tag,
                slug: format!("story-{}", tag.to_ascii_lowercase()),
                id: 0,
                headline: 1,
                topics: Vec::new(),
                published: run.rng.chance(80),
                link: None,
                updates: Vec::new(),
                pinned: None,
                written: 0,
            };
            story.topics = run.any_topics();
            story.link = run.any_link(n);
            let input = run.story_input(&story);
            run.app.save_story(input, run.editor).await;
            story.id = run.app.story(&story.slug).await.id;
            run.note(format!(
                "create {} (id {}, {}, topics {:?}, link {:?})",
                story.slug,
                story.id,
                if story.published {
                    "published"
                } else {
                    "draft"
                },
                story.topic_names(),
                story.link
            ));
            run.stories.push(story);
        }
        run
    }

    async fn play(mut self, tally: &mut Tally) {
        while self.step < OPS {
            self.step += 1;
            let op = self.any_op();
            self.do_op(op).await;
        }
        // Last, every page the app holds: each may have been kept past a
        // write it should not have survived. (A page it does not hold is
        // rendered afresh: nothing to learn from it at the end.)
        self.step += 1;
        self.note("read every page held".into());
        let held: Vec<String> = self.cached.keys().cloned().collect();
        for path in held {
            self.get(&path).await;
        }
        tally.sequences += 1;
        tally.gets += self.tally.gets;
        tally.spared += self.tally.spared;
        tally.purged += self.tally.purged;
        for (op, n) in &self.tally.writes {
            *tally.writes.entry(op.clone()).or_default() += n;
        }
    }

    fn note(&mut self, what: String) {
        if self.trail.len() == TRAIL {
            self.trail.remove(0);
        }
        self.trail.push(format!("step {}: {what}", self.step));
    }

    /// Fails the test with the seed and the steps that led here.
    fn fail(&self, problem: String) -> ! {
        panic!(
            "{problem}\nseed {:#x} (rerun alone with CACHE_MODEL_SEED={:#x}), step {}\nlast steps:\n  {}",
            self.seed,
            self.seed,
            self.step,
            self.trail.join("\n  ")
        )
    }

    // --- choosing -----------------------------------------------------------

    fn any_op(&mut self) -> Op {
        let any_updates = self.stories.iter().any(|s| !s.updates.is_empty());
        let any_pinned = self.stories.iter().any(|s| s.pinned.is_some());
        let when = |ok: bool, weight: u32| if ok { weight } else { 0 };
        let mut choices = vec![
            (Op::Get, 44),
            (Op::Sweep, 2),
            (Op::Publish, 10),
            (Op::Edit, when(any_updates, 6)),
            (Op::Delete, when(any_updates, 3)),
            (Op::Pin, when(any_updates, 3)),
            (Op::Unpin, when(any_pinned, 1)),
            (Op::EndLive, when(any_updates, 1)),
            (Op::Headline, 5),
            (Op::Topics, 5),
            (Op::Status, 4),
        ];
        choices.retain(|c| c.1 > 0);
        self.rng.weighted(&choices)
    }

    /// One to two topics, or rarely none.
    fn any_topics(&mut self) -> Vec<(usize, usize)> {
        let count = self.rng.weighted(&[(0, 1), (1, 5), (2, 4)]);
        let mut topics: Vec<(usize, usize)> = Vec::new();
        while topics.len() < count {
            let t = self.rng.below(TOPICS.len());
            if !topics.iter().any(|&(other, _)| other == t) {
                let spelling = if self.variant.renames {
                    self.rng.below(2)
                } else {
                    0
                };
                topics.push((t, spelling));
            }
        }
        topics
    }

    /// A published story other than `from` to link to, when links are on.
    fn any_link(&mut self, from: usize) -> Option<usize> {
        if !self.variant.read_more || !self.rng.chance(60) {
            return None;
        }
        let targets: Vec<usize> = (0..self.stories.len())
            .filter(|&s| s != from && self.stories[s].published)
            .collect();
        (!targets.is_empty()).then(|| targets[self.rng.below(targets.len())])
    }

    /// A story with at least one update.
    fn any_story_with_updates(&mut self) -> usize {
        let with: Vec<usize> = (0..self.stories.len())
            .filter(|&s| !self.stories[s].updates.is_empty())
            .collect();
        with[self.rng.below(with.len())]
    }

    /// Every page the model reads.
    fn pages(&self) -> Vec<String> {
        let mut pages: Vec<String> = SITE_PAGES.iter().map(|p| (*p).to_owned()).collect();
        for story in &self.stories {
            let slug = &story.slug;
            pages.extend([
                format!("/news/{slug}"),
                format!("/news/{slug}?order=oldest"),
                format!("/news/{slug}/feed.xml"),
                format!("/news/{slug}/atom.xml"),
                format!("/news/{slug}/figures.json"),
            ]);
        }
        for (slug, _) in TOPICS {
            pages.extend([
                format!("/topics/{slug}"),
                format!("/topics/{slug}/feed.xml"),
            ]);
        }
        pages
    }

    /// A page to read: mostly one the app holds (only those can be stale
    /// or purged too eagerly), else any.
    fn any_page(&mut self) -> String {
        if !self.cached.is_empty() && self.rng.chance(70) {
            let held: Vec<&String> = self.cached.keys().collect();
            return held[self.rng.below(held.len())].clone();
        }
        let pages = self.pages();
        pages[self.rng.below(pages.len())].clone()
    }

    // --- writing ------------------------------------------------------------

    /// The story form as the desk would submit it for `story`.
    fn story_input(&self, story: &Story) -> StoryInput {
        let mut body = format!(
            "The body of story {}, as of headline {}.",
            story.tag, story.headline
        );
        if let Some(target) = story.link {
            body.push_str(&format!(
                "\n\nREAD MORE: [the other story](/news/{})",
                self.stories[target].slug
            ));
        }
        StoryInput {
            headline: story.headline(),
            standfirst: format!("What story {} is about.", story.tag),
            byline: "Desk".into(),
            body,
            topics: story.topic_names(),
            slug: story.slug.clone(),
            status: if story.published {
                "published"
            } else {
                "draft"
            }
            .into(),
            live: "none".into(),
        }
    }

    /// An update's text, sometimes with a `READ MORE:` to a published story.
    fn update_body(&mut self, s: usize, what: &str) -> String {
        let story = &mut self.stories[s];
        story.written += 1;
        let mut body = format!(
            "Story {} update {}, {what}: pickets & talks, 3 < 4",
            story.tag, story.written
        );
        if let Some(target) = self.any_link(s) {
            body.push_str(&format!(
                "\n\nREAD MORE: [more](/news/{})",
                self.stories[target].slug
            ));
        }
        body
    }

    /// Saves story `s` as the model now has it, keeping its live state.
    async fn save(&mut self, s: usize) {
        // A body linking to a story since made a draft would be refused.
        if self.stories[s]
            .link
            .is_some_and(|target| !self.stories[target].published)
        {
            self.stories[s].link = self.any_link(s);
        }
        let story = &self.stories[s];
        let live = self.app.story(&story.slug).await.live_state;
        let input = StoryInput {
            live: live.as_str().into(),
            ..self.story_input(story)
        };
        self.app.resave_story(&story.slug, input, self.editor).await;
    }

    async fn do_op(&mut self, op: Op) {
        match op {
            Op::Get => {
                let path = self.any_page();
                self.get(&path).await;
                return;
            }
            Op::Sweep => {
                self.note("sweep".into());
                self.sweep().await;
                return;
            }
            _ => {}
        }
        let editor = self.editor;
        let (s, note, saved) = match op {
            Op::Get | Op::Sweep => unreachable!("handled above"),
            Op::Publish => {
                let s = self.rng.below(self.stories.len());
                let minute = self.rng.below(12 * 60) as i64;
                let posted_at: DateTime<Utc> =
                    Utc.with_ymd_and_hms(2016, 1, 12, 7, 0, 0).unwrap() + Duration::minutes(minute);
                let figures = self.rng.chance(30);
                let key_event = self.rng.chance(20);
                let body = self.update_body(s, if figures { "figures" } else { "news" });
                let update = if figures {
                    UpdateInput {
                        kind: "figures".into(),
                        number: (100 * self.rng.below(50)).to_string(),
                        what: ["beds", "operations"][self.rng.below(2)].into(),
                        source: "NHS England".into(),
                        key_event,
                        ..plain_update(&body)
                    }
                } else {
                    UpdateInput {
                        key_event,
                        ..plain_update(&body)
                    }
                };
                let slug = self.stories[s].slug.clone();
                let id = self.app.publish(&slug, update, posted_at).await;
                self.stories[s].updates.push(id);
                (
                    s,
                    format!("publish update {id} at {posted_at} on {slug}"),
                    false,
                )
            }
            Op::Edit => {
                let s = self.any_story_with_updates();
                let id = self.stories[s].updates[self.rng.below(self.stories[s].updates.len())];
                let body = self.update_body(s, "corrected");
                let slug = &self.stories[s].slug;
                self.app.edit(slug, id, &body, editor).await;
                (s, format!("edit update {id} on {slug}"), false)
            }
            Op::Delete => {
                let s = self.any_story_with_updates();
                let pick = self.rng.below(self.stories[s].updates.len());
                let story = &mut self.stories[s];
                let id = story.updates.remove(pick);
                if story.pinned == Some(id) {
                    story.pinned = None;
                }
                self.app.delete(&story.slug, id, editor).await;
                (s, format!("delete update {id} on {}", story.slug), false)
            }
            Op::Pin => {
                let s = self.any_story_with_updates();
                let id = self.stories[s].updates[self.rng.below(self.stories[s].updates.len())];
                let story = &mut self.stories[s];
                story.pinned = Some(id);
                self.app.pin(&story.slug, Some(id), editor).await;
                (s, format!("pin update {id} on {}", story.slug), false)
            }
            Op::Unpin => {
                let pinned: Vec<usize> = (0..self.stories.len())
                    .filter(|&s| self.stories[s].pinned.is_some())
                    .collect();
                let s = pinned[self.rng.below(pinned.len())];
                let story = &mut self.stories[s];
                story.pinned = None;
                self.app.pin(&story.slug, None, editor).await;
                (s, format!("unpin on {}", story.slug), false)
            }
            Op::EndLive => {
                let s = self.any_story_with_updates();
                let slug = self.stories[s].slug.clone();
                if !self.app.story(&slug).await.live_state.is_live() {
                    self.note(format!("(not ending {slug}: not live)"));
                    return;
                }
                self.app.end_live(&slug, editor).await;
                (s, format!("end live coverage of {slug}"), false)
            }
            Op::Headline => {
                let s = self.rng.below(self.stories.len());
                self.stories[s].headline += 1;
                self.save(s).await;
                let story = &self.stories[s];
                (
                    s,
                    format!("save {} as “{}”", story.slug, story.headline()),
                    true,
                )
            }
            Op::Topics => {
                let s = self.rng.below(self.stories.len());
                self.stories[s].topics = self.any_topics();
                self.save(s).await;
                let story = &self.stories[s];
                let note = format!("save {} with topics {:?}", story.slug, story.topic_names());
                (s, note, true)
            }
            Op::Status => {
                let s = self.rng.below(self.stories.len());
                self.stories[s].published = !self.stories[s].published;
                self.save(s).await;
                let story = &self.stories[s];
                let status = if story.published {
                    "published"
                } else {
                    "draft"
                };
                (s, format!("save {} as {status}", story.slug), true)
            }
        };
        let cursor = self.app.cursor(&self.stories[s].slug).await;
        self.note(format!("{note} (cursor {cursor})"));
        *self.tally.writes.entry(format!("{op:?}")).or_default() += 1;
        let linking = if saved {
            self.stories_linking_to(s).await
        } else {
            Vec::new()
        };
        self.purge(s, saved, &linking);
    }

    /// Ids of the stories whose body or updates link to story `s`: a save
    /// of it re-renders them with its headline. Read from the link tables,
    /// since the model does not keep every update's links (deleted ones
    /// included).
    async fn stories_linking_to(&self, s: usize) -> Vec<i64> {
        let story = &self.stories[s];
        let mut conn = self.app.room.db.acquire().await.unwrap();
        newsdesk::db::links::stories_linking_to(&mut conn, story.id, &story.slug)
            .await
            .unwrap()
    }

    /// Drops the model's entries that the write to story `s` touched.
    fn purge(&mut self, s: usize, saved: bool, linking: &[i64]) {
        let story = &self.stories[s];
        let mut touched: BTreeSet<String> = [
            format!("story-{}", story.id),
            "front".into(),
            "feeds".into(),
            "sitemap".into(),
            "search".into(),
        ]
        .into();
        if saved {
            touched.extend(
                story
                    .topics
                    .iter()
                    .map(|&(t, _)| format!("topic-{}", TOPICS[t].0)),
            );
            touched.extend(linking.iter().map(|id| format!("story-{id}")));
        }
        let gone: Vec<String> = self
            .cached
            .iter()
            .filter(|(_, entry)| !entry.keys.is_disjoint(&touched))
            .map(|(path, _)| path.clone())
            .collect();
        for path in gone {
            self.cached.remove(&path);
            self.dropped.insert(path);
        }
        self.last_write = self.step;
    }

    // --- reading ------------------------------------------------------------

    async fn sweep(&mut self) {
        for path in self.pages() {
            self.get(&path).await;
        }
    }

    /// GETs `path` from both apps and checks both oracles.
    async fn get(&mut self, path: &str) {
        let (got, rendered) = self.app.get_counting_renders(path).await;
        let want = self.twin.get_page(path).await;
        self.tally.gets += 1;
        let held = self
            .cached
            .get(path)
            .map(|entry| (entry.keys.clone(), entry.since_write));
        let how = format!(
            "{}; the model expected {}",
            if rendered == 0 {
                "served from the cache"
            } else {
                "rendered"
            },
            if held.is_some() { "a hit" } else { "a render" }
        );
        self.note(format!("GET {path}: {} ({how})", got.status));
        if let Some(difference) = difference(&got, &want) {
            self.fail(format!(
                "GET {path}: the cached app ({how}) answers what the uncached twin does not:\n{difference}"
            ));
        }
        match (held, rendered) {
            (Some((_, since_write)), 0) => {
                if since_write < self.last_write {
                    self.tally.spared += 1;
                }
            }
            (None, 1) => {
                if self.dropped.remove(path) {
                    self.tally.purged += 1;
                }
            }
            (Some((keys, _)), n) => self.fail(format!(
                "GET {path}: rendered {n} time(s), though no write since it was cached touched \
                 what it is filed under ({}): an over-broad purge",
                keys_text(&keys)
            )),
            (None, 0) => self.fail(format!(
                "GET {path}: served from the cache, though {}",
                if self.dropped.contains(path) {
                    "a write since it was cached touched what it is filed under"
                } else {
                    "it was never cached"
                }
            )),
            (None, n) => self.fail(format!("GET {path}: rendered {n} times for one request")),
        }
        if got.status == StatusCode::OK {
            let keys = surrogate_keys(&got)
                .unwrap_or_else(|| self.fail(format!("GET {path}: 200 without an xkey header")));
            if !keys.contains("site") {
                self.fail(format!("GET {path}: xkey {keys:?} lacks site"));
            }
            let since_write = self.last_write;
            self.cached
                .insert(path.to_owned(), Entry { keys, since_write });
        } else {
            self.cached.remove(path);
        }
    }
}

/// The keys a response is filed under (`xkey`).
fn surrogate_keys(page: &Page) -> Option<BTreeSet<String>> {
    page.header("xkey")
        .map(|keys| keys.split_whitespace().map(str::to_owned).collect())
}

fn keys_text(keys: &BTreeSet<String>) -> String {
    keys.iter().cloned().collect::<Vec<_>>().join(" ")
}

/// Where the cached answer differs from the uncached one, if it does.
fn difference(got: &Page, want: &Page) -> Option<String> {
    let mut out = Vec::new();
    if got.status != want.status {
        out.push(format!(
            "  status: cached {}, uncached {}",
            got.status, want.status
        ));
    }
    for header in ["content-type", "xkey", "surrogate-key"] {
        let (mine, theirs) = (got.header(header), want.header(header));
        if mine != theirs {
            out.push(format!("  {header}: cached {mine:?}, uncached {theirs:?}"));
        }
    }
    if got.body != want.body {
        // Where they part, with some context: feeds are one long line.
        let at = got
            .body
            .char_indices()
            .zip(want.body.chars())
            .find(|((_, mine), theirs)| mine != theirs)
            .map_or(got.body.len().min(want.body.len()), |((at, _), _)| at);
        let excerpt = |body: &str| {
            let start = body.floor_char_boundary(at.saturating_sub(120));
            let end = body.ceil_char_boundary((at + 120).min(body.len()));
            format!("…{}…", &body[start..end])
        };
        out.push(format!(
            "  body, from byte {at}:\n    cached   {}\n    uncached {}",
            excerpt(&got.body),
            excerpt(&want.body)
        ));
    }
    (!out.is_empty()).then(|| out.join("\n"))
}
