//! A model-based test of the live path. Random desk work on two stories
//! (publish, edit, delete, pin, unpin, and late and rarely the end of live
//! coverage) is interleaved with readers following them every way a page
//! can: the event stream from its page's cursor, dropped and resumed with
//! `Last-Event-ID`, and polling `/updates?after=`. Each reader keeps the list
//! of updates it was told of. At checkpoints every reader must show what a
//! fresh load of the page shows, having been told each change of the story
//! once, and the page must show what the desk wrote.
//!
//! Runs are seeded: a failure prints its seed, and `LIVE_MODEL_SEED=<seed>`
//! replays just that run.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::pin::Pin;
use std::time::Duration;

use actix_web::web::Bytes;
use awc::http::StatusCode;
use chrono::{DateTime, TimeZone, Utc};
use futures_util::{Stream, StreamExt};
use scraper::{ElementRef, Html, Selector};

use crate::helpers::{Page, TestApp, plain_update};

/// Runs per test, each on a fresh app.
const RUNS: u64 = 5;
/// Steps (one desk or reader action each) per run.
const STEPS: usize = 220;
/// Updates a story may have: under the 50 of the first page, so a fresh
/// page shows every one of them.
const MOST_UPDATES: usize = 44;
/// Readers open at once, across both stories.
const MOST_READERS: usize = 8;
/// How long an open stream may keep a reader waiting for a change that
/// has been committed before it counts as silent.
const PATIENCE: Duration = Duration::from_secs(5);
/// Steps of history kept for a failure message.
const TRAIL: usize = 40;

#[actix_web::test]
async fn readers_of_desk_written_stories_always_catch_up_with_a_fresh_page() {
    for seed in seeds(0x5eed_0001) {
        let app = TestApp::spawn().await;
        let editor = app.create_editor("desk").await;
        let mut stories = Vec::new();
        for (tag, headline) in [("A", "Pickets at dawn"), ("B", "Talks resume at Acas")] {
            let slug = app.create_story(headline, editor).await;
            stories.push(Story::new(&app, slug, tag).await);
        }
        Run::new(&app, seed, editor, stories).play().await;
    }
}

#[actix_web::test]
async fn readers_of_the_imported_demo_and_a_desk_story_always_catch_up_with_a_fresh_page() {
    for seed in seeds(0x5eed_1001) {
        let app = TestApp::with_demo_content().await;
        let editor = app.create_editor("desk").await;
        let demo = Story::new(&app, "junior-doctors-strike-live".into(), "D").await;
        let slug = app.create_story("Talks resume at Acas", editor).await;
        let desk = Story::new(&app, slug, "B").await;
        Run::new(&app, seed, editor, vec![demo, desk]).play().await;
    }
}

/// The seeds to run: `LIVE_MODEL_SEED` alone when set, else [`RUNS`] from `first`.
fn seeds(first: u64) -> Vec<u64> {
    match std::env::var("LIVE_MODEL_SEED") {
        Ok(seed) => vec![parse_seed(&seed)],
        Err(_) => (first..first + RUNS).collect(),
    }
}

fn parse_seed(text: &str) -> u64 {
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    }
    .expect("LIVE_MODEL_SEED is a number (decimal or 0x hex)")
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

// ---------------------------------------------------------------------------
// What readers and pages show.

/// One update as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    id: i64,
    posted_at: DateTime<Utc>,
    /// The article's text, whitespace normalised.
    text: String,
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("valid selector")
}

fn normalised_text(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads an `article.update` as the page's script does: its id, its
/// posting time (the first `<time>`) and its text.
fn shown(article: ElementRef<'_>) -> Result<Shown, String> {
    let id = article
        .value()
        .attr("data-update-id")
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| format!("an update without data-update-id: {}", article.html()))?;
    let posted_at = article
        .select(&selector("time[datetime]"))
        .next()
        .and_then(|time| time.value().attr("datetime"))
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
        .ok_or_else(|| format!("update {id} has no <time datetime> of its posting"))?
        .with_timezone(&Utc);
    Ok(Shown {
        id,
        posted_at,
        text: normalised_text(article),
    })
}

/// The one `article.update` in an event's or a change's HTML.
fn article_in(html: &str) -> Result<Shown, String> {
    let fragment = Html::parse_fragment(html);
    let articles: Vec<_> = fragment.select(&selector("article.update")).collect();
    match articles.as_slice() {
        [article] => shown(*article),
        _ => Err(format!(
            "expected one article.update, found {}: {html}",
            articles.len()
        )),
    }
}

/// The story's state as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StoryState {
    /// `live`, `ended` or `none`.
    live_state: String,
    pinned: Option<i64>,
}

/// What a reader has on screen: updates newest first, and the story's
/// state once it knows it (a poller that started from nothing does not).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct View {
    updates: Vec<Shown>,
    state: Option<StoryState>,
}

impl View {
    /// Puts an update where the page's script puts it: in place of the one
    /// with its id, else by (posting time, id), newest first.
    fn put(&mut self, update: Shown) {
        self.remove(update.id);
        let key = (update.posted_at, update.id);
        let at = self
            .updates
            .iter()
            .position(|u| (u.posted_at, u.id) < key)
            .unwrap_or(self.updates.len());
        self.updates.insert(at, update);
    }

    fn remove(&mut self, id: i64) {
        self.updates.retain(|u| u.id != id);
    }

