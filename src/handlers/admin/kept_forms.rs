//! Forms kept across sign-in: a form posted after its session expired is kept
//! for its editor, and given back, filled, once they have signed in again.

use actix_web::HttpRequest;

use serde::Deserialize;

use super::session::{Editor, SESSION_COOKIE};
use crate::Newsroom;
use crate::auth::{new_token, token_hash};
use crate::db;
use crate::error::AppResult;

/// Keeps a form posted on an expired session, for its editor; returns the
/// page that gives it back. Without an expired session (no cookie, or a
/// forged one) nothing is kept: the form page itself is where to go.
pub async fn keep_form(
    req: &HttpRequest,
    room: &Newsroom,
    form_page: &str,
    body: &[u8],
) -> AppResult<String> {
    let Some(cookie) = req.cookie(SESSION_COOKIE) else {
        return Ok(form_page.to_owned());
    };
    let mut conn = room.db.acquire().await?;
    let now = room.clock.now();
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
