//! The story form's photo: read with the form, checked with the rest of
//! it, then stored and written at the top of the body as its Markdown line
//! (the story's lead photo). Storing reuses the update form's steps
//! (`update_media`).

use actix_web::{HttpRequest, web};
use chrono::{DateTime, Utc};

use super::gallery_form::PhotoWords;
use super::update_media::{ALT_REQUIRED, ask_again, commit, not_a_photo, prepare};
use super::upload::{DeskPost, FileLimits, Upload, read_desk_post};
use crate::Newsroom;
use crate::content::photos::photo_line;
use crate::domain::FieldErrors;
use crate::error::AppResult;
use crate::media::Expected;

/// The story form's file control.
pub const PHOTO_FIELD: &str = "photo";

/// Reads a story form post and its photo, kept only when `signed_in`, and
/// only from the "Photo" control; any other file is read past.
pub async fn read_with_photo(
    req: &HttpRequest,
    room: &Newsroom,
    payload: web::Payload,
    signed_in: bool,
) -> AppResult<(DeskPost, Option<Upload>)> {
    let photo_bytes = room.media.limits().photo_bytes;
    let per_field = |name: &str| (name == PHOTO_FIELD).then_some(photo_bytes);
    let limits = FileLimits {
        per_field: &per_field,
        total: photo_bytes,
    };
    let media = signed_in.then_some(&*room.media);
    let mut post = read_desk_post(req, payload, &limits, media).await?;
    let photo = post.files.pop();
    Ok((post, photo))
}

/// The errors that keep a photo from being stored: the rest of the form's
/// `errors`, and its alt text when that is missing. With any, the photo is
/// not stored and must be chosen again (a browser never keeps a file).
pub fn refuse_photo_with(mut errors: FieldErrors, words: &PhotoWords) -> FieldErrors {
    if words.alt.trim().is_empty() {
        errors.add("alt", ALT_REQUIRED);
    }
    if errors.is_empty() {
        return errors;
    }
    ask_again(&[PHOTO_FIELD], errors)
}

/// Stores `upload` as a photo; its Markdown line with `words`, or why the
/// file was refused (next to "Photo").
pub async fn store_photo(
    room: &Newsroom,
    upload: Upload,
    words: &PhotoWords,
    now: DateTime<Utc>,
) -> AppResult<Result<String, FieldErrors>> {
    let (media, db) = (&room.media, &room.db);
    let mut errors = FieldErrors::default();
    let prepared = prepare(media, db, upload, Expected::Photo, PHOTO_FIELD, &mut errors).await?;
    let Some(prepared) = prepared else {
        return Ok(Err(errors));
    };
    let stored = commit(media, db, prepared, now).await?;
    photo_line(&stored, &words.alt, &words.caption, &words.credit)
        .map(Ok)
        .ok_or_else(|| not_a_photo(&stored))
}
