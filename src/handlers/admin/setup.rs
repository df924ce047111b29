//! First-run setup: the one-time link that creates the first editor account.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use serde::Deserialize;

use super::login_csrf::{check_login_csrf, login_csrf, login_csrf_cookie};
use super::session::start_session;
use crate::Newsroom;
use crate::auth::{self, token_hash};
use crate::db;
use crate::domain::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::site::Site;

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
    let now = room.clock.now();
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
