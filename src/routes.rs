//! The one route table, used by `main` and every test alike.

use actix_web::web;

use crate::handlers::{assets, health, live, reader};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(reader::home::front_page))
        .route("/news/{slug}", web::get().to(reader::story::story_page))
        .route("/news/{slug}/updates", web::get().to(live::updates_after))
        .route("/topics/{slug}", web::get().to(reader::topic::topic_page))
        .route("/search", web::get().to(reader::search::search_page))
        .route("/healthz", web::get().to(health::healthz))
        .route("/robots.txt", web::get().to(health::robots))
        .route("/static/{name}", web::get().to(assets::asset))
        .default_service(web::to(crate::error::not_found));
}
