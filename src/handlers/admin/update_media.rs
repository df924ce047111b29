//! The files an update carries: a gallery of up to [`MAX_PHOTOS`] photos,
//! and a video with an optional poster. All or nothing: every file is
//! checked and processed before any is kept, so one refusal (or one missing
//! alt text) stores none, and the form comes back with each message next
//! to its own control.

use std::collections::BTreeMap;

use super::forms::UpdateForm;
use super::gallery_form::{MAX_PHOTOS, photo_slot};
use super::upload::{FileLimits, Upload};
use crate::content::photos::photo_line;
use crate::content::videos::video_line;
use crate::domain::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::media::{Expected, Limits, MediaError, MediaLibrary, Prepared, StoredMedia};

/// The video control.
pub const VIDEO_FIELD: &str = "video";
/// The video's poster control.
pub const POSTER_FIELD: &str = "video_poster";

/// Next to an "Alt text" field when its photo comes without it.
pub(super) const ALT_REQUIRED: &str =
    "Write the alt text: what the photo shows, for readers who cannot see it.";
/// Next to a file control when the form comes back: browsers never keep a file.
fn choose_again(field: &str) -> &'static str {
    match field {
        VIDEO_FIELD => "Choose the video again: a browser cannot keep it when a form comes back.",
        POSTER_FIELD => "Choose the poster again: a browser cannot keep it when a form comes back.",
        _ => "Choose the photo again: a browser cannot keep it when a form comes back.",
    }
}
const TITLE_REQUIRED: &str =
    "Write the video's title: what it shows, for readers who cannot play it.";
const POSTER_ALONE: &str =
    "A poster goes with a video: choose the video as well, or leave the poster out.";

/// The most bytes each of the update form's file controls takes, and all
/// of them together: every photo, the poster and the video at their limits.
pub fn file_limits(limits: &Limits) -> (impl Fn(&str) -> Option<u64> + '_, u64) {
    let per_field = |name: &str| match name {
        VIDEO_FIELD => Some(limits.video_bytes),
        POSTER_FIELD => Some(limits.photo_bytes),
        name => photo_slot(name).map(|_| limits.photo_bytes),
    };
    let total = (MAX_PHOTOS as u64 + 1) * limits.photo_bytes + limits.video_bytes;
    (per_field, total)
}

/// Reads an update form post, keeping files only for a signed-in editor.
pub async fn read_update_post(
    req: &actix_web::HttpRequest,
    payload: actix_web::web::Payload,
    media: Option<&MediaLibrary>,
    limits: &Limits,
) -> AppResult<super::upload::DeskPost> {
    let (per_field, total) = file_limits(limits);
    let limits = FileLimits {
        per_field: &per_field,
        total,
    };
    super::upload::read_desk_post(req, payload, &limits, media).await
}

/// The files of one post, sorted by control.
pub struct UpdateFiles {
    /// Photos by slot (from 1; beyond [`MAX_PHOTOS`] only in a post that
    /// has too many).
    photos: BTreeMap<usize, Upload>,
    video: Option<Upload>,
    poster: Option<Upload>,
    /// Every file control that had a file, for "choose it again".
    fields: Vec<&'static str>,
}

impl UpdateFiles {
    /// Sorts the post's files; a control sent twice is a malformed form.
    pub fn sort(files: Vec<Upload>, form: &UpdateForm) -> AppResult<UpdateFiles> {
        let slots = form.photo_slots();
        let mut sorted = UpdateFiles {
            photos: BTreeMap::new(),
            video: None,
            poster: None,
            fields: Vec::new(),
        };
        for upload in files {
            let twice = || AppError::BadRequest(format!("Two files for “{}”.", upload.field));
            let (place, field) = match upload.field.as_str() {
                VIDEO_FIELD => (&mut sorted.video, VIDEO_FIELD),
                POSTER_FIELD => (&mut sorted.poster, POSTER_FIELD),
                name => {
                    let Some(slot) = photo_slot(name) else {
                        continue;
                    };
                    if sorted.photos.contains_key(&slot) {
                        return Err(twice());
                    }
                    if let Some(shown) = slots.get(slot - 1) {
                        sorted.fields.push(shown.photo);
                    }
                    sorted.photos.insert(slot, upload);
                    continue;
                }
            };
            if place.is_some() {
                return Err(twice());
            }
            sorted.fields.push(field);
            *place = Some(upload);
        }
        Ok(sorted)
    }

    /// Every file control that had a file.
    pub fn fields(&self) -> &[&'static str] {
        &self.fields
    }

