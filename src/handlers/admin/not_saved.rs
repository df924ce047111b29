//! A save the storage could not take (full disk, read-only database, lock
//! held too long): the form comes back as typed, with 503, `Retry-After` and
//! a message at the top, so the editor loses nothing. Shared by the story
//! form, the desk's update form and the update correction form.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use askama::Template;

use super::admin_html;
use crate::db::storage::StorageTrouble;
use crate::error::{AppError, AppResult, in_words};

/// A form page that can come back, as typed, when its save was not stored.
pub(super) trait FormPage: Template + Sized {
    /// The message shown at the top of the form, in a `role="alert"` region
    /// (`templates/admin/_not_saved.html`).
    fn alert_mut(&mut self) -> &mut Option<String>;

    /// This page, as typed, saying the save was not stored: status 503 and
    /// `Retry-After`.
    fn not_saved(mut self, trouble: StorageTrouble) -> AppResult<HttpResponse> {
        let seconds = trouble.retry_after_seconds();
        *self.alert_mut() = Some(format!(
            "The site could not save this just now, so nothing was saved. Your text is \
             below: copy it, or try again in {}.",
            in_words(seconds)
        ));
        let mut response = admin_html(StatusCode::SERVICE_UNAVAILABLE, self.render()?);
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
        Ok(response)
    }
}

/// Why the storage refused a form's write, to answer with
/// [`FormPage::not_saved`]; any other failure is returned as the error it is.
pub(super) fn refused_by_storage(cause: anyhow::Error) -> AppResult<StorageTrouble> {
    match AppError::from_write(cause) {
        AppError::StorageUnavailable { trouble, cause } => {
            tracing::warn!("save refused ({trouble}), form sent back: {cause:#}");
            Ok(trouble)
        }
        other => Err(other),
    }
}
