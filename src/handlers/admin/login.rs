//! Signing in and out, the one-time setup link, and keeping a form whose
//! session expired.

use std::sync::LazyLock;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::session::{Editor, check_csrf, current_editor, session_cookie, start_session};
use crate::Newsroom;
use crate::auth::{self, new_token, same_secret, token_hash};
use crate::db;
use crate::domain::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::site::Site;

/// Double-submit cookie guarding the sign-in and setup forms, which come before any session.
const LOGIN_CSRF_COOKIE: &str = "newsdesk_login_csrf";

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

/// The login form's CSRF token: the one in the cookie, or a new one.
fn login_csrf(req: &HttpRequest) -> String {
    req.cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_else(new_token)
}

fn login_csrf_cookie(room: &Newsroom, token: &str) -> Cookie<'static> {
    Cookie::build(LOGIN_CSRF_COOKIE, token.to_owned())
        .path("/admin")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(room.site_url.starts_with("https://"))
        .finish()
}

fn check_login_csrf(req: &HttpRequest, submitted: &str) -> AppResult<()> {
    match req.cookie(LOGIN_CSRF_COOKIE) {
        Some(cookie) if same_secret(cookie.value(), submitted) => Ok(()),
        _ => Err(AppError::Forbidden(
            "This form has expired. Reload the page and try again.",
        )),
    }
}

fn render_login(room: &Newsroom, status: StatusCode, page: LoginPage) -> AppResult<HttpResponse> {
    let token = page.csrf_token.to_owned();
    Ok(HttpResponse::build(status)
        .cookie(login_csrf_cookie(room, &token))
        .insert_header(("Cache-Control", "no-store"))
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
    let page = LoginPage {
        site: &room.site,
        csrf_token: &csrf,
        username: "",
        next,
        error: None,
        notice: None,
    };
    render_login(&room, StatusCode::OK, page)
}

/// The client's address: the peer's, or, when the peer is the trusted proxy,
/// the last address that proxy put in `X-Forwarded-For`.
fn client_address(req: &HttpRequest, room: &Newsroom) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let forwarded = || {
        let header = req.headers().get("X-Forwarded-For")?.to_str().ok()?;
        header.rsplit(',').next().map(|a| a.trim().to_owned())
    };
    match peer {
        Some(ip) if Some(ip) == room.trusted_proxy => forwarded().unwrap_or_else(|| ip.to_string()),
        Some(ip) => ip.to_string(),
        None => String::new(),
    }
}

/// A hash to verify against when the username is unknown, so that a wrong
/// username takes as long as a wrong password and usernames cannot be probed.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| auth::hash_password("no editor has this password").expect("hashing works"));

