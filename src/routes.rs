//! The one route table, used by `main` and every test alike.

use actix_web::error::UrlencodedError;
use actix_web::http::header::CACHE_CONTROL;
use actix_web::middleware::DefaultHeaders;
use actix_web::{guard, web};

use crate::error::AppError;

use crate::handlers::{assets, feeds, health, live, media, reader};

/// A reader-facing route: GET, and HEAD for link checkers and feed readers
/// (actix sends HEAD responses without their body).
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", read().to(reader::home::front_page))
        .route("/news/{slug}", read().to(reader::story::story_page))
        .route("/news/{slug}/updates", read().to(live::updates_after))
        .route("/news/{slug}/events", read().to(live::events))
        .route(
            "/news/{slug}/feed.xml",
            read().to(feeds::updates::story_rss),
        )
        .route(
            "/news/{slug}/atom.xml",
            read().to(feeds::updates::story_atom),
        )
        .route(
            "/news/{slug}/figures.json",
            read().to(reader::figures::figures_json),
        )
        .route(
            "/news/{slug}/figures.csv",
            read().to(reader::figures::figures_csv),
        )
        .route("/topics/{slug}", read().to(reader::topic::topic_page))
        .route(
            "/topics/{slug}/feed.xml",
            read().to(feeds::stories::topic_rss),
        )
        .route("/search", read().to(reader::search::search_page))
        .route("/healthz", read().to(health::healthz))
        .route("/robots.txt", read().to(health::robots))
        .route("/feed.xml", read().to(feeds::stories::site_rss))
        .route("/atom.xml", read().to(feeds::stories::site_atom))
        .route("/sitemap.xml", read().to(feeds::sitemap::sitemap_index))
        .route("/sitemap-news.xml", read().to(feeds::sitemap::news_sitemap))
        .route(
            "/sitemap-{number:[1-9][0-9]*}.xml",
            read().to(feeds::sitemap::sitemap_page),
        )
        .route("/static/{name}", read().to(assets::asset))
        .route("/media/{name}", read().to(media::media_file))
        .route("/favicon.ico", read().to(assets::favicon))
        .service(admin_routes())
        .default_service(web::to(crate::error::not_found));
}

/// Largest admin form accepted, in bytes: room for a 200 KB Markdown body
/// (refused with a message next to the field) plus the other fields; beyond
/// it the request is answered 413 without being read.
pub const MAX_ADMIN_FORM_BYTES: usize = 3 * crate::domain::MAX_MARKDOWN_BYTES + 64 * 1024;

fn admin_routes() -> impl actix_web::dev::HttpServiceFactory + 'static {
    use crate::handlers::admin::{
        account, dashboard, setup, sign_in, stories, story_desk, updates,
    };
    web::scope("/admin")
        // Redirects and kept forms included: nothing under /admin is ever stored.
        .wrap(DefaultHeaders::new().add((CACHE_CONTROL, crate::freshness::PRIVATE)))
        .app_data(web::PayloadConfig::new(MAX_ADMIN_FORM_BYTES))
        .app_data(web::FormConfig::default().limit(16 * 1024).error_handler(
            |error, _| match error {
                UrlencodedError::Overflow { .. } => AppError::TooLarge.into(),
                error => {
                    AppError::BadRequest(format!("The form could not be read: {error}")).into()
                }
            },
        ))
        .route("", web::get().to(dashboard::dashboard))
        .route("/login", web::get().to(sign_in::login_page))
        .route("/login", web::post().to(sign_in::sign_in))
        .route("/logout", web::post().to(sign_in::sign_out))
        .route("/account", web::get().to(account::account_page))
        .route(
            "/account/display-name",
            web::post().to(account::set_display_name),
        )
        .route("/setup/{token}", web::get().to(setup::setup_page))
        .route("/setup/{token}", web::post().to(setup::create_first_editor))
        .route("/stories/new", web::get().to(stories::new_story_page))
        .route("/stories/new", web::post().to(stories::create_story))
        .route("/stories/{slug}", web::get().to(story_desk::story_desk))
        .route(
            "/stories/{slug}/edit",
            web::get().to(stories::edit_story_page),
        )
        .route(
            "/stories/{slug}/edit",
            web::post().to(stories::update_story),
        )
        .route(
            "/stories/{slug}/updates",
            web::post().to(story_desk::publish),
        )
        .route(
            "/stories/{slug}/end-live",
            web::post().to(story_desk::end_live),
        )
        .route("/stories/{slug}/pin", web::post().to(story_desk::pin))
        .route("/updates/{id}/edit", web::get().to(updates::edit_page))
        .route("/updates/{id}/edit", web::post().to(updates::save_edit))
        .route("/updates/{id}/delete", web::get().to(updates::delete_page))
        .route("/updates/{id}/delete", web::post().to(updates::delete))
}
