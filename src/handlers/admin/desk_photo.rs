//! A photo posted with a desk form (a story or an update): checked with
//! the rest of the form, then stored and written into the body as its
//! Markdown line.

use chrono::{DateTime, Utc};

use super::upload::Upload;
use crate::Newsroom;
use crate::content::photos::photo_line;
use crate::domain::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::media::{Expected, MediaError};

/// Next to "Alt text" when a photo comes without it.
const ALT_REQUIRED: &str =
    "Write the alt text: what the photo shows, for readers who cannot see it.";
/// Next to "Photo" when the form comes back: browsers never keep a file.
pub const CHOOSE_AGAIN: &str =
    "Choose the photo again: a browser cannot keep it when a form comes back.";

/// What an editor writes beside a photo.
pub struct PhotoWords<'a> {
    alt: &'a str,
    caption: &'a str,
    credit: &'a str,
}

impl<'a> PhotoWords<'a> {
    pub fn of(alt: &'a str, caption: &'a str, credit: &'a str) -> PhotoWords<'a> {
        PhotoWords {
            alt,
            caption,
            credit,
        }
    }
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
