//! `AppError`, `AppResult`, and the error pages.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

/// Errors a handler can return; each variant is something a user understands.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("page not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> Self {
        AppError::Internal(anyhow::Error::new(error).context("rendering template"))
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        AppError::Internal(anyhow::Error::new(error).context("database query"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (title, message): (&str, String) = match self {
            AppError::NotFound => (
                "Page not found",
                "We could not find that page. It may have moved, or the link may be mistyped.".into(),
            ),
            AppError::BadRequest(m) => ("Bad request", m.clone()),
            AppError::Forbidden(m) => ("Forbidden", (*m).to_owned()),
            AppError::Internal(error) => {
                // The log gets the whole chain; the reader gets nothing internal.
                tracing::error!("{error:#}");
                ("Something went wrong", "Sorry, something went wrong on our side. Please try again in a moment.".into())
            }
        };
        let page = ErrorPage { title, message: &message };
        let body = page.render().unwrap_or_else(|_| message.clone());
        HttpResponse::build(self.status_code())
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body(body)
    }
}

/// Default service: unknown URLs get the real 404 page.
pub async fn not_found() -> AppResult<actix_web::HttpResponse> {
    Err(AppError::NotFound)
}