    /// What the reader sees: (id, text) in order, and the state, with the
    /// pinned update shown only while it is among the updates.
    fn seen(&self) -> (Vec<(i64, &str)>, Option<StoryState>) {
        let updates = self
            .updates
            .iter()
            .map(|u| (u.id, u.text.as_str()))
            .collect();
        let state = self.state.clone().map(|mut state| {
            state.pinned = state
                .pinned
                .filter(|id| self.updates.iter().any(|u| u.id == *id));
            state
        });
        (updates, state)
    }
}

/// A story page as the model reads it.
struct StoryPage {
    view: View,
    /// `data-cursor` of the live stream; `None` when the page is not live.
    cursor: Option<i64>,
    /// `data-events`: where the page's script opens its stream.
    events_url: String,
}

fn read_story_page(page: &Page) -> Result<StoryPage, String> {
    if page.status != StatusCode::OK {
        return Err(format!("story page answered {}", page.status));
    }
    let html = page.html();
    let updates = html
        .select(&selector(".update-stream article.update"))
        .map(shown)
        .collect::<Result<_, _>>()?;
    let has = |css: &str| html.select(&selector(css)).next().is_some();
    let live_state = if has(".live-badge") {
        "live"
    } else if has(".ended-badge") {
        "ended"
    } else {
        "none"
    };
    let pinned = page
        .attrs(".pinned a[href^='#update-']", "href")
        .first()
        .and_then(|href| href.trim_start_matches("#update-").parse().ok());
    let cursor = page
        .attrs(".update-stream[data-live]", "data-cursor")
        .first()
        .map(|c| c.parse().map_err(|_| format!("data-cursor {c:?}")))
        .transpose()?;
    let events_url = page
        .attrs(".update-stream[data-live]", "data-events")
        .pop()
        .unwrap_or_default();
    Ok(StoryPage {
        view: View {
            updates,
            state: Some(StoryState {
                live_state: live_state.into(),
                pinned,
            }),
        },
        cursor,
        events_url,
    })
}

/// One change as a reader is told of it, by the stream or by a poll.
enum Told {
    Update(Shown),
    Delete(i64),
    Story(StoryState),
    Reload,
}

impl Told {
    fn parse(event: &str, data: &str) -> Result<Told, String> {
        Ok(match event {
            "update" | "edit" => Told::Update(article_in(data)?),
            "delete" => Told::Delete(
                data.trim()
                    .parse()
                    .map_err(|_| format!("delete of {data:?}"))?,
            ),
            "story" => {
                let json: serde_json::Value =
                    serde_json::from_str(data).map_err(|e| format!("story {data:?}: {e}"))?;
                let change = json["change"].as_str().unwrap_or_default();
                if !["pin", "unpin", "end-live", "story"].contains(&change) {
                    return Err(format!("story change {change:?} in {data}"));
                }
                Told::Story(StoryState {
                    live_state: json["live_state"]
                        .as_str()
                        .ok_or_else(|| format!("story without live_state: {data}"))?
                        .into(),
                    pinned: json["pinned_update"].as_i64(),
                })
            }
            "reload" => Told::Reload,
            other => return Err(format!("unknown change {other:?}")),
        })
    }

    /// Applies the change to `view` (a reload the reader does itself).
    fn apply(self, view: &mut View) {
        match self {
            Told::Update(update) => view.put(update),
            Told::Delete(id) => view.remove(id),
            Told::Story(state) => view.state = Some(state),
            Told::Reload => {}
        }
    }
}

// ---------------------------------------------------------------------------
// The event stream, read as an `EventSource` reads it.

/// An open `text/event-stream` response. (A copy of `live.rs`'s reader that
/// splits frames on bytes, so a chunk ending inside a UTF-8 character is
/// fine, and tells a silent stream from an ended one.)
struct EventStream {
    body: Pin<Box<dyn Stream<Item = Result<Bytes, awc::error::PayloadError>>>>,
    buffer: Vec<u8>,
}

/// One SSE frame that names an event.
struct Frame {
    id: Option<String>,
    event: String,
    data: String,
}

enum Next {
    Frame(Frame),
    /// The server ended the response (or it broke): a browser reconnects.
    Ended,
    /// Nothing arrived within the wait.
    Silent,
}

impl EventStream {
    async fn open(app: &TestApp, path: &str, last_event_id: Option<i64>) -> Result<Self, String> {
        // One client per stream, as each page has its own connection; the
        // timeout also bounds the response body, so it is generous.
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(600))
            .finish();
        let mut request = client.get(app.url(path));
        if let Some(id) = last_event_id {
            request = request.insert_header(("Last-Event-ID", id.to_string()));
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("GET {path}: {e}"))?;
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if response.status() != StatusCode::OK || content_type != "text/event-stream" {
            return Err(format!(
                "GET {path} (Last-Event-ID {last_event_id:?}) answered {} {content_type}",
                response.status()
            ));
        }
        Ok(EventStream {
            body: Box::pin(response),
            buffer: Vec::new(),
        })
    }

    /// The next frame with an event (comments, heartbeats and `retry:` skipped).
    async fn next_within(&mut self, wait: Duration) -> Next {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let raw: Vec<u8> = self.buffer.drain(..end + 2).collect();
                if let Some(frame) = parse_frame(&String::from_utf8_lossy(&raw)) {
                    return Next::Frame(frame);
                }
            }
            match tokio::time::timeout_at(deadline, self.body.next()).await {
                Err(_elapsed) => return Next::Silent,
                Ok(Some(Ok(chunk))) => self.buffer.extend_from_slice(&chunk),
                Ok(None | Some(Err(_))) => return Next::Ended,
            }
        }
    }
}

