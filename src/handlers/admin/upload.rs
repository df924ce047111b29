//! Reading a desk form that may carry files: `multipart/form-data` from
//! the desk's forms, or `application/x-www-form-urlencoded` from anything
//! that sends no file. Either way the text fields come out urlencoded, so
//! the CSRF gate, kept forms and `parse_form` work on them unchanged.

use actix_multipart::Multipart;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, web};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

use crate::error::{AppError, AppResult};
use crate::media::{MediaLibrary, Spool, SpooledUpload};
use crate::routes::MAX_ADMIN_FORM_BYTES;

/// A file as the browser sent it, received into the media directory.
pub struct Upload {
    /// The form control it came from.
    pub field: String,
    /// The name on the editor's device: for messages only.
    pub file_name: String,
    pub file: SpooledUpload,
}

/// A desk form post: its text fields, urlencoded, and the files chosen, in
/// the order they came.
pub struct DeskPost {
    pub fields: Bytes,
    pub files: Vec<Upload>,
}

/// What the form's file controls may carry: the most bytes for a control's
/// file (`None`: not a control of this form, its file is read past and
/// dropped), and for all of them together.
pub struct FileLimits<'a> {
    pub per_field: &'a dyn Fn(&str) -> Option<u64>,
    pub total: u64,
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

/// Reads the post: text fields up to [`MAX_ADMIN_FORM_BYTES`] in all, each
/// file up to its control's limit and all of them up to `limits.total`;
/// more is the site's 413. Files are spooled into `media` as they arrive.
/// Without `media` (nobody is signed in: a stranger, or an editor whose
/// session ended) every file is read past and dropped, never stored even
/// for a moment, and the text is kept as usual.
pub async fn read_desk_post(
    req: &HttpRequest,
    mut payload: web::Payload,
    limits: &FileLimits<'_>,
    media: Option<&MediaLibrary>,
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
            files: Vec::new(),
        });
    }
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut text: Vec<(String, String)> = Vec::new();
    let mut text_bytes = 0usize;
    let mut file_bytes = 0u64;
    let mut files = Vec::new();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(unreadable)?;
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_owned);
        if let Some(file_name) = file_name {
            // Any other file is none of the desk's business: read past.
            let limit = (limits.per_field)(&name);
            let mut spool = match (media, limit) {
                (Some(media), Some(_)) => Some(media.spool().map_err(AppError::from_write)?),
                _ => None,
            };
            let mut read = 0u64;
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(unreadable)?;
                read += chunk.len() as u64;
                file_bytes += chunk.len() as u64;
                if limit.is_some_and(|limit| read > limit) || file_bytes > limits.total {
                    return Err(AppError::TooLarge);
                }
                if let Some(spool) = spool.as_mut() {
                    spool.write(&chunk).map_err(stored_nothing)?;
                }
            }
            // A file control left empty sends a part with no name and no bytes.
            match spool {
                Some(spool) if !(spool.is_empty() && file_name.is_empty()) => {
                    files.push(Upload {
                        field: name,
                        file_name,
                        file: finish(spool)?,
                    });
                }
                _ => {}
            }
            continue;
        }
        let mut bytes = BytesMut::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if text_bytes + name.len() + bytes.len() + chunk.len() > MAX_ADMIN_FORM_BYTES {
                return Err(AppError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
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
        files,
    })
}

fn finish(spool: Spool) -> AppResult<SpooledUpload> {
    spool.finish().map_err(stored_nothing)
}

/// The media directory could not take an upload (a full disk, say).
fn stored_nothing(error: std::io::Error) -> AppError {
    AppError::from_write(anyhow::Error::new(error).context("receiving an upload"))
}

fn unreadable(error: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!("The form could not be read: {error}"))
}
