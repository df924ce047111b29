//! Reading a desk form that may carry a photo: `multipart/form-data` from
//! the desk's forms, or `application/x-www-form-urlencoded` from anything
//! that sends no file. Either way the text fields come out urlencoded, so
//! the CSRF gate, kept forms and `parse_form` work on them unchanged.

use actix_multipart::Multipart;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, web};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

use crate::error::{AppError, AppResult};
use crate::routes::MAX_ADMIN_FORM_BYTES;

/// The multipart field that carries the photo.
pub const PHOTO_FIELD: &str = "photo";

/// A file as the browser sent it.
pub struct Upload {
    /// The name on the editor's device: for messages only.
    pub file_name: String,
    pub bytes: Bytes,
}

/// A desk form post: its text fields, urlencoded, and its photo, if one was chosen.
pub struct DeskPost {
    pub fields: Bytes,
    pub photo: Option<Upload>,
}

/// Whether the request says it is `multipart/form-data`.
pub fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// Reads the post: text fields up to [`MAX_ADMIN_FORM_BYTES`] in all, a
/// photo up to `photo_bytes`; more is the site's 413. Without `keep_photo`
/// (nobody is signed in: a stranger, or an editor whose session ended) the
/// photo is read past and dropped, never held in memory, and the text is
/// kept as usual.
pub async fn read_desk_post(
    req: &HttpRequest,
    mut payload: web::Payload,
    photo_bytes: u64,
    keep_photo: bool,
) -> AppResult<DeskPost> {
    if !is_multipart(req) {
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if body.len() + chunk.len() > MAX_ADMIN_FORM_BYTES {
                return Err(AppError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        return Ok(DeskPost {
            fields: body.freeze(),
            photo: None,
        });
    }
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut text: Vec<(String, String)> = Vec::new();
    let mut text_bytes = 0usize;
    let mut photo = None;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(unreadable)?;
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_owned);
        let is_photo = name == PHOTO_FIELD && file_name.is_some();
        let limit = if is_photo {
            usize::try_from(photo_bytes).unwrap_or(usize::MAX)
        } else {
            MAX_ADMIN_FORM_BYTES.saturating_sub(text_bytes)
        };
        let keep = !is_photo || keep_photo;
        let mut bytes = BytesMut::new();
        let mut read = 0usize;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            read += chunk.len();
            if read > limit {
                return Err(AppError::TooLarge);
            }
            if keep {
                bytes.extend_from_slice(&chunk);
            }
        }
        if !keep {
            continue;
        }
        if is_photo {
            let file_name = file_name.unwrap_or_default();
            // A file control left empty sends a part with no name and no bytes.
            if !(bytes.is_empty() && file_name.is_empty()) {
                photo = Some(Upload {
                    file_name,
                    bytes: bytes.freeze(),
                });
            }
            continue;
        }
        if file_name.is_some() {
            // Any other file is none of the desk's business.
            continue;
        }
        text_bytes += name.len() + bytes.len();
        let value = String::from_utf8(bytes.to_vec())
            .map_err(|_| AppError::BadRequest("The form is not UTF-8 text.".into()))?;
        text.push((name, value));
    }
    let fields = serde_urlencoded::to_string(&text)
        .map_err(|e| AppError::BadRequest(format!("Malformed form: {e}")))?;
    Ok(DeskPost {
        fields: Bytes::from(fields),
        photo,
    })
}

fn unreadable(error: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!("The form could not be read: {error}"))
}
