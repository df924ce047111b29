//! Path segments parsed at the edge: a handler asks for a [`Slug`] or an
//! [`UpdateId`] instead of a string, and an address whose segment is not one
//! is answered with the site's 404 page before the handler runs.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use crate::domain::{Slug, UpdateId};
use crate::error::AppError;

/// The route segment named `name`, parsed by `parse`; not found otherwise.
fn segment<T>(
    req: &HttpRequest,
    name: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, AppError> {
    req.match_info()
        .get(name)
        .and_then(parse)
        .ok_or(AppError::NotFound)
}

/// The `{slug}` of a story's or topic's address.
impl FromRequest for Slug {
    type Error = AppError;
    type Future = Ready<Result<Slug, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(segment(req, "slug", |text| Slug::parse(text).ok()))
    }
}

/// The `{id}` of an update's address.
impl FromRequest for UpdateId {
    type Error = AppError;
    type Future = Ready<Result<UpdateId, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(segment(req, "id", UpdateId::parse))
    }
}
