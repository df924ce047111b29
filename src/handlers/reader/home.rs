use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::super::respond::{self, HTML, Rendered};
use super::story_cards::{StoryCard, story_cards};
use crate::Newsroom;
use crate::db;
use crate::error::AppResult;
use crate::filters;
use crate::site::Site;
use crate::surrogate::{SurrogateKey, listing};
use crate::urls;

/// Stories shown on the front page.
const FRONT_PAGE_STORIES: i64 = 50;

#[derive(Template)]
#[template(path = "reader/home.html")]
pub struct FrontPage {
    /// The publication, for the shared layout.
    pub site: Arc<Site>,
    pub live: Vec<StoryCard>,
    pub latest: Vec<StoryCard>,
}

/// `GET /`: live stories first, then the latest.
pub async fn front_page(req: HttpRequest, room: web::Data<Newsroom>) -> AppResult<HttpResponse> {
    respond::cached(&req, &room, urls::HOME.to_owned(), HTML, || async {
        let mut conn = room.db.acquire().await?;
        let stories = db::stories::front_page(&mut conn, FRONT_PAGE_STORIES).await?;
        let keys = listing(SurrogateKey::Front, stories.iter().map(|s| s.id));
        let cards = story_cards(&mut conn, stories).await?;
        let (live, latest) = cards
            .into_iter()
            .partition(|c| c.story.live_state.is_live());
        let body = FrontPage {
            site: room.site.clone(),
            live,
            latest,
        }
        .render()?;
        Ok(Rendered::new(body, keys))
    })
    .await
}
