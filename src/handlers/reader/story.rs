//! The story page: headline, body, and its live updates, a page of 50 at a
//! time in either order, with key events, the pinned update and structured data.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::super::respond::{self, HTML, Rendered};
use super::figures::{FiguresPanel, figures_panel};
use super::structured_data::story_json_ld;
use crate::Newsroom;
use crate::content::{SafeHtml, embeds};
use crate::csp::PagePolicy;
use crate::db::stories::{StoryPageHead, StoryRow, StorySummary};
use crate::db::updates::{PageStart, UpdateOrder};
use crate::db::{self, topics::TopicRow};
use crate::domain::Slug;
use crate::error::{AppError, AppResult};
use crate::filters;
use crate::handlers::lookup::parse_update_id;
use crate::site::Site;
use crate::surrogate::SurrogateKey;
use crate::urls;
use crate::views::{SocialImage, UpdateView, lead_photos};

/// Live updates per page: a story with thousands of them stays one fast page.
pub const UPDATES_PER_PAGE: i64 = 50;
const RELATED_STORIES: i64 = 5;
/// Prefix of the ids in the pinned copy of an update.
const PINNED_ID_PREFIX: &str = "pinned-";
/// A pinned update longer than this (in Markdown bytes) starts collapsed.
const PINNED_COLLAPSE_BYTES: usize = 600;

#[derive(Deserialize)]
pub struct StoryQuery {
    /// Newest first (default) or `oldest`.
    order: Option<String>,
    /// Newest-first pages: the updates older than this one.
    before: Option<String>,
    /// Oldest-first pages: the updates newer than this one.
    after: Option<String>,
    /// A permalink: the page that holds this update.
    update: Option<String>,
}

/// A key event in the list at the top, linking to its update wherever it is.
pub struct KeyEvent {
    pub posted_at: DateTime<Utc>,
    pub summary: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "reader/story.html")]
pub struct StoryPage {
    /// The publication, for the shared layout.
    pub site: Arc<Site>,
    pub story: StoryRow,
    pub body: SafeHtml,
    pub topics: Vec<TopicRow>,
    pub updates: Vec<UpdateView>,
    pub key_events: Vec<KeyEvent>,
    pub pinned: Option<(UpdateView, bool)>,
    pub oldest_first: bool,
    /// Link to the next page in this order, when there is one.
    pub next_page: Option<String>,
    /// Whether this is the first page in its order (the live end, newest first).
    pub first_page: bool,
    /// The cursor of the story's latest change (`db::live_changes`): where
    /// the live stream and polling resume.
    pub latest_change: i64,
    pub related: Vec<StorySummary>,
    pub json_ld: SafeHtml,
    /// Its lead photo, for social cards: `og:image` and the Twitter card.
    pub social_image: Option<SocialImage>,
    pub site_url: String,
    pub figures: FiguresPanel,
}

impl StoryPage {
    pub fn is_live(&self) -> bool {
        self.story.live_state.is_live()
    }

    pub fn has_ended(&self) -> bool {
        self.story.live_state.has_ended()
    }

    /// New updates slide in only where they belong: the top of the first newest-first page.
    pub fn receives_live_updates(&self) -> bool {
        self.is_live() && self.first_page && !self.oldest_first
    }

    /// Whether the page shows a video facade (in the body, the pinned
    /// update or an update on this page).
    pub fn shows_video(&self) -> bool {
        let pinned = self.pinned.iter().map(|(update, _)| &update.html);
        std::iter::once(&self.body)
            .chain(pinned)
            .chain(self.updates.iter().map(|u| &u.html))
            .any(|html| embeds::shows_video(html.as_str()))
    }

    /// Its Content-Security-Policy: the video players' frames are allowed
    /// where a facade is shown, and where live updates may bring one.
    pub fn policy(&self) -> PagePolicy {
        if self.shows_video() || self.receives_live_updates() {
            PagePolicy::VideoPlayers
        } else {
            PagePolicy::Default
        }
    }

    /// What the page shows: the story, the stories it calls related, and
    /// its topics, where a newly filed story may become related.
    fn keys(&self) -> Vec<SurrogateKey> {
        std::iter::once(SurrogateKey::Story(self.story.id))
            .chain(self.related.iter().map(|s| SurrogateKey::Story(s.id)))
            .chain(
                self.topics
                    .iter()
                    .map(|t| SurrogateKey::Topic(t.slug.clone())),
            )
            .collect()
    }
}

/// What a story page request asks for, parsed and normalised: the page's
/// order and where it starts. It is the only input of the render besides the
/// slug, so it also names the page in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PageRequest {
    order: UpdateOrder,
    /// Past this update (`?before=` newest first, `?after=` oldest first).
    cursor: Option<i64>,
    /// The page holding this update (`?update=`), when there is no cursor.
    permalink: Option<i64>,
}

impl PageRequest {
    /// Reads the query; 400 on nonsense. Parameters that the order does not
    /// use are dropped here, so they cannot make pages of their own.
    fn parse(query: &StoryQuery) -> AppResult<PageRequest> {
        let order = match query.order.as_deref() {
            None | Some("newest") => UpdateOrder::NewestFirst,
            Some("oldest") => UpdateOrder::OldestFirst,
            Some(other) => {
                return Err(AppError::BadRequest(format!(
                    "order is newest or oldest, not “{other}”."
                )));
            }
        };
        let cursor = match order {
            UpdateOrder::NewestFirst => query
                .before
                .as_deref()
                .map(|b| parse_update_id("before", b)),
            UpdateOrder::OldestFirst => query.after.as_deref().map(|a| parse_update_id("after", a)),
        }
        .transpose()?;
        let permalink = query
            .update
            .as_deref()
            .map(|u| parse_update_id("update", u))
            .transpose()?;
        Ok(PageRequest {
            order,
            cursor,
            permalink: if cursor.is_some() { None } else { permalink },
        })
    }