fn parse_frame(raw: &str) -> Option<Frame> {
    let mut id = None;
    let mut event = None;
    let mut data = Vec::new();
    for line in raw.lines() {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "id" => id = Some(value.to_owned()),
            "event" => event = Some(value.to_owned()),
            "data" => data.push(value),
            _ => {}
        }
    }
    Some(Frame {
        id,
        event: event?,
        data: data.join("\n"),
    })
}

// ---------------------------------------------------------------------------
// Readers.

/// How a reader follows its story.
enum Way {
    /// A page with the event stream: `page_cursor` is the cursor its page
    /// was rendered at, `events_url` its `data-events`, `last_id` the last
    /// `id:` it received.
    Stream {
        page_cursor: i64,
        events_url: String,
        last_id: Option<i64>,
        connection: Option<Connection>,
    },
    /// A page without `EventSource`, polling from `cursor` (0: from nothing).
    Polling { cursor: i64 },
    /// A page that reloaded after live coverage ended: it follows nothing.
    Gone,
}

/// One open stream.
struct Connection {
    events: EventStream,
    /// The last cursor received on this connection.
    last: Option<i64>,
}

/// A reader of one story: what it has on screen and how it follows the story.
struct Reader {
    name: String,
    story: usize,
    view: View,
    way: Way,
    /// The cursor the reader's view was complete at (its page's, or its
    /// first poll's), when it knows one.
    complete_at: Option<i64>,
    /// Every cursor the reader was told of since `complete_at`.
    told: BTreeSet<i64>,
    /// Times the server ended this reader's stream (it then resumes).
    ended_by_server: u32,
    /// Changes told by the stream, and by polls.
    streamed: u32,
    polled: u32,
    /// Times it was told to reload.
    reloads: u32,
}

impl Reader {
    fn slug<'s>(&self, stories: &'s [Story]) -> &'s str {
        &stories[self.story].slug
    }

    /// The cursor the reader would resume from.
    fn position(&self) -> i64 {
        match &self.way {
            Way::Stream {
                page_cursor,
                last_id,
                ..
            } => last_id.unwrap_or(*page_cursor),
            Way::Polling { cursor } => *cursor,
            Way::Gone => 0,
        }
    }

    fn is_connected(&self) -> bool {
        matches!(
            self.way,
            Way::Stream {
                connection: Some(_),
                ..
            }
        )
    }

    /// The stream request a page makes: its `data-events` (which a browser
    /// keeps when it resumes; or the bare URL) and `Last-Event-ID` once it
    /// has received one.
    fn resume_request(&self, slug: &str, keep_since: bool) -> (String, Option<i64>) {
        let Way::Stream {
            events_url,
            last_id,
            ..
        } = &self.way
        else {
            unreachable!("only stream readers connect")
        };
        let path = if keep_since || last_id.is_none() {
            events_url.clone()
        } else {
            format!("/news/{slug}/events")
        };
        (path, *last_id)
    }

    fn connected(&mut self, events: EventStream) {
        if let Way::Stream { connection, .. } = &mut self.way {
            *connection = Some(Connection { events, last: None });
        }
    }

    fn disconnect(&mut self) {
        if let Way::Stream { connection, .. } = &mut self.way {
            *connection = None;
        }
    }

    /// Remembers a cursor the reader was told of: never one told before.
    fn remember(&mut self, seq: i64) -> Result<(), String> {
        if !self.told.insert(seq) {
            return Err(format!("{}: told of cursor {seq} twice", self.name));
        }
        Ok(())
    }

    /// Takes the cursor of a frame of the open stream: on one connection
    /// each is greater than the last.
    fn take_streamed(&mut self, seq: i64) -> Result<(), String> {
        let Way::Stream {
            last_id,
            connection: Some(connection),
            ..
        } = &mut self.way
        else {
            unreachable!("a frame comes from an open stream")
        };
        if let Some(last) = connection.last.filter(|last| seq <= *last) {
            return Err(format!(
                "{}: cursor {seq} after {last} on the same connection",
                self.name
            ));
        }
        connection.last = Some(seq);
        *last_id = Some(seq);
        self.streamed += 1;
        self.remember(seq)
    }

    /// Reads one frame from the open stream and applies it. `Ok(false)` when
    /// the stream ended (the caller resumes as a browser would).
    async fn read_frame(&mut self, app: &TestApp, slug: &str) -> Result<bool, String> {
        let Way::Stream {
            connection: Some(connection),
            ..
        } = &mut self.way
        else {
            return Ok(true);
        };
        let frame = match connection.events.next_within(PATIENCE).await {
            Next::Frame(frame) => frame,
            Next::Ended => {
                self.ended_by_server += 1;
                self.disconnect();
                return Ok(false);
            }
            Next::Silent => {
                return Err(format!(
                    "{}: silent stream: resumed at cursor {}, the story is at {}, and nothing came within {PATIENCE:?}",
                    self.name,
                    self.position(),
                    app.cursor(slug).await
                ));
            }
        };
        let told = Told::parse(&frame.event, &frame.data).map_err(|e| {
            format!(
                "{}: event {:?} id {:?}: {e}",
                self.name, frame.event, frame.id
            )
        })?;
        if let Told::Reload = told {
            self.reload(app, slug).await?;
            return Ok(true);
        }
        let seq: i64 = frame
            .id
            .as_deref()
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| {
                format!(
                    "{}: {} event without a cursor id: {:?}",
                    self.name, frame.event, frame.id
                )
            })?;
        self.take_streamed(seq)?;
        told.apply(&mut self.view);
        Ok(true)
    }

    /// Reads until the reader has every change up to `target`; a stream the
    /// server ends is resumed with `Last-Event-ID`, as a browser does.
    async fn catch_up(&mut self, app: &TestApp, slug: &str, target: i64) -> Result<(), String> {
        while self.is_connected() && self.position() < target {
            if !self.read_frame(app, slug).await? {
                if self.ended_by_server > 3 {
                    return Err(format!(
                        "{}: the server ended its stream {} times",
                        self.name, self.ended_by_server
                    ));
                }
                let (path, last) = self.resume_request(slug, true);
                self.connected(EventStream::open(app, &path, last).await?);
            }
        }
        Ok(())
    }

    /// Starts over from a fresh page, as the script does when told to reload.
    async fn reload(&mut self, app: &TestApp, slug: &str) -> Result<(), String> {
        let page = read_story_page(&app.get_page(&format!("/news/{slug}")).await)?;
        self.reloads += 1;
        self.view = page.view;
        let Some(cursor) = page.cursor else {
            self.way = Way::Gone;
            return Ok(());
        };
        self.complete_at = Some(cursor);
        self.told.clear();
        let polling = matches!(self.way, Way::Polling { .. });
        self.way = if polling {
            Way::Polling { cursor }
        } else {
            Way::Stream {
                page_cursor: cursor,
                events_url: page.events_url,
                last_id: None,
                connection: None,
            }
        };
        if !polling {
            let (path, last) = self.resume_request(slug, true);
            self.connected(EventStream::open(app, &path, last).await?);
        }
        Ok(())
    }

    fn poll_path(&self, slug: &str) -> String {
        format!("/news/{slug}/updates?after={}", self.position())
    }

    /// Applies a poll's answer and moves the cursor to its `Live-Cursor`.
    async fn polled(&mut self, app: &TestApp, slug: &str, page: &Page) -> Result<(), String> {
        let after = self.position();
        if page.status != StatusCode::OK {
            return Err(format!(
                "{}: poll after {after} answered {}",
                self.name, page.status
            ));
        }
        let next: i64 = page
            .header("live-cursor")
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| format!("{}: poll after {after} without a Live-Cursor", self.name))?;
        if after == 0 {
            // From nothing: the story's current updates, all at one cursor.
            self.view = View::default();
            self.told.clear();
            self.complete_at = (next > 0).then_some(next);
        }
        let html = page.html();
        let mut last = None;
        for change in html.select(&selector("[data-change]")) {
            let element = change.value();
            let kind = element.attr("data-change").unwrap_or_default();
            let data = match kind {
                "delete" => element.attr("data-update").unwrap_or_default().to_owned(),
                "story" => element.attr("data-story").unwrap_or_default().to_owned(),
                _ => change.inner_html(),
            };
            let told = Told::parse(kind, &data)
                .map_err(|e| format!("{}: poll after {after}: {e}", self.name))?;
            if let Told::Reload = told {
                return self.reload(app, slug).await;
            }
            let seq: i64 = element
                .attr("data-seq")
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| format!("{}: a {kind} change without data-seq", self.name))?;
            if after > 0 {
                if seq <= after || last.is_some_and(|last| seq <= last) {
                    return Err(format!(
                        "{}: poll after {after} gave cursor {seq} after {last:?}",
                        self.name
                    ));
                }
                self.remember(seq)?;
            }
            last = Some(seq);
            self.polled += 1;
            told.apply(&mut self.view);
        }
        if next < after || last.is_some_and(|last| next < last) {
            return Err(format!(
                "{}: poll after {after} up to {last:?} said to resume at {next}",
                self.name
            ));
        }
        self.way = Way::Polling { cursor: next };
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// The desk's side of the model.

