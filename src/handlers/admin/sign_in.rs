//! Signing in and out, and the sign-in page that answers a form whose
//! session expired.

use std::sync::LazyLock;

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use serde::Deserialize;

use super::login_csrf::{check_login_csrf, login_csrf, login_csrf_cookie};
use super::session::{SESSION_COOKIE, check_csrf, current_editor, session_cookie, start_session};
use crate::Newsroom;
use crate::auth::{self, token_hash};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::handlers::extract::ClientAddress;
use crate::site::Site;

#[derive(Template)]
#[template(path = "admin/login.html")]
pub struct LoginPage<'a> {
    /// The publication, for the shared layout.
    pub site: &'a Site,
    pub csrf_token: &'a str,
    pub username: &'a str,
    pub next: &'a str,
    pub error: Option<&'a str>,
    pub notice: Option<&'a str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf_token: String,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Where to go after signing in: only a path inside the admin, never another site.
fn safe_next(next: &str) -> &str {
    let plain = !next.contains("//") && !next.contains('\\') && !next.chars().any(char::is_control);
    if next.starts_with("/admin") && plain {
        next
    } else {
        "/admin"
    }
}

impl<'a> LoginPage<'a> {
    /// An empty sign-in form that leads to `next`.
    fn blank(site: &'a Site, csrf_token: &'a str, next: &'a str) -> LoginPage<'a> {
        LoginPage {
            site,
            csrf_token,
            username: "",
            next,
            error: None,
            notice: None,
        }
    }
}

fn render_login(room: &Newsroom, status: StatusCode, page: LoginPage) -> AppResult<HttpResponse> {
    let token = page.csrf_token.to_owned();
    Ok(HttpResponse::build(status)
        .cookie(login_csrf_cookie(room, &token))
        .insert_header(("Cache-Control", crate::freshness::PRIVATE))
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}

/// `GET /admin/login`.
pub async fn login_page(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    let csrf = login_csrf(&req);
    let next = safe_next(query.next.as_deref().unwrap_or("/admin"));
    let page = LoginPage::blank(&room.site, &csrf, next);
    render_login(&room, StatusCode::OK, page)
}

/// A hash to verify against when the username is unknown, so that a wrong
/// username takes as long as a wrong password and usernames cannot be probed.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| auth::hash_password("no editor has this password").expect("hashing works"));

/// Seconds a sign-in refused for want of a password-check slot is told to
/// wait: slots free up within a second unless the site is under a flood.
const BUSY_RETRY_SECONDS: u64 = 5;

/// `POST /admin/login`. The attempt is counted before the password is
/// checked (`auth::throttle`), and the check waits for a slot
/// (`auth::checks`).
pub async fn sign_in(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    client: ClientAddress,
    form: web::Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    check_login_csrf(&req, &form.csrf_token)?;
    let attempt = room
        .logins
        .attempt(client.0, &form.username, room.clock.now())
        .map_err(|wait| AppError::TooManyRequests(wait.as_secs_f64().ceil().max(1.0) as u64))?;
    let Some(slot) = room.password_checks.slot().await else {
        room.logins.withdraw(attempt);
        return Err(AppError::Busy(BUSY_RETRY_SECONDS));
    };
    let mut conn = room.db.acquire().await?;
    let editor = db::editors::find_by_username(&mut conn, form.username.trim()).await?;
    drop(conn);
    let stored = editor
        .as_ref()
        .map_or_else(|| DUMMY_HASH.clone(), |e| e.password_hash.clone());
    let password = form.password.clone();
    // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let matches = web::block(move || auth::verify_password(&password, &stored))
        .await
        .map_err(|e| anyhow::anyhow!("password check was cancelled: {e}"))?;
    drop(slot);
    let Some(editor) = editor.filter(|_| matches) else {
        // `attempt` stays counted: that is the failure.
        let csrf = login_csrf(&req);
        let page = LoginPage {
            username: &form.username,
            error: Some("That username and password do not match. Check them and try again."),
            ..LoginPage::blank(&room.site, &csrf, safe_next(&form.next))
        };
        return render_login(&room, StatusCode::UNAUTHORIZED, page);
    };
    room.logins.succeeded(attempt);
    let cookie = start_session(&room, editor.id).await?;
    let mut conn = room.db.acquire().await?;
    db::audit::record(
        &mut conn,
        Some(editor.id),
        "signed in",
        &editor.username,
        room.clock.now(),
    )
    .await?;
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header(("Location", safe_next(&form.next).to_owned()))
        .finish())
}

/// `POST /admin/logout`: ends the session in the database and in the browser.
pub async fn sign_out(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    // Signed out already (expired): nothing to end, and nothing worth keeping.
    if let Some(editor) = current_editor(&req, &room).await? {
        check_csrf(&editor, &body)?;
        let token = req
            .cookie(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .unwrap_or_default();
        let mut conn = room.db.acquire().await?;
        db::editors::delete_session(&mut conn, &token_hash(&token), room.clock.now()).await?;
    }
    Ok(HttpResponse::SeeOther()
        .cookie(session_cookie(&room, String::new(), CookieDuration::ZERO))
        .insert_header(("Location", "/admin/login"))
        .finish())
}

/// The sign-in page answering a form that arrived after its session expired.
pub fn sign_in_again(req: &HttpRequest, room: &Newsroom, next: &str) -> AppError {
    let csrf = login_csrf(req);
    let page = LoginPage {
        notice: Some(
            "Your session expired before that was saved. Your text is kept: sign in again and you will get the form back as you left it.",
        ),
        ..LoginPage::blank(&room.site, &csrf, next)
    };
    match page.render() {
        Ok(page) => AppError::SessionExpired {
            page,
            cookie: Box::new(login_csrf_cookie(room, &csrf)),
        },
        Err(error) => error.into(),
    }
}
