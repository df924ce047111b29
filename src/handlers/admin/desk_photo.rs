//! A photo posted with the story form: checked with the rest of the form,
//! then stored and written into the body as its Markdown line.

use chrono::{DateTime, Utc};

use super::story_desk::{ALT_REQUIRED, CHOOSE_AGAIN};
use super::upload::Upload;
use crate::Newsroom;
use crate::content::photos::photo_line;
use crate::domain::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::media::{Expected, MediaError};

/// What an editor writes beside a photo.
pub struct PhotoWords<'a> {
    pub alt: &'a str,
    pub caption: &'a str,
    pub credit: &'a str,
}

/// The errors that keep a photo from being stored: the rest of the form's
/// `errors`, and its alt text when that is missing. With any, the photo is
/// not stored and must be chosen again (a browser never keeps a file).
pub fn refuse_photo_with(mut errors: FieldErrors, words: &PhotoWords) -> FieldErrors {
    if words.alt.trim().is_empty() {
        errors.add("alt", ALT_REQUIRED.to_owned());
    }
    if !errors.is_empty() {
        errors.add("photo", CHOOSE_AGAIN.to_owned());
    }
    errors
}

/// Stores `upload` as a photo; its Markdown line with `words`, or why the
/// file was refused (for the "Photo" field).
pub async fn store_photo(
    room: &Newsroom,
    upload: Upload,
    words: &PhotoWords<'_>,
    now: DateTime<Utc>,
) -> AppResult<Result<String, String>> {
    let stored = room
        .media
        .store(
            &room.db,
            upload.bytes,
            &upload.file_name,
            Expected::Photo,
            now,
        )
        .await;
    let stored = match stored {
        Ok(stored) => stored,
        Err(MediaError::Refused(refusal)) => return Ok(Err(refusal.to_string())),
        Err(MediaError::Failed(cause)) => return Err(AppError::from_write(cause)),
    };
    photo_line(&stored, words.alt, words.caption, words.credit)
        .map(Ok)
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("stored photo {} has no JPEG", stored.id))
        })
}