/// One update as the desk left it.
struct Written {
    id: i64,
    posted_at: DateTime<Utc>,
    /// The text of the desk's latest version; `None` for imported updates.
    text: Option<String>,
}

/// A story as the desk has written it.
struct Story {
    slug: String,
    tag: &'static str,
    updates: Vec<Written>,
    pinned: Option<i64>,
    ended: bool,
    published: u32,
}

impl Story {
    /// Reads the story as it is (imported updates included) and, when it is
    /// not live yet, publishes a first update so that it is.
    async fn new(app: &TestApp, slug: String, tag: &'static str) -> Story {
        let page = read_story_page(&app.get_page(&format!("/news/{slug}")).await)
            .expect("the story page reads");
        let mut story = Story {
            updates: page
                .view
                .updates
                .iter()
                .map(|u| Written {
                    id: u.id,
                    posted_at: u.posted_at,
                    text: None,
                })
                .collect(),
            pinned: page.view.state.and_then(|s| s.pinned),
            slug,
            tag,
            ended: false,
            published: 0,
        };
        if page.cursor.is_none() {
            let (body, text) = story.next_body(1);
            let posted_at = Utc.with_ymd_and_hms(2016, 1, 12, 7, 0, 0).unwrap();
            let id = app
                .publish(&story.slug, plain_update(&body), posted_at)
                .await;
            story.updates.push(Written {
                id,
                posted_at,
                text: Some(text),
            });
        }
        story
    }

    /// A new update's Markdown and the text it shows.
    fn next_body(&mut self, version: u32) -> (String, String) {
        self.published += 1;
        body(self.tag, self.published, version)
    }

    /// The updates newest first, as the page orders them.
    fn in_page_order(&self) -> Vec<&Written> {
        let mut updates: Vec<&Written> = self.updates.iter().collect();
        updates.sort_by_key(|u| std::cmp::Reverse((u.posted_at, u.id)));
        updates
    }
}

/// The Markdown of version `version` of update `n`, and its text on the page.
fn body(tag: &str, n: u32, version: u32) -> (String, String) {
    (
        format!("Story {tag} update {n}, *version {version}*: pickets & talks, 3 < 4"),
        format!("Story {tag} update {n}, version {version}: pickets & talks, 3 < 4"),
    )
}

