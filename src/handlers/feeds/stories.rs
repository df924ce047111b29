//! Feeds of stories: `/feed.xml` and `/atom.xml`, the latest stories
//! site-wide, and `/topics/{slug}/feed.xml`, one topic's.

use actix_web::{HttpRequest, HttpResponse, web};
use atom_syndication as atom;
use chrono::{DateTime, Utc};

use super::document::{
    FeedHead, alternate, atom_feed, creator, html_content, person, write_atom, write_rss,
};
use super::enclosure::FeedPhoto;
use super::markup::absolute_html;
use super::{ATOM, RSS, absolute};
use crate::content::SafeHtml;
use crate::db::{self, Connection, feeds::FeedStoryRow, topics::TopicRow};
use crate::domain::Slug;
use crate::error::{AppError, AppResult};
use crate::handlers::respond;
use crate::surrogate::{SurrogateKey, listing};
use crate::views::lead_photos;
use crate::{Newsroom, urls};

/// Stories in each feed: enough that a reader polling now and then misses none.
const FEED_STORIES: i64 = 50;

/// A published story as a feed lists it.
struct FeedStory {
    story: FeedStoryRow,
    topics: Vec<TopicRow>,
    /// Its page, which is also its id.
    url: String,
    /// Its body with absolute links.
    html: SafeHtml,
    /// Its lead photo, enclosed in its entry.
    photo: Option<FeedPhoto>,
}

/// `GET /feed.xml`: RSS 2.0 of the latest published stories.
pub async fn site_rss(req: HttpRequest, room: web::Data<Newsroom>) -> AppResult<HttpResponse> {
    respond::cached_dated(&req, &room, urls::SITE_RSS.to_owned(), RSS, || async {
        let mut conn = room.db.acquire().await?;
        let stories = load(&room, &mut conn, None).await?;
        let head = site_head(&room, urls::SITE_RSS, &stories);
        Ok(
            write_rss(head, stories.into_iter().map(rss_item).collect())?
                .showing(vec![SurrogateKey::Feeds]),
        )
    })
    .await
}

/// `GET /atom.xml`: Atom 1.0 of the latest published stories.
pub async fn site_atom(req: HttpRequest, room: web::Data<Newsroom>) -> AppResult<HttpResponse> {
    respond::cached_dated(&req, &room, urls::SITE_ATOM.to_owned(), ATOM, || async {
        let mut conn = room.db.acquire().await?;
        let stories = load(&room, &mut conn, None).await?;
        let head = site_head(&room, urls::SITE_ATOM, &stories);
        Ok(write_atom(&atom_feed(
            head,
            stories.into_iter().map(atom_entry).collect(),
        ))?
        .showing(vec![SurrogateKey::Feeds]))
    })
    .await
}

/// `GET /topics/{slug}/feed.xml`: RSS 2.0 of a topic's published stories.
pub async fn topic_rss(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: Slug,
) -> AppResult<HttpResponse> {
    respond::cached_dated(&req, &room, urls::topic_rss(slug.as_str()), RSS, || async {
        let mut conn = room.db.acquire().await?;
        let topic = db::topics::find_by_slug(&mut conn, slug.as_str())
            .await?
            .ok_or(AppError::NotFound)?;
        let stories = load(&room, &mut conn, Some(topic.id)).await?;
        let self_path = urls::topic_rss(&topic.slug);
        let mut head = FeedHead::new(
            &room,
            &urls::topic(&topic.slug),
            &self_path,
            newest(&stories),
        );
        let site = &room.site.name;
        head.title = format!("{}: {site}", topic.name);
        head.description = format!("The latest {site} stories on {}.", topic.name);
        let mut keys = listing(
            SurrogateKey::Topic(topic.slug),
            stories.iter().map(|s| s.story.id),
        );
        // Each item names its story's topics too: renaming one of them (a
        // save of any story filed there) changes this feed.
        let categories = stories.iter().flat_map(|s| &s.topics);
        keys.extend(categories.map(|t| SurrogateKey::Topic(t.slug.clone())));
        keys.sort();
        keys.dedup();
        Ok(write_rss(head, stories.into_iter().map(rss_item).collect())?.showing(keys))
    })
    .await
}

/// The latest published stories, of one topic when given, with their topics.
async fn load(
    room: &Newsroom,
    conn: &mut Connection,
    topic_id: Option<i64>,
) -> AppResult<Vec<FeedStory>> {
    let rows = db::feeds::published_stories(conn, topic_id, FEED_STORIES).await?;
    let leads = rows
        .iter()
        .map(|s| (s.lead_photo_id, s.lead_photo_alt.as_str()));
    let photos = lead_photos(conn, leads).await?;
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let mut topics = db::topics::for_stories(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .zip(photos)
        .map(|(story, lead_photo)| FeedStory {
            topics: topics.remove(&story.id).unwrap_or_default(),
            url: absolute(room, &urls::story(&story.slug)),
            html: absolute_html(&room.site_url, &story.body_html),
            photo: lead_photo.and_then(|photo| FeedPhoto::of(&photo, &room.site_url)),
            story,
        })
        .collect())
}

fn site_head(room: &Newsroom, self_path: &str, stories: &[FeedStory]) -> FeedHead {
    let mut head = FeedHead::new(room, urls::HOME, self_path, newest(stories));
    head.title = room.site.name.clone();
    head.description = room.site.description.clone();
    head
}

/// The last change to any listed story; the epoch for an empty feed, so that
/// it too has a time that only changes with its content.
fn newest(stories: &[FeedStory]) -> DateTime<Utc> {
    stories
        .iter()
        .map(|s| s.story.updated_at)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

fn rss_item(listed: FeedStory) -> rss::Item {
    let FeedStory {
        story,
        topics,
        url,
        html,
        photo,
    } = listed;
    let mut item = rss::Item {
        title: Some(story.headline),
        link: Some(url.clone()),
        // Readers render an RSS description as HTML; the standfirst is plain text.
        description: Some(SafeHtml::from_text(&story.standfirst).into_string()),
        guid: Some(rss::Guid {
            value: url,
            permalink: true,
        }),
        pub_date: Some(story.published_at.to_rfc2822()),
        content: Some(html.into_string()),
        categories: topics
            .into_iter()
            .map(|t| rss::Category {
                name: t.name,
                domain: None,
            })
            .collect(),
        dublin_core_ext: Some(creator(&story.byline)),
        ..rss::Item::default()
    };
    if let Some(photo) = photo {
        photo.enclose_in(&mut item);
    }
    item
}

fn atom_entry(listed: FeedStory) -> atom::Entry {
    let FeedStory {
        story,
        topics,
        url,
        html,
        photo,
    } = listed;
    let mut links = vec![alternate(&url)];
    links.extend(photo.map(FeedPhoto::atom_link));
    atom::Entry {
        title: atom::Text::plain(story.headline),
        links,
        id: url,
        updated: story.updated_at.fixed_offset(),
        published: Some(story.published_at.fixed_offset()),
        authors: vec![person(&story.byline)],
        categories: topics
            .into_iter()
            .map(|t| atom::Category {
                term: t.slug,
                scheme: None,
                label: Some(t.name),
            })
            .collect(),
        summary: Some(atom::Text::plain(story.standfirst)),
        content: Some(html_content(html)),
        ..atom::Entry::default()
    }
}
