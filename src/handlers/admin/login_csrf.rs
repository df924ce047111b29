//! The double-submit cookie guarding the sign-in and setup forms: they come
//! before any session, so there is no session token to check them against.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};

use crate::Newsroom;
use crate::auth::{new_token, same_secret};
use crate::error::{AppError, AppResult};

/// The cookie's name.
const LOGIN_CSRF_COOKIE: &str = "newsdesk_login_csrf";

/// The login form's CSRF token: the one in the cookie, or a new one.
pub(super) fn login_csrf(req: &HttpRequest) -> String {
    req.cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_else(new_token)
}

/// The cookie holding the token; `Secure` when the site is served over HTTPS.
pub(super) fn login_csrf_cookie(room: &Newsroom, token: &str) -> Cookie<'static> {
    Cookie::build(LOGIN_CSRF_COOKIE, token.to_owned())
        .path("/admin")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(room.site_url.starts_with("https://"))
        .finish()
}

/// Refuses a sign-in or setup form whose token is not the one in its cookie.
pub(super) fn check_login_csrf(req: &HttpRequest, submitted: &str) -> AppResult<()> {
    match req.cookie(LOGIN_CSRF_COOKIE) {
        Some(cookie) if same_secret(cookie.value(), submitted) => Ok(()),
        _ => Err(AppError::Forbidden(
            "This form has expired. Reload the page and try again.",
        )),
    }
}