    /// What is wrong with the files' words (or their number), before any
    /// file is looked at.
    pub fn check_words(&self, form: &UpdateForm) -> FieldErrors {
        let mut errors = FieldErrors::default();
        if self.photos.len() > MAX_PHOTOS || self.photos.keys().any(|&slot| slot > MAX_PHOTOS) {
            errors.add(
                "photo",
                format!(
                    "An update carries at most {MAX_PHOTOS} photos, and this one had {}: \
                     publish the others in another update.",
                    self.photos.len()
                ),
            );
            return errors;
        }
        for slot in form.photo_slots() {
            if self.photos.contains_key(&slot.number) && slot.words.alt.trim().is_empty() {
                errors.add(slot.alt, ALT_REQUIRED);
            }
        }
        if self.video.is_some() && form.video_title.trim().is_empty() {
            errors.add("video_title", TITLE_REQUIRED);
        }
        if self.poster.is_some() && self.video.is_none() {
            errors.add(POSTER_FIELD, POSTER_ALONE);
        }
        errors
    }

    /// Checks and processes every file, then keeps them all and returns the
    /// Markdown lines for the update's body (the photos, then the video);
    /// `Err` with a message next to each refused file, nothing kept.
    pub async fn store(
        self,
        media: &MediaLibrary,
        db: &sqlx::SqlitePool,
        form: &UpdateForm,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<Result<Vec<String>, FieldErrors>> {
        let slots = form.photo_slots();
        let mut errors = FieldErrors::default();
        let mut photos = Vec::new();
        for (slot, upload) in self.photos {
            let slot = &slots[slot - 1];
            let prepared = prepare(media, db, upload, Expected::Photo, slot.photo, &mut errors);
            if let Some(prepared) = prepared.await? {
                photos.push((slot, prepared));
            }
        }
        let mut poster = None;
        if let Some(upload) = self.poster {
            poster = prepare(
                media,
                db,
                upload,
                Expected::Photo,
                POSTER_FIELD,
                &mut errors,
            )
            .await?;
        }
        let mut video = None;
        if let Some(upload) = self.video {
            video = prepare(media, db, upload, Expected::Video, VIDEO_FIELD, &mut errors).await?;
        }
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let mut lines = Vec::new();
        for (slot, prepared) in photos {
            let stored = commit(media, db, prepared, now).await?;
            let words = &slot.words;
            let line = photo_line(&stored, &words.alt, &words.caption, &words.credit);
            lines.push(line.ok_or_else(|| not_a_photo(&stored))?);
        }
        if let Some(video) = video {
            let poster = match poster {
                Some(poster) => Some(commit(media, db, poster, now).await?),
                None => None,
            };
            let stored = commit(media, db, video, now).await?;
            let line = video_line(
                &stored,
                poster.as_ref(),
                &form.video_title,
                &form.video_caption,
                &form.video_credit,
            );
            lines.push(line.ok_or_else(|| not_a_photo(&stored))?);
        }
        Ok(Ok(lines))
    }
}

/// `errors` with "choose it again" next to every file control in `fields`
/// (those that had a file) that has no message of its own.
pub fn ask_again(fields: &[&'static str], mut errors: FieldErrors) -> FieldErrors {
    for field in fields {
        if errors.get(field).is_none() {
            errors.add(field, choose_again(field));
        }
    }
    errors
}

/// Prepares `upload`, or files its refusal under `field`.
pub(super) async fn prepare(
    media: &MediaLibrary,
    db: &sqlx::SqlitePool,
    upload: Upload,
    expected: Expected,
    field: &'static str,
    errors: &mut FieldErrors,
) -> AppResult<Option<Prepared>> {
    match media
        .prepare(db, upload.file, &upload.file_name, expected)
        .await
    {
        Ok(prepared) => Ok(Some(prepared)),
        Err(MediaError::Refused(refusal)) => {
            errors.add(field, refusal.to_string());
            Ok(None)
        }
        Err(MediaError::Failed(cause)) => Err(AppError::from_write(cause)),
    }
}

/// Keeps a prepared upload: its files and its row.
pub(super) async fn commit(
    media: &MediaLibrary,
    db: &sqlx::SqlitePool,
    prepared: Prepared,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<StoredMedia> {
    media
        .commit(db, prepared, now)
        .await
        .map_err(|error| match error {
            MediaError::Failed(cause) => AppError::from_write(cause),
            refused @ MediaError::Refused(_) => AppError::Internal(refused.into()),
        })
}

/// A stored medium that has not the files its line needs: a fault of ours.
pub(super) fn not_a_photo(stored: &StoredMedia) -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "stored {} {} has not the files its Markdown line needs",
        stored.kind.as_str(),
        stored.id
    ))
}
