//! Refuses a request body larger than any route reads, before routing and
//! without reading it: a client announcing 20 MB gets 413 at once, whatever
//! the method and path. Routes that read bodies bound them again as they
//! read (`routes`), which catches bodies sent without a length.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};

use crate::error::AppError;
use crate::routes::MAX_ADMIN_FORM_BYTES;

/// The largest body any route accepts, in bytes: the admin's story form.
pub const MAX_BODY_BYTES: usize = MAX_ADMIN_FORM_BYTES;

/// Middleware: 413 for a declared `Content-Length` over [`MAX_BODY_BYTES`]
/// (or one that is not a number, which no honest client sends).
pub async fn refuse_oversized_bodies(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let declared = req.headers().get(CONTENT_LENGTH).map(|value| {
        value
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
    });
    let limit = upload_limit(&req).unwrap_or(MAX_BODY_BYTES);
    if let Some(length) = declared
        && length.is_none_or(|length| length > limit)
    {
        let response = AppError::TooLarge.error_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// A desk form carrying files (multipart, under `/admin/`) may be as large
/// as the update form's files at their limits (six photos, a poster and a
/// video) plus the form's text; the handler bounds each part again as it
/// reads, and receives files only from a signed-in editor.
fn upload_limit(req: &ServiceRequest) -> Option<usize> {
    let multipart = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if !multipart || !req.path().starts_with("/admin/") {
        return None;
    }
    let room = req.app_data::<actix_web::web::Data<crate::Newsroom>>()?;
    let (_, files) = crate::handlers::admin::update_media::file_limits(room.media.limits());
    Some(MAX_BODY_BYTES.saturating_add(usize::try_from(files).ok()?))
}