#[derive(Debug, Clone, Copy)]
enum DeskWork {
    Publish,
    Edit,
    Delete,
    Pin,
    Unpin,
    EndLive,
    /// A busy spell: more corrections in a row than a reader is replayed.
    Burst,
}

#[derive(Debug, Clone, Copy)]
enum ReaderAction {
    OpenStreamPage,
    OpenPollingPage,
    PollFromNothing,
    Connect,
    ConnectWhileTheDeskWrites,
    OpenPageWhileTheDeskWrites,
    PollWhileTheDeskWrites,
    Read,
    Disconnect,
    Poll,
}

/// One seeded run: an app, its stories, its readers.
struct Run<'a> {
    app: &'a TestApp,
    seed: u64,
    rng: Rng,
    editor: i64,
    stories: Vec<Story>,
    readers: Vec<Reader>,
    step: usize,
    trail: Vec<String>,
    checkpoints: u32,
    /// What the run did, to show it tested something.
    tally: Tally,
}

/// Counts of what a run did.
#[derive(Debug, Default)]
struct Tally {
    desk_work: std::collections::BTreeMap<String, u32>,
    /// Reader views compared with a fresh page.
    comparisons: u32,
    /// Changes readers were told of by a stream, and by a poll.
    streamed: u32,
    polled: u32,
    /// Streams the server ended (readers resumed them).
    ended_by_server: u32,
    /// Readers told to reload, too far behind to catch up change by change.
    reloads: u32,
}

