//! First-run setup: the single-use link, good for a day, that creates the
//! first editor account.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use anyhow::Context;
use askama::Template;
use serde::Deserialize;

use super::admin_html;
use super::login_csrf::{check_login_csrf, login_csrf, login_csrf_cookie};
use super::session::start_session;
use crate::Newsroom;
use crate::auth;
use crate::db;
use crate::domain::{DisplayName, FieldErrors, TokenPurpose};
use crate::error::{AppError, AppResult};
use crate::site::Site;
use crate::tokens::{self, TokenState};

#[derive(Template)]
#[template(path = "admin/setup.html")]
pub struct SetupPage<'a> {
    /// The publication, for the shared layout.
    pub site: &'a Site,
    pub csrf_token: &'a str,
    pub token: &'a str,
    pub username: &'a str,
    pub display_name: &'a str,
    pub errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetupForm {
    username: String,
    display_name: String,
    password: String,
    password_again: String,
    csrf_token: String,
}

const USED_LINK: &str =
    "This setup link has already been used. Sign in with the editor account it created.";
const EXPIRED_LINK: &str = "This setup link has expired: a setup link works for 24 hours. \
     Restart newsdesk serve and it prints a new one.";
const UNKNOWN_LINK: &str = "This setup link does not work: only the link printed by the latest \
     start of newsdesk serve does. Copy that one whole.";

/// Refuses a setup link that is used, expired or unknown, or arrives once an
/// editor exists, with a message saying which and what to do.
async fn check_setup_link(room: &Newsroom, token: &str) -> AppResult<()> {
    let mut conn = room.db.acquire().await?;
    if db::editors::count(&mut conn).await? > 0 {
        return Err(AppError::Gone(USED_LINK));
    }
    match tokens::state(&mut conn, TokenPurpose::Setup, token, room.clock.now()).await? {
        TokenState::Open => Ok(()),
        TokenState::Used => Err(AppError::Gone(USED_LINK)),
        TokenState::Expired => Err(AppError::Gone(EXPIRED_LINK)),
        TokenState::Unknown => Err(AppError::Gone(UNKNOWN_LINK)),
    }
}

/// `GET /admin/setup/{token}`: the first editor's sign-up form.
pub async fn setup_page(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    check_setup_link(&room, &token).await?;
    let csrf = login_csrf(&req);
    let page = SetupPage {
        site: &room.site,
        csrf_token: &csrf,
        token: &token,
        username: "",
        display_name: "",
        errors: FieldErrors::default(),
    };
    // Never kept by a browser or proxy cache: the page is only for this link's holder.
    let mut response = admin_html(StatusCode::OK, page.render()?);
    response
        .add_cookie(&login_csrf_cookie(&room, &csrf))
        .context("setting the sign-in CSRF cookie")?;
    Ok(response)
}

/// `POST /admin/setup/{token}`: creates the first editor and signs them in; the link dies.
pub async fn create_first_editor(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    token: web::Path<String>,
    form: web::Form<SetupForm>,
) -> AppResult<HttpResponse> {
    check_login_csrf(&req, &form.csrf_token)?;
    check_setup_link(&room, &token).await?;
    let mut errors = FieldErrors::default();
    let username = form.username.trim();
    if let Err(m) = auth::check_username(username) {
        errors.add("username", m);
    }
    let display_name = DisplayName::parse(&form.display_name, username)
        .inspect_err(|m| errors.add("display_name", m.clone()))
        .ok();
    if let Err(m) = auth::check_new_password(&form.password) {
        errors.add("password", m);
    } else if form.password != form.password_again {
        errors.add("password_again", "The two passwords differ.");
    }
    let Some(display_name) = display_name.filter(|_| errors.is_empty()) else {
        let page = SetupPage {
            site: &room.site,
            csrf_token: &form.csrf_token,
            token: &token,
            username: &form.username,
            display_name: &form.display_name,
            errors,
        };
        return Ok(admin_html(StatusCode::UNPROCESSABLE_ENTITY, page.render()?));
    };
    let password = form.password.clone();
    let hash = web::block(move || auth::hash_password(&password))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))??;
    let now = room.clock.now();
    let mut tx = db::write_tx(&room.db).await?;
    // Checked again inside the transaction: two people racing with one link
    // (or a link expiring while the password hashed) create one editor at most.
    if !tokens::redeem(&mut tx, TokenPurpose::Setup, &token, now).await? {
        return Err(AppError::Gone(USED_LINK));
    }
    let id = db::editors::insert(&mut tx, username, &hash, now)
        .await?
        .ok_or(AppError::Gone(USED_LINK))?;
    db::editors::set_display_name(&mut tx, id, &display_name).await?;
    db::audit::record(&mut tx, Some(id), "created first editor", username, now).await?;
    tx.commit().await?;
    let cookie = start_session(&room, id).await?;
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header(("Location", "/admin"))
        .finish())
}
