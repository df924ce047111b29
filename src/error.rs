//! `AppError`, `AppResult`, and the error pages.

use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpResponse, ResponseError, web};
use askama::Template;

use crate::Newsroom;
use crate::db::storage::{self, StorageTrouble};
use crate::site::Site;

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
    /// The client's address holds as many live streams as it may; retry after the seconds.
    #[error("too many live streams from one address")]
    TooManyStreams(u64),
    /// The server cannot take this now (password checks or live streams
    /// all busy); retry after the seconds.
    #[error("server busy; retry in {0} seconds")]
    Busy(u64),
    /// A write the storage could not take (full disk, read-only or failing
    /// file system, lock held too long); nothing of it was stored.
    #[error("could not save: {trouble}")]
    StorageUnavailable {
        trouble: StorageTrouble,
        #[source]
        cause: anyhow::Error,
    },
    /// A request body larger than the site reads.
    #[error("request body too large")]
    TooLarge,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A failed write: [`AppError::StorageUnavailable`] when the storage
    /// refused it (see [`crate::db::storage`]), otherwise internal.
    pub fn from_write(cause: anyhow::Error) -> AppError {
        match storage::trouble(&cause) {
            Some(trouble) => AppError::StorageUnavailable { trouble, cause },
            None => AppError::Internal(cause),
        }
    }

    /// Seconds to wait before trying again, sent as `Retry-After`.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::TooManyRequests(seconds)
            | AppError::TooManyStreams(seconds)
            | AppError::Busy(seconds) => Some(*seconds),
            AppError::StorageUnavailable { trouble, .. } => Some(trouble.retry_after_seconds()),
            _ => None,
        }
    }
}

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
    site: &'a Site,
    title: &'a str,
    message: &'a str,
}

/// What an error page says. `error_response` cannot reach the app state, so
/// it leaves this on the response (with the message as a plain-text body) and
/// [`pages`] renders the page in the site's layout.
#[derive(Debug, Clone)]
struct ErrorText {
    title: &'static str,
    message: String,
}

/// Middleware that renders every [`AppError`] page with the configured site
/// identity. Other error responses (actix's own 413, say) pass untouched.
pub fn pages<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(render_page)
}

fn render_page<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let text = res.response().extensions().get::<ErrorText>().cloned();
    let room = res.request().app_data::<web::Data<Newsroom>>().cloned();
    let (Some(text), Some(room)) = (text, room) else {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    };
    let page = ErrorPage {
        site: &room.site,
        title: text.title,
        message: &text.message,
    };
    let body = page.render().unwrap_or(text.message);
    let (req, response) = res.into_parts();
    let response = response.set_body(body).map_into_boxed_body();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::SignInRequired(_) => StatusCode::SEE_OTHER,
            AppError::TooManyRequests(_) | AppError::TooManyStreams(_) => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::Busy(_) | AppError::StorageUnavailable { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
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
                .insert_header(("Cache-Control", crate::freshness::PRIVATE))
                .body(page.clone());
        }
        let (title, message): (&'static str, String) = match self {
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
                    "Too many failed sign-ins. Wait {}, then try again.",
                    in_words(*seconds)
                ),
            ),
            AppError::TooManyStreams(_) => (
                "Too many live pages",
                "Too many live pages are open from your address. Close some, or this page \
                 will check for new updates every few seconds instead."
                    .into(),
            ),
            AppError::Busy(seconds) => (
                "Busy",
                format!(
                    "The site is very busy. Try again in {}.",
                    in_words(*seconds)
                ),
            ),
            AppError::StorageUnavailable { trouble, cause } => {
                tracing::warn!("write refused ({trouble}): {cause:#}");
                (
                    "Not saved",
                    format!(
                        "The site could not save this just now, so nothing was changed. \
                         Try again in {}.",
                        in_words(trouble.retry_after_seconds())
                    ),
                )
            }
            AppError::TooLarge => (
                "Too large",
                format!(
                    "That is more than the site accepts ({} KB at most).",
                    crate::body_limit::MAX_BODY_BYTES / 1024
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
        let mut builder = HttpResponse::build(self.status_code());
        if let Some(seconds) = self.retry_after() {
            builder.insert_header(("Retry-After", seconds.to_string()));
        }
        let mut response = builder
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", crate::freshness::PRIVATE))
            .body(message.clone());
        response
            .extensions_mut()
            .insert(ErrorText { title, message });
        response
    }
}

/// A wait for people: "40 seconds", "3 minutes".
pub(crate) fn in_words(seconds: u64) -> String {
    match seconds {
        1 => "1 second".into(),
        0..120 => format!("{seconds} seconds"),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

/// Default service: unknown URLs get the real 404 page.
pub async fn not_found() -> AppResult<actix_web::HttpResponse> {
    Err(AppError::NotFound)
}
