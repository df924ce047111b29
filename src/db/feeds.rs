//! What feeds, sitemaps and WebSub pings read: published stories in full,
//! deleted updates (for Atom tombstones) and a story's feed names.

use chrono::{DateTime, Utc};

use super::Connection;
use super::json_rows;
use super::stories::{SUMMARY_COLUMNS, StorySummary};
use crate::domain::StoryStatus;

/// A live update taken down, as an Atom tombstone names it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeletedUpdate {
    pub id: i64,
    pub deleted_at: DateTime<Utc>,
}

/// A published story as a feed lists it: everything but its Markdown.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct FeedStoryRow {
    pub id: i64,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    pub byline: String,
    pub body_html: String,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub lead_photo_id: Option<i64>,
    pub lead_photo_alt: String,
}

/// [`FeedStoryRow`]'s columns.
const FEED_STORY_FIELDS: &[&str] = &[
    "id",
    "slug",
    "headline",
    "standfirst",
    "byline",
    "body_html",
    "published_at",
    "updated_at",
    "lead_photo_id",
    "lead_photo_alt",
];

/// Published stories newest first; only those filed under `topic_id` when given.
pub async fn published_stories(
    conn: &mut Connection,
    topic_id: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<FeedStoryRow>> {
    let columns = FEED_STORY_FIELDS
        .iter()
        .map(|field| format!("s.{field}"))
        .collect::<Vec<_>>()
        .join(", ");
    // Two fixed statements rather than `?1 IS NULL OR …`: a topic's feed
    // walks that topic's `story_topics_newest` entries and stops at the
    // limit, where the shared statement walked every published story newest
    // first and probed each one's topics.
    let select = match topic_id {
        None => format!(
            "SELECT {columns} FROM stories s
             WHERE s.status = 'published'
             ORDER BY s.published_at DESC, s.id DESC LIMIT ?2"
        ),
        Some(_) => format!(
            "SELECT {columns}
             FROM story_topics st JOIN stories s ON s.id = st.story_id
             WHERE st.topic_id = ?1 AND st.status = 'published'
             ORDER BY st.published_at DESC, st.story_id DESC LIMIT ?2"
        ),
    };
    let statement =
        json_rows::as_json_array(&select, FEED_STORY_FIELDS, "published_at DESC, id DESC");
    json_rows::fetch(
        conn,
        sqlx::query_scalar(sqlx::AssertSqlSafe(statement))
            .bind(topic_id)
            .bind(limit),
    )
    .await
}

/// Published stories first published at or after `since`, newest first:
/// what the news sitemap lists.
pub async fn news_sitemap_stories(
    conn: &mut Connection,
    since: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<StorySummary>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLUMNS} FROM stories s
         WHERE s.status = 'published' AND s.published_at >= ?1
         ORDER BY s.published_at DESC, s.id DESC LIMIT ?2"
    )))
    .bind(since)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// A published story as a sitemap page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SitemapEntry {
    pub slug: String,
    pub updated_at: DateTime<Utc>,
}

/// A page of the sitemap: the stories whose ids fall in its range.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SitemapPage {
    /// Counted from 1: ids `(number - 1) * size + 1` to `number * size`.
    pub number: i64,
    /// The last change to any published story in it.
    pub updated_at: DateTime<Utc>,
}

/// The sitemap's pages of `size` story ids that hold a published story.
/// Pages are fixed ranges of ids, so a story stays on its page for good
/// and at most `size` stories share one. Reads only the
/// `stories_for_sitemap` index.
pub async fn sitemap_pages(conn: &mut Connection, size: i64) -> sqlx::Result<Vec<SitemapPage>> {
    sqlx::query_as(
        "SELECT (id - 1) / ?1 + 1 AS number, MAX(updated_at) AS updated_at
         FROM stories INDEXED BY stories_for_sitemap
         WHERE status = 'published'
         GROUP BY number ORDER BY number",
    )
    .bind(size)
    .fetch_all(conn)
    .await
}

/// The published stories of sitemap page `number` (pages of `size` ids), by id:
/// one range search of the `stories_for_sitemap` index.
pub async fn sitemap_page(
    conn: &mut Connection,
    number: i64,
    size: i64,
) -> sqlx::Result<Vec<SitemapEntry>> {
    sqlx::query_as(
        "SELECT slug, updated_at FROM stories INDEXED BY stories_for_sitemap
         WHERE status = 'published' AND id > (?1 - 1) * ?2 AND id <= ?1 * ?2
         ORDER BY id",
    )
    .bind(number)
    .bind(size)
    .fetch_all(conn)
    .await
}

/// A story's deleted updates, most recently deleted first.
pub async fn deleted_updates(
    conn: &mut Connection,
    story_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<DeletedUpdate>> {
    sqlx::query_as(
        "SELECT id, deleted_at FROM updates
         WHERE story_id = ? AND deleted_at IS NOT NULL
         ORDER BY deleted_at DESC, id DESC LIMIT ?",
    )
    .bind(story_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The names a story's feeds are built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryFeedNames {
    pub slug: String,
    pub published: bool,
    /// Slugs of the topics it is filed under.
    pub topics: Vec<String>,
}

/// The feed names of story `story_id`, if it exists.
pub async fn story_feed_names(
    conn: &mut Connection,
    story_id: i64,
) -> sqlx::Result<Option<StoryFeedNames>> {
    let story: Option<(String, StoryStatus)> =
        sqlx::query_as("SELECT slug, status FROM stories WHERE id = ?")
            .bind(story_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((slug, status)) = story else {
        return Ok(None);
    };
    let topics = super::topics::for_story(conn, story_id).await?;
    Ok(Some(StoryFeedNames {
        slug,
        published: status.is_published(),
        topics: topics.into_iter().map(|t| t.slug).collect(),
    }))
}
