//! Path segments parsed at the edge: a handler asks for a [`Slug`] or an
//! [`UpdateId`] instead of a string, and an address whose segment is not one
//! is answered with the site's 404 page before the handler runs. The
//! client's address is extracted here too, once for every limit that counts by it.

use std::future::{Ready, ready};
use std::net::{IpAddr, Ipv4Addr};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use crate::Newsroom;
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

/// The client a request came from: the TCP peer, or the client a trusted
/// proxy names (`proxies::TrustedProxies::client`). What the sign-in
/// throttle and the live-stream limits count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl FromRequest for ClientAddress {
    type Error = AppError;
    type Future = Ready<Result<ClientAddress, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // Only a request built by hand in a unit test has no peer.
        let peer = req
            .peer_addr()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
        let forwarded_for: Vec<&str> = req
            .headers()
            .get_all("X-Forwarded-For")
            // A line that is not text cannot be checked: it stops the walk like any bad entry.
            .map(|value| value.to_str().unwrap_or("?"))
            .collect();
        let client = match req.app_data::<web::Data<Newsroom>>() {
            Some(room) => room.trusted_proxies.client(peer, &forwarded_for),
            None => peer,
        };
        ready(Ok(ClientAddress(client)))
    }
}
