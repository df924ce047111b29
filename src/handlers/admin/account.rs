//! `/admin/account`: the signed-in editor's name as readers see it.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::admit::admit_post;
use super::session::{Editor, parse_form};
use super::{admin_html, see_other};
use crate::Newsroom;
use crate::db;
use crate::domain::{DisplayName, FieldErrors};
use crate::error::AppResult;
use crate::site::Site;

/// The account page's address, where its form comes back after sign-in.
const ACCOUNT: &str = "/admin/account";

#[derive(Template)]
#[template(path = "admin/account.html")]
pub struct AccountPage {
    /// The publication, for the shared layout.
    pub site: Arc<Site>,
    pub editor: Editor,
    /// The field's value: as stored, or as typed when it failed validation.
    pub display_name: String,
    pub errors: FieldErrors,
}

/// The display name form.
#[derive(Deserialize)]
pub struct DisplayNameForm {
    #[serde(default)]
    display_name: String,
}

/// `GET /admin/account`.
pub async fn account_page(editor: Editor, room: web::Data<Newsroom>) -> AppResult<HttpResponse> {
    let page = AccountPage {
        site: room.site.clone(),
        display_name: editor.display_name.clone().unwrap_or_default(),
        editor,
        errors: FieldErrors::default(),
    };
    Ok(admin_html(StatusCode::OK, page.render()?))
}

/// `POST /admin/account/display-name`: sets the name on the editor's future
/// updates; those already published keep the name they were published under.
pub async fn set_display_name(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let editor = admit_post(&req, &room, &body, ACCOUNT).await?;
    let form: DisplayNameForm = parse_form(&body)?;
    let name = match DisplayName::parse(&form.display_name, &editor.username) {
        Ok(name) => name,
        Err(message) => {
            let mut errors = FieldErrors::default();
            errors.add("display_name", message);
            let page = AccountPage {
                site: room.site.clone(),
                editor,
                display_name: form.display_name,
                errors,
            };
            return Ok(admin_html(StatusCode::UNPROCESSABLE_ENTITY, page.render()?));
        }
    };
    let now = room.clock.now();
    let mut tx = db::write_tx(&room.db).await?;
    db::editors::set_display_name(&mut tx, editor.id, &name).await?;
    db::audit::record(
        &mut tx,
        Some(editor.id),
        "set display name",
        name.as_str(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(ACCOUNT))
}
