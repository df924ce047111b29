//! The editors' desk under `/admin`.

pub mod account;
mod admit;
pub mod dashboard;
mod desk_photo;
mod draft_saved;
mod forms;
mod gallery_form;
mod kept_forms;
mod login_csrf;
mod not_saved;
pub mod session;
pub mod setup;
pub mod sign_in;
pub mod stories;
pub mod story_desk;
mod uk_time;
pub(crate) mod update_media;
pub mod updates;
pub(crate) mod upload;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;

/// An admin page: never cached anywhere, since it carries a CSRF token.
fn admin_html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", crate::freshness::PRIVATE))
        .body(body)
}

/// 303 to `location`, the answer to every successful admin POST (those of
/// forms with drafts: [`draft_saved::saved_see_other`]).
fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location.to_owned()))
        .finish()
}