/// `POST /admin/login`.
pub async fn sign_in(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    form: web::Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    check_login_csrf(&req, &form.csrf_token)?;
    let address = client_address(&req, &room);
    let keys = [
        format!("user:{}", form.username.trim().to_lowercase()),
        format!("ip:{address}"),
    ];
    if let Some(wait) = room.logins.blocked_for(&keys) {
        return Err(AppError::TooManyRequests(wait.as_secs().max(1)));
    }
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
    let Some(editor) = editor.filter(|_| matches) else {
        room.logins.record_failure(&keys);
        let csrf = login_csrf(&req);
        let page = LoginPage {
            site: &room.site,
            csrf_token: &csrf,
            username: &form.username,
            next: safe_next(&form.next),
            error: Some("That username and password do not match. Check them and try again."),
            notice: None,
        };
        return render_login(&room, StatusCode::UNAUTHORIZED, page);
    };
    room.logins.forgive(&keys[..1]);
    let cookie = start_session(&room, editor.id).await?;
    let mut conn = room.db.acquire().await?;
    db::audit::record(
        &mut conn,
        Some(editor.id),
        "signed in",
        &editor.username,
        Utc::now(),
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
            .cookie(super::session::SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .unwrap_or_default();
        let mut conn = room.db.acquire().await?;
        db::editors::delete_session(&mut conn, &token_hash(&token), Utc::now()).await?;
    }
    Ok(HttpResponse::SeeOther()
        .cookie(session_cookie(&room, String::new(), CookieDuration::ZERO))
        .insert_header(("Location", "/admin/login"))
        .finish())
}

/// Keeps a form posted on an expired session, for its editor; returns the
/// page that gives it back. Without an expired session (no cookie, or a
/// forged one) nothing is kept: the form page itself is where to go.
pub async fn keep_form(
    req: &HttpRequest,
    room: &Newsroom,
    form_page: &str,
    body: &[u8],
) -> AppResult<String> {
    let Some(cookie) = req.cookie(super::session::SESSION_COOKIE) else {
        return Ok(form_page.to_owned());
    };
    let mut conn = room.db.acquire().await?;
    let now = Utc::now();
    let Some(editor_id) =
        db::editors::expired_session_editor(&mut conn, &token_hash(cookie.value()), now).await?
    else {
        return Ok(form_page.to_owned());
    };
    let token = new_token();
    let body = String::from_utf8_lossy(body);
    db::editors::save_form(
        &mut conn,
        &token_hash(&token),
        editor_id,
        form_page,
        &body,
        now,
    )
    .await?;
    Ok(format!("{form_page}?restore={token}"))
}

/// `?restore=TOKEN`: the form page is asked to give back a kept form.
#[derive(Deserialize)]
pub struct RestoreQuery {
    pub restore: Option<String>,
}

const RESTORED: &str =
    "Your session had expired; here is the form as you left it. Check it and save again.";

/// The form kept under `?restore=` for this page, with a notice saying so;
/// `fresh` (and no notice) when there is none.
pub async fn restored_or<T: serde::de::DeserializeOwned>(
    editor: &Editor,
    room: &Newsroom,
    form_page: &str,
    query: &RestoreQuery,
    fresh: T,
) -> AppResult<(T, Option<&'static str>)> {
    if let Some(token) = &query.restore
        && let Some(form) = restore_form(editor, room, form_page, token).await?
    {
        return Ok((form, Some(RESTORED)));
    }
    Ok((fresh, None))
}

/// Takes back this editor's kept form for `form_page`, if the token is one.
async fn restore_form<T: serde::de::DeserializeOwned>(
    editor: &Editor,
    room: &Newsroom,
    form_page: &str,
    token: &str,
) -> AppResult<Option<T>> {
    let mut conn = room.db.acquire().await?;
    match db::editors::take_saved_form(&mut conn, &token_hash(token), editor.id).await? {
        Some((path, body)) if path == form_page => Ok(serde_urlencoded::from_str(&body).ok()),
        _ => Ok(None),
    }
}

/// The sign-in page answering a form that arrived after its session expired.
pub fn sign_in_again(req: &HttpRequest, room: &Newsroom, next: &str) -> AppError {
    let csrf = login_csrf(req);
    let page = LoginPage {
        site: &room.site,
        csrf_token: &csrf,
        username: "",
        next,
        error: None,
        notice: Some(
            "Your session expired before that was saved. Your text is kept: sign in again and you will get the form back as you left it.",
        ),
    };
    match page.render() {
        Ok(page) => AppError::SessionExpired {
            page,
            cookie: Box::new(login_csrf_cookie(room, &csrf)),
        },
        Err(error) => error.into(),
    }
}

#[derive(Template)]
#[template(path = "admin/setup.html")]
pub struct SetupPage<'a> {
    /// The publication, for the shared layout.
    pub site: &'a Site,
    pub csrf_token: &'a str,
    pub token: &'a str,
    pub username: &'a str,
    pub errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetupForm {
    username: String,
    password: String,
    password_again: String,
    csrf_token: String,
}

const USED_LINK: &str =
    "This setup link has already been used. Sign in with the editor account it created.";

async fn setup_link_is_open(room: &Newsroom, token: &str) -> AppResult<bool> {
    let mut conn = room.db.acquire().await?;
    Ok(db::editors::count(&mut conn).await? == 0
        && db::editors::setup_token_is_open(&mut conn, &token_hash(token)).await?)
}

/// `GET /admin/setup/{token}`: the first editor's sign-up form.
pub async fn setup_page(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    if !setup_link_is_open(&room, &token).await? {
        return Err(AppError::Gone(USED_LINK));
    }
    let csrf = login_csrf(&req);
    let page = SetupPage {
        site: &room.site,
        csrf_token: &csrf,
        token: &token,
        username: "",
        errors: FieldErrors::default(),
    };
    Ok(HttpResponse::Ok()
        .cookie(login_csrf_cookie(&room, &csrf))
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}

/// `POST /admin/setup/{token}`: creates the first editor and signs them in; the link dies.
pub async fn create_first_editor(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    token: web::Path<String>,
    form: web::Form<SetupForm>,
) -> AppResult<HttpResponse> {
    check_login_csrf(&req, &form.csrf_token)?;
    if !setup_link_is_open(&room, &token).await? {
        return Err(AppError::Gone(USED_LINK));
    }
    let mut errors = FieldErrors::default();
    let username = form.username.trim();
    if let Err(m) = auth::check_username(username) {
        errors.add("username", m);
    }
    if let Err(m) = auth::check_new_password(&form.password) {
        errors.add("password", m);
    } else if form.password != form.password_again {
        errors.add("password_again", "The two passwords differ.");
    }
    if !errors.is_empty() {
        let page = SetupPage {
            site: &room.site,
            csrf_token: &form.csrf_token,
            token: &token,
            username: &form.username,
            errors,
        };
        return Ok(HttpResponse::UnprocessableEntity()
            .content_type("text/html; charset=utf-8")
            .body(page.render()?));
    }
    let password = form.password.clone();
    let hash = web::block(move || auth::hash_password(&password))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))??;
    let now = Utc::now();
    let mut tx = db::write_tx(&room.db).await?;
    if !db::editors::use_setup_token(&mut tx, &token_hash(&token), now).await? {
        return Err(AppError::Gone(USED_LINK));
    }
    let id = db::editors::insert(&mut tx, username, &hash, now)
        .await?
        .ok_or(AppError::Gone(USED_LINK))?;
    db::audit::record(&mut tx, Some(id), "created first editor", username, now).await?;
    tx.commit().await?;
    let cookie = start_session(&room, id).await?;
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header(("Location", "/admin"))
        .finish())
}
