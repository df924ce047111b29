//! The gate of every admin form post. Kept apart from `session` so that the
//! session, sign-in and kept-form modules never import one another in a circle.

use actix_web::HttpRequest;

use super::kept_forms::keep_form;
use super::session::{Editor, check_csrf, current_editor};
use super::sign_in::sign_in_again;
use crate::Newsroom;
use crate::error::AppResult;

/// The gate of every admin POST: a signed-in editor with the session's CSRF
/// token. Without a session the form is kept, and the error is a sign-in page
/// that brings the editor back to it, filled. `form_page` is the page the
/// form lives on.
pub async fn admit_post(
    req: &HttpRequest,
    room: &Newsroom,
    body: &[u8],
    form_page: &str,
) -> AppResult<Editor> {
    let Some(editor) = current_editor(req, room).await? else {
        let restore = keep_form(req, room, form_page, body).await?;
        return Err(sign_in_again(req, room, &restore));
    };
    check_csrf(&editor, body)?;
    Ok(editor)
}