    /// The page's name in the cache.
    fn cache_key(&self, slug: &str) -> String {
        format!("{} {self:?}", urls::story(slug))
    }
}

/// `GET /news/{slug}`: a story with a page of its live updates.
pub async fn story_page(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: Slug,
    query: web::Query<StoryQuery>,
) -> AppResult<HttpResponse> {
    let request = PageRequest::parse(&query)?;
    let PageRequest {
        order,
        cursor,
        permalink,
    } = request;
    respond::cached(
        &req,
        &room,
        request.cache_key(slug.as_str()),
        HTML,
        || async {
            let mut conn = room.db.acquire().await?;
            // The cursor is read before the updates: a change committed while
            // the page renders is then replayed to it rather than missed.
            let StoryPageHead {
                story,
                latest_change,
                coverage_start,
            } = match db::stories::page_head(&mut conn, slug.as_str()).await? {
                Some(head) if head.story.status.is_published() => head,
                _ => return Err(AppError::NotFound),
            };
            let coverage_start = coverage_start.map(|at| at.to_rfc3339());
            let start = page_start(&mut conn, story.id, order, cursor, permalink).await?;
            let (updates, next_page) = updates_page(&mut conn, &story, order, start).await?;
            let social_image = lead_photos(
                &mut conn,
                [(story.lead_photo_id, story.lead_photo_alt.as_str())],
            )
            .await?
            .pop()
            .flatten()
            .and_then(|photo| photo.social_image(&room.site_url));
            let page = StoryPage {
                site: room.site.clone(),
                topics: db::topics::for_story(&mut conn, story.id).await?,
                related: db::stories::related(&mut conn, story.id, RELATED_STORIES).await?,
                latest_change,
                json_ld: story_json_ld(
                    &story,
                    &updates,
                    &room.site_url,
                    &room.site.name,
                    coverage_start,
                    social_image.as_ref(),
                ),
                social_image,
                figures: figures_panel(&mut conn, &story).await?,
                key_events: key_events(&mut conn, &story, &updates).await?,
                pinned: pinned(&mut conn, &story).await?,
                body: SafeHtml::from_stored(story.body_html.clone()),
                site_url: room.site_url.to_string(),
                first_page: matches!(start, PageStart::First | PageStart::Skip(0)),
                oldest_first: order == UpdateOrder::OldestFirst,
                story,
                updates,
                next_page,
            };
            Ok(Rendered {
                keys: page.keys(),
                policy: page.policy(),
                body: page.render()?,
            })
        },
    )
    .await
}

/// Where the page starts: past the cursor, at the page holding a permalinked
/// update (the first page if it is gone), or at the beginning.
async fn page_start(
    conn: &mut db::Connection,
    story_id: i64,
    order: UpdateOrder,
    cursor: Option<i64>,
    permalink: Option<i64>,
) -> AppResult<PageStart> {
    Ok(match (cursor, permalink) {
        (Some(id), _) => PageStart::Past(id),
        (None, Some(id)) => match db::updates::position(conn, story_id, id, order).await? {
            Some(position) => PageStart::Skip(position / UPDATES_PER_PAGE * UPDATES_PER_PAGE),
            None => PageStart::First,
        },
        (None, None) => PageStart::First,
    })
}

/// One page of updates, and the link to the next page when there is one.
async fn updates_page(
    conn: &mut db::Connection,
    story: &StoryRow,
    order: UpdateOrder,
    start: PageStart,
) -> AppResult<(Vec<UpdateView>, Option<String>)> {
    let mut rows = db::updates::page(conn, story.id, order, start, UPDATES_PER_PAGE + 1).await?;
    let has_more = rows.len() as i64 > UPDATES_PER_PAGE;
    rows.truncate(UPDATES_PER_PAGE as usize);
    let next_page = has_more.then(|| {
        let last = rows.last().map_or(0, |r| r.id);
        match order {
            UpdateOrder::OldestFirst => urls::story_oldest_after(&story.slug, last),
            UpdateOrder::NewestFirst => urls::story_newest_before(&story.slug, last),
        }
    });
    let updates = rows
        .into_iter()
        .map(|row| UpdateView::new(&story.slug, row))
        .collect();
    Ok((updates, next_page))
}

/// Every key event of the story, linked in-page when it is on this page and
/// to the page that holds it otherwise.
async fn key_events(
    conn: &mut db::Connection,
    story: &StoryRow,
    on_page: &[UpdateView],
) -> AppResult<Vec<KeyEvent>> {
    let rows = db::updates::key_events(conn, story.id).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let href = if on_page.iter().any(|u| u.id == row.id) {
                urls::update_anchor(row.id)
            } else {
                urls::update(&story.slug, row.id)
            };
            KeyEvent {
                posted_at: row.posted_at,
                summary: row.summary,
                href,
            }
        })
        .collect())
}

/// The pinned update, if any, and whether it is long enough to start collapsed.
async fn pinned(
    conn: &mut db::Connection,
    story: &StoryRow,
) -> AppResult<Option<(UpdateView, bool)>> {
    let Some(id) = story.pinned_update_id else {
        return Ok(None);
    };
    let row = db::updates::find_live(conn, story.id, id).await?;
    Ok(row.map(|row| {
        let collapsed = row.body_md.len() > PINNED_COLLAPSE_BYTES;
        let mut view = UpdateView::new(&story.slug, row);
        // The pinned copy sits on the page beside the update itself: its ids
        // (footnotes) get a prefix of their own so that none is there twice.
        view.html = SafeHtml::sanitise(view.html.as_str(), PINNED_ID_PREFIX);
        (view, collapsed)
    }))
}
