//! Telling the browser's draft keeper (`static/drafts.js`) that a form was
//! saved, so it may forget the draft it kept of it.
//!
//! A successful save answers with a 303 to a page that is fetched with GET,
//! which by itself cannot tell the browser *what* was saved. So the 303 also
//! sets a short-lived cookie naming the form's path; the page it lands on
//! reads it, clears the draft and deletes the cookie. A refused form (422,
//! 409, a sign-in page after an expired session) sets nothing, so the draft
//! stays. The cookie carries no secret, hence readable by script.

use actix_web::HttpResponse;
use actix_web::cookie::{Cookie, SameSite, time::Duration};

use crate::Newsroom;

/// The cookie's name, as `static/drafts.js` reads it.
const DRAFT_SAVED_COOKIE: &str = "newsdesk_draft_saved";

/// Seconds the cookie lives: the next page arrives within a second; without
/// JavaScript nobody reads it and it should not linger.
const DRAFT_SAVED_SECONDS: i64 = 60;

/// 303 to `location` after the form posted to `form_path` was saved.
pub(super) fn saved_see_other(room: &Newsroom, location: &str, form_path: &str) -> HttpResponse {
    let cookie = Cookie::build(DRAFT_SAVED_COOKIE, form_path.to_owned())
        .path("/admin")
        .same_site(SameSite::Strict)
        .secure(room.site_url.starts_with("https://"))
        .max_age(Duration::seconds(DRAFT_SAVED_SECONDS))
        .finish();
    HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header(("Location", location.to_owned()))
        .finish()
}
