use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::super::respond::{self, HTML, Rendered};
use super::story_cards::{StoryCard, story_cards};
use crate::Newsroom;
use crate::db::{self, topics::TopicRow};
use crate::domain::Slug;
use crate::error::{AppError, AppResult};
use crate::filters;
use crate::site::Site;
use crate::surrogate::{SurrogateKey, listing};
use crate::urls;

const TOPIC_PAGE_STORIES: i64 = 100;

#[derive(Template)]
#[template(path = "reader/topic.html")]
pub struct TopicPage {
    /// The publication, for the shared layout.
    pub site: Arc<Site>,
    pub topic: TopicRow,
    pub stories: Vec<StoryCard>,
}

/// `GET /topics/{slug}`: the topic's stories, newest first.
pub async fn topic_page(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: Slug,
) -> AppResult<HttpResponse> {
    respond::cached(&req, &room, urls::topic(slug.as_str()), HTML, || async {
        let mut conn = room.db.acquire().await?;
        let topic = db::topics::find_by_slug(&mut conn, slug.as_str())
            .await?
            .ok_or(AppError::NotFound)?;
        let stories = db::stories::in_topic(&mut conn, topic.id, TOPIC_PAGE_STORIES).await?;
        let keys = listing(
            SurrogateKey::Topic(topic.slug.clone()),
            stories.iter().map(|s| s.id),
        );
        let body = TopicPage {
            site: room.site.clone(),
            topic,
            stories: story_cards(&mut conn, stories).await?,
        }
        .render()?;
        Ok(Rendered::new(body, keys))
    })
    .await
}