impl<'a> Run<'a> {
    fn new(app: &'a TestApp, seed: u64, editor: i64, stories: Vec<Story>) -> Run<'a> {
        Run {
            app,
            seed,
            rng: Rng::new(seed),
            editor,
            stories,
            readers: Vec::new(),
            step: 0,
            trail: Vec::new(),
            checkpoints: 0,
            tally: Tally::default(),
        }
    }

    async fn play(mut self) {
        let mut next_checkpoint = 5 + self.rng.below(15);
        while self.step < STEPS {
            self.step += 1;
            if self.rng.chance(45) {
                self.desk_work().await;
            } else {
                self.reader_action().await;
            }
            if self.step >= next_checkpoint {
                self.checkpoint(false).await;
                next_checkpoint = self.step + 5 + self.rng.below(15);
            }
        }
        self.checkpoint(true).await;
        for reader in &self.readers {
            self.tally.streamed += reader.streamed;
            self.tally.polled += reader.polled;
            self.tally.ended_by_server += reader.ended_by_server;
            self.tally.reloads += reader.reloads;
        }
        println!("seed {:#x}: {:?}", self.seed, self.tally);
        assert!(
            self.checkpoints >= 3 && self.tally.comparisons > 10 && self.tally.streamed > 0,
            "seed {:#x}: a run that checks too little: {:?}",
            self.seed,
            self.tally
        );
    }

    fn note(&mut self, what: String) {
        if self.trail.len() == TRAIL {
            self.trail.remove(0);
        }
        self.trail.push(format!("step {}: {what}", self.step));
    }

    /// Fails the test with the seed and the steps that led here.
    fn check<T>(&self, result: Result<T, String>) -> T {
        result.unwrap_or_else(|problem| {
            panic!(
                "{problem}\nseed {:#x} (rerun alone with LIVE_MODEL_SEED={:#x}), step {}\nlast steps:\n  {}",
                self.seed,
                self.seed,
                self.step,
                self.trail.join("\n  ")
            )
        })
    }

    // --- the desk -----------------------------------------------------------

    /// One piece of desk work on a random story, through the desk's functions.
    async fn desk_work(&mut self) {
        let s = self.rng.below(self.stories.len());
        let late = self.step > STEPS * 3 / 4;
        let story = &self.stories[s];
        let count = story.updates.len();
        let mut choices = vec![(DeskWork::Publish, if count < MOST_UPDATES { 10 } else { 0 })];
        if count > 0 {
            choices.extend([
                (DeskWork::Edit, 6),
                (DeskWork::Delete, if count > 3 { 4 } else { 1 }),
                (DeskWork::Pin, 2),
            ]);
        }
        if story.pinned.is_some() {
            choices.push((DeskWork::Unpin, 1));
        }
        if late && !story.ended {
            choices.push((DeskWork::EndLive, 1));
        }
        if count > 0 && self.step > STEPS / 4 && !self.tally.desk_work.contains_key("Burst") {
            choices.push((DeskWork::Burst, 1));
        }
        choices.retain(|c| c.1 > 0);
        let work = self.rng.weighted(&choices);
        self.do_desk_work(s, work).await;
    }

    async fn do_desk_work(&mut self, s: usize, work: DeskWork) {
        let (app, editor) = (self.app, self.editor);
        let pick = self.rng.below(self.stories[s].updates.len().max(1));
        let story = &mut self.stories[s];
        let slug = story.slug.clone();
        let note = match work {
            DeskWork::Publish => {
                let posted_at = if !story.updates.is_empty() && self.rng.chance(20) {
                    // The same minute as another: the id decides the order.
                    story.updates[pick].posted_at
                } else {
                    let minute = self.rng.below(12 * 60) as i64;
                    Utc.with_ymd_and_hms(2016, 1, 12, 7, 0, 0).unwrap()
                        + chrono::Duration::minutes(minute)
                };
                let (markdown, text) = story.next_body(1);
                let id = app.publish(&slug, plain_update(&markdown), posted_at).await;
                story.updates.push(Written {
                    id,
                    posted_at,
                    text: Some(text),
                });
                format!("publish update {id} at {posted_at} on {slug}")
            }
            DeskWork::Edit => {
                let update = &mut story.updates[pick];
                let n = 1000 + self.rng.below(1000) as u32;
                let (markdown, text) = body(story.tag, n, self.step as u32);
                app.edit(&slug, update.id, &markdown, editor).await;
                update.text = Some(text);
                format!("edit update {} on {slug}", update.id)
            }
            DeskWork::Delete => {
                let id = story.updates.remove(pick).id;
                app.delete(&slug, id, editor).await;
                if story.pinned == Some(id) {
                    story.pinned = None;
                }
                format!("delete update {id} on {slug}")
            }
            DeskWork::Pin => {
                let id = story.updates[pick].id;
                app.pin(&slug, Some(id), editor).await;
                story.pinned = Some(id);
                format!("pin update {id} on {slug}")
            }
            DeskWork::Unpin => {
                app.pin(&slug, None, editor).await;
                story.pinned = None;
                format!("unpin on {slug}")
            }
            DeskWork::Burst => {
                // One more than the 100 changes a reader is replayed.
                for _ in 0..101 {
                    let pick = self.rng.below(story.updates.len());
                    let update = &mut story.updates[pick];
                    let n = 1000 + self.rng.below(1000) as u32;
                    let (markdown, text) = body(story.tag, n, self.step as u32);
                    app.edit(&slug, update.id, &markdown, editor).await;
                    update.text = Some(text);
                }
                format!("101 corrections on {slug}")
            }
            DeskWork::EndLive => {
                app.end_live(&slug, editor).await;
                story.ended = true;
                format!("end live coverage of {slug}")
            }
        };
        let cursor = app.cursor(&slug).await;
        *self.tally.desk_work.entry(format!("{work:?}")).or_default() += 1;
        self.note(format!("{note} (cursor {cursor})"));
    }

    // --- readers ------------------------------------------------------------

    async fn reader_action(&mut self) {
        let any_connected = self.readers.iter().any(Reader::is_connected);
        let any_disconnected = self.readers.iter().any(|r| {
            matches!(
                r.way,
                Way::Stream {
                    connection: None,
                    ..
                }
            )
        });
        let any_polling = self
            .readers
            .iter()
            .any(|r| matches!(r.way, Way::Polling { .. }));
        let room = self.readers.len() < MOST_READERS;
        let weight = |ok: bool, w: u32| if ok { w } else { 0 };
        let mut choices = vec![
            (ReaderAction::OpenStreamPage, weight(room, 6)),
            (ReaderAction::OpenPollingPage, weight(room, 2)),
            (ReaderAction::PollFromNothing, weight(room, 1)),
            (ReaderAction::OpenPageWhileTheDeskWrites, weight(room, 2)),
            (ReaderAction::Connect, weight(any_disconnected, 6)),
            (
                ReaderAction::ConnectWhileTheDeskWrites,
                weight(any_disconnected, 3),
            ),
            (ReaderAction::Read, weight(any_connected, 6)),
            (ReaderAction::Disconnect, weight(any_connected, 4)),
            (ReaderAction::Poll, weight(any_polling, 4)),
            (ReaderAction::PollWhileTheDeskWrites, weight(any_polling, 2)),
        ];
        choices.retain(|c| c.1 > 0);
        let action = self.rng.weighted(&choices);
        let result = self.do_reader_action(action).await;
        self.check(result);
    }

    /// A random reader for which `fits` holds.
    fn any_reader(&mut self, fits: impl Fn(&Reader) -> bool) -> usize {
        let fitting: Vec<usize> = (0..self.readers.len())
            .filter(|&r| fits(&self.readers[r]))
            .collect();
        fitting[self.rng.below(fitting.len())]
    }

    fn is_disconnected(reader: &Reader) -> bool {
        matches!(
            reader.way,
            Way::Stream {
                connection: None,
                ..
            }
        )
    }

    fn is_polling(reader: &Reader) -> bool {
        matches!(reader.way, Way::Polling { .. })
    }

    async fn do_reader_action(&mut self, action: ReaderAction) -> Result<(), String> {
        let app = self.app;
        match action {
            ReaderAction::OpenStreamPage | ReaderAction::OpenPollingPage => {
                let s = self.rng.below(self.stories.len());
                let page = app
                    .get_page(&format!("/news/{}", self.stories[s].slug))
                    .await;
                self.reader_from_page(s, &page, matches!(action, ReaderAction::OpenPollingPage))?;
            }
            ReaderAction::OpenPageWhileTheDeskWrites => {
                let s = self.rng.below(self.stories.len());
                let path = format!("/news/{}", self.stories[s].slug);
                let work = self.any_desk_work(s);
                let (page, ()) =
                    futures_util::join!(app.get_page(&path), self.do_desk_work(s, work));
                self.reader_from_page(s, &page, false)?;
            }
            ReaderAction::PollFromNothing => {
                let s = self.rng.below(self.stories.len());
                let name = format!("reader {} (polling from nothing)", self.readers.len());
                let mut reader = Reader {
                    name: name.clone(),
                    story: s,
                    view: View::default(),
                    way: Way::Polling { cursor: 0 },
                    complete_at: None,
                    told: BTreeSet::new(),
                    ended_by_server: 0,
                    streamed: 0,
                    polled: 0,
                    reloads: 0,
                };
                let slug = self.stories[s].slug.clone();
                let page = app.get_page(&reader.poll_path(&slug)).await;
                reader.polled(app, &slug, &page).await?;
                self.note(format!(
                    "{name} polls {slug} after=0, resumes at {}",
                    reader.position()
                ));
                self.readers.push(reader);
            }
            ReaderAction::Connect | ReaderAction::ConnectWhileTheDeskWrites => {
                let r = self.any_reader(Self::is_disconnected);
                let keep_since = self.rng.chance(50);
                let slug = self.readers[r].slug(&self.stories).to_owned();
                let (path, last) = self.readers[r].resume_request(&slug, keep_since);
                let events = if let ReaderAction::ConnectWhileTheDeskWrites = action {
                    let s = self.readers[r].story;
                    let work = self.any_desk_work(s);
                    let (events, ()) = futures_util::join!(
                        EventStream::open(app, &path, last),
                        self.do_desk_work(s, work)
                    );
                    events?
                } else {
                    EventStream::open(app, &path, last).await?
                };
                self.readers[r].connected(events);
                let name = self.readers[r].name.clone();
                self.note(format!("{name} connects: {path}, Last-Event-ID {last:?}"));
            }
            ReaderAction::Read => {
                let r = self.any_reader(Reader::is_connected);
                let slug = self.readers[r].slug(&self.stories).to_owned();
                let target = app.cursor(&slug).await;
                let pending = self.pending(r, target).await;
                let want = self.rng.below(pending.max(1) + 1).min(pending);
                let reader = &mut self.readers[r];
                for _ in 0..want {
                    // A reload may have brought it up to date already.
                    if reader.position() >= target || !reader.read_frame(app, &slug).await? {
                        break;
                    }
                }
                let (name, at) = (reader.name.clone(), reader.position());
                self.note(format!(
                    "{name} reads {want} of {pending} pending, now at {at}"
                ));
            }
            ReaderAction::Disconnect => {
                let r = self.any_reader(Reader::is_connected);
                self.readers[r].disconnect();
                let (name, at) = (self.readers[r].name.clone(), self.readers[r].position());
                self.note(format!("{name} disconnects at {at}"));
            }
            ReaderAction::Poll | ReaderAction::PollWhileTheDeskWrites => {
                let r = self.any_reader(Self::is_polling);
                let slug = self.readers[r].slug(&self.stories).to_owned();
                let path = self.readers[r].poll_path(&slug);
                let page = if let ReaderAction::PollWhileTheDeskWrites = action {
                    let s = self.readers[r].story;
                    let work = self.any_desk_work(s);
                    futures_util::join!(app.get_page(&path), self.do_desk_work(s, work)).0
                } else {
                    app.get_page(&path).await
                };
                self.readers[r].polled(app, &slug, &page).await?;
                let (name, at) = (self.readers[r].name.clone(), self.readers[r].position());
                self.note(format!("{name} polls {path}, resumes at {at}"));
            }
        }
        Ok(())
    }

    /// Desk work that changes story `s` without ending it (for the races).
    fn any_desk_work(&mut self, s: usize) -> DeskWork {
        let story = &self.stories[s];
        if story.updates.is_empty() || (story.updates.len() < MOST_UPDATES && self.rng.chance(50)) {
            DeskWork::Publish
        } else {
            self.rng
                .weighted(&[(DeskWork::Edit, 2), (DeskWork::Delete, 1)])
        }
    }

    /// A new reader with the page's updates: a stream reader not yet
    /// connected (the page's script has yet to run), or a poller. An ended
    /// story's page must not ask for live updates; no reader follows it.
    fn reader_from_page(&mut self, s: usize, page: &Page, polling: bool) -> Result<(), String> {
        let story_page = read_story_page(page)?;
        let slug = self.stories[s].slug.clone();
        let Some(cursor) = story_page.cursor else {
            if !self.stories[s].ended {
                return Err(format!("the page of live story {slug} has no live stream"));
            }
            self.note(format!(
                "a reader opens ended {slug}: no live stream, as it should be"
            ));
            return Ok(());
        };
        if self.stories[s].ended {
            return Err(format!(
                "the page of ended story {slug} still asks for live updates"
            ));
        }
        let kind = if polling { "polling" } else { "stream" };
        let name = format!("reader {} ({kind}) on {slug}", self.readers.len());
        self.note(format!("{name} opens the page at cursor {cursor}"));
        self.readers.push(Reader {
            name,
            story: s,
            view: story_page.view,
            way: if polling {
                Way::Polling { cursor }
            } else {
                Way::Stream {
                    page_cursor: cursor,
                    events_url: story_page.events_url,
                    last_id: None,
                    connection: None,
                }
            },
            complete_at: Some(cursor),
            told: BTreeSet::new(),
            ended_by_server: 0,
            streamed: 0,
            polled: 0,
            reloads: 0,
        });
        Ok(())
    }

    /// How many changes of reader `r`'s story it has yet to be told of, up to `target`.
    async fn pending(&self, r: usize, target: i64) -> usize {
        let reader = &self.readers[r];
        let changes = self.story_changes(reader.story).await;
        between(&changes, reader.position(), target).count()
    }

    /// The cursors of every change of story `s`, from the change log.
    async fn story_changes(&self, s: usize) -> BTreeSet<i64> {
        let story = self.app.story(&self.stories[s].slug).await;
        let mut conn = self.app.room.db.acquire().await.unwrap();
        newsdesk::db::live_changes::after(&mut conn, Some(story.id), 0, 100_000)
            .await
            .expect("the change log reads")
            .into_iter()
            .map(|change| change.seq)
            .collect()
    }

    // --- checkpoints --------------------------------------------------------

    /// Brings every following reader up to the story's latest change and
    /// compares it with a fresh page; at the end, readers that were away
    /// come back first.
    async fn checkpoint(&mut self, last: bool) {
        self.checkpoints += 1;
        let app = self.app;
        if last {
            for r in 0..self.readers.len() {
                if Self::is_disconnected(&self.readers[r]) {
                    let slug = self.readers[r].slug(&self.stories).to_owned();
                    let (path, id) = self.readers[r].resume_request(&slug, true);
                    let events = EventStream::open(app, &path, id).await;
                    let events = self.check(events);
                    self.readers[r].connected(events);
                }
            }
        }
        for s in 0..self.stories.len() {
            let slug = self.stories[s].slug.clone();
            let target = app.cursor(&slug).await;
            self.note(format!(
                "checkpoint {} of {slug} at cursor {target}",
                self.checkpoints
            ));
            let fresh = read_story_page(&app.get_page(&format!("/news/{slug}")).await);
            let fresh = self.check(fresh);
            let page_matches_desk = self.page_matches_desk(s, &fresh);
            self.check(page_matches_desk);
            let changes = self.story_changes(s).await;
            for r in 0..self.readers.len() {
                if self.readers[r].story != s {
                    continue;
                }
                let caught_up = self.bring_up_to_date(r, &slug, target).await;
                self.check(caught_up);
                let reader = &self.readers[r];
                if Self::is_disconnected(reader) || matches!(reader.way, Way::Gone) {
                    continue;
                }
                let same = shows_the_page(&reader.view, &fresh.view);
                self.tally.comparisons += 1;
                let told_everything = reader_told_everything(reader, &changes, target);
                let mismatch = (!same).then(|| {
                    format!(
                        "{} does not show what a fresh page of {slug} shows at cursor {target}:\n{}",
                        reader.name,
                        difference(&reader.view, &fresh.view)
                    )
                });
                self.check(mismatch.map_or(told_everything, Err));
            }
        }
    }

    async fn bring_up_to_date(&mut self, r: usize, slug: &str, target: i64) -> Result<(), String> {
        let app = self.app;
        let reader = &mut self.readers[r];
        match reader.way {
            Way::Polling { .. } => {
                let page = app.get_page(&reader.poll_path(slug)).await;
                reader.polled(app, slug, &page).await
            }
            Way::Stream { .. } => reader.catch_up(app, slug, target).await,
            Way::Gone => Ok(()),
        }
    }

    /// The fresh page shows what the desk wrote: its updates in order with
    /// their latest text, the pin and the live state.
    fn page_matches_desk(&self, s: usize, page: &StoryPage) -> Result<(), String> {
        let story = &self.stories[s];
        let expected: Vec<i64> = story.in_page_order().iter().map(|u| u.id).collect();
        let shown: Vec<i64> = page.view.updates.iter().map(|u| u.id).collect();
        if shown != expected {
            return Err(format!(
                "the page of {} shows updates {shown:?}; the desk left {expected:?}",
                story.slug
            ));
        }
        for (written, on_page) in story.in_page_order().iter().zip(&page.view.updates) {
            if let Some(text) = &written.text
                && !on_page.text.contains(text.as_str())
            {
                return Err(format!(
                    "update {} of {} reads {:?}, not the desk's {text:?}",
                    written.id, story.slug, on_page.text
                ));
            }
        }
        let expected_state = StoryState {
            live_state: if story.ended { "ended" } else { "live" }.into(),
            pinned: story.pinned,
        };
        if page.view.state.as_ref() != Some(&expected_state) {
            return Err(format!(
                "the page of {} shows {:?}; the desk left {expected_state:?}",
                story.slug, page.view.state
            ));
        }
        Ok(())
    }
}

/// The cursors of `changes` after `after`, up to `up_to`.
fn between(changes: &BTreeSet<i64>, after: i64, up_to: i64) -> impl Iterator<Item = i64> + '_ {
    changes
        .iter()
        .copied()
        .filter(move |c| (after + 1..=up_to).contains(c))
}

