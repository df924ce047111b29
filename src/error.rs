//! `AppError`, `AppResult`, and the error pages.

use actix_web::cookie::Cookie;
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
    /// An admin page was asked for without a session: sign in, then come back to the path.
    #[error("sign in required")]
    SignInRequired(String),
    /// An admin form arrived after its session expired. The form was kept;
    /// `page` is the sign-in page that brings the editor back to it, and
    /// `cookie` the CSRF cookie of its sign-in form.
    #[error("session expired")]
    SessionExpired {
        page: String,
        cookie: Box<Cookie<'static>>,
    },
    /// A one-time link that was already used.
    #[error("{0}")]
    Gone(&'static str),
    #[error("too many failed sign-ins; wait {0} seconds")]
    TooManyRequests(u64),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

/// A render error shared by every request that waited for the same render
/// (the page cache's single flight): each gets an equivalent error of its own.
impl From<std::sync::Arc<AppError>> for AppError {
    fn from(shared: std::sync::Arc<AppError>) -> Self {
        std::sync::Arc::try_unwrap(shared).unwrap_or_else(|shared| match &*shared {
            AppError::NotFound => AppError::NotFound,
            AppError::BadRequest(message) => AppError::BadRequest(message.clone()),
            other => AppError::Internal(anyhow::anyhow!("{other:#}")),
        })
    }
}

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
            AppError::SignInRequired(_) => StatusCode::SEE_OTHER,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::SessionExpired { .. } => StatusCode::UNAUTHORIZED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::SignInRequired(next) = self {
            let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            return HttpResponse::SeeOther()
                .insert_header(("Location", format!("/admin/login?{query}")))
                .finish();
        }
        if let AppError::SessionExpired { page, cookie } = self {
            return HttpResponse::Unauthorized()
                .cookie((**cookie).clone())
                .content_type("text/html; charset=utf-8")
                .insert_header(("Cache-Control", "no-store"))
                .body(page.clone());
        }
        let (title, message): (&str, String) = match self {
            AppError::NotFound => (
                "Page not found",
                "We could not find that page. It may have moved, or the link may be mistyped."
                    .into(),
            ),
            AppError::BadRequest(m) => ("Bad request", m.clone()),
            AppError::Forbidden(m) => ("Forbidden", (*m).to_owned()),
            AppError::Gone(m) => ("Link no longer valid", (*m).to_owned()),
            AppError::SignInRequired(_) | AppError::SessionExpired { .. } => {
                unreachable!("answered with a redirect above")
            }
            AppError::TooManyRequests(seconds) => (
                "Too many attempts",
                format!(
                    "Too many failed sign-ins. Wait {} minutes, then try again.",
                    seconds.div_ceil(60)
                ),
            ),
            AppError::Internal(error) => {
                // The log gets the whole chain; the reader gets nothing internal.
                tracing::error!("{error:#}");
                (
                    "Something went wrong",
                    "Sorry, something went wrong on our side. Please try again in a moment.".into(),
                )
            }
        };
        let page = ErrorPage {
            title,
            message: &message,
        };
        let body = page.render().unwrap_or_else(|_| message.clone());
        let mut response = HttpResponse::build(self.status_code());
        if let AppError::TooManyRequests(seconds) = self {
            response.insert_header(("Retry-After", seconds.to_string()));
        }
        response
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body(body)
    }
}

/// Default service: unknown URLs get the real 404 page.
pub async fn not_found() -> AppResult<actix_web::HttpResponse> {
    Err(AppError::NotFound)
}