/// A reader up to date was told of every change of its story after the
/// cursor its view was complete at, each once.
fn reader_told_everything(
    reader: &Reader,
    changes: &BTreeSet<i64>,
    target: i64,
) -> Result<(), String> {
    let Some(start) = reader.complete_at else {
        return Ok(());
    };
    let expected: BTreeSet<i64> = between(changes, start, target).collect();
    if reader.told != expected {
        let missed: Vec<_> = expected.difference(&reader.told).collect();
        let extra: Vec<_> = reader.told.difference(&expected).collect();
        return Err(format!(
            "{} was not told each change after cursor {start} up to {target} once: missed {missed:?}, not of this story or beyond {target}: {extra:?}",
            reader.name
        ));
    }
    Ok(())
}

/// Whether a reader shows what the page shows: the same updates in the same
/// order, and the same story state when the reader knows it.
fn shows_the_page(reader: &View, page: &View) -> bool {
    let (reader_updates, reader_state) = reader.seen();
    let (page_updates, page_state) = page.seen();
    reader_updates == page_updates && (reader_state.is_none() || reader_state == page_state)
}

/// The reader's view and the page's, side by side where they differ.
fn difference(reader: &View, page: &View) -> String {
    let (reader_updates, reader_state) = reader.seen();
    let (page_updates, page_state) = page.seen();
    let mut out = String::new();
    if reader_state.is_some() && reader_state != page_state {
        let _ = writeln!(out, "  state: reader {reader_state:?}, page {page_state:?}");
    }
    for n in 0..reader_updates.len().max(page_updates.len()) {
        let (mine, theirs) = (reader_updates.get(n), page_updates.get(n));
        if mine != theirs {
            let _ = writeln!(out, "  #{n}: reader {mine:?}\n       page   {theirs:?}");
        }
    }
    out
}
