//! `GET /media/{name}`: uploaded photos and videos. A name is a hash of the
//! upload, so its bytes never change and caches may keep them for a year.
//! actix-files answers `Range` (one range: a video's seeking), `If-Range`,
//! ETags and the conditional headers.

use actix_files::NamedFile;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use anyhow::Context;

use crate::Newsroom;
use crate::error::{AppError, AppResult};
use crate::media::MediaName;

/// A year, and never revalidated: the name changes if the content does.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `GET /media/{name}`: only names of newsdesk's own pattern are looked
/// up ([`MediaName::parse`]); anything else, traversal attempts included,
/// is a 404 without touching the disk.
pub async fn media_file(
    req: HttpRequest,
    name: web::Path<String>,
    room: web::Data<Newsroom>,
) -> AppResult<HttpResponse> {
    let name = MediaName::parse(&name).ok_or(AppError::NotFound)?;
    let path = room.media.path_of(&name);
    // Opening reads the file's metadata too: off the async threads.
    let opened = web::block(move || NamedFile::open(path))
        .await
        .context("opening a media file")?;
    let file = match opened {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(AppError::NotFound);
        }
        Err(error) => {
            return Err(anyhow::Error::new(error)
                .context("opening a media file")
                .into());
        }
    };
    let content_type = name
        .format()
        .content_type()
        .parse()
        .context("a known content type")?;
    let mut response = file
        .set_content_type(content_type)
        .disable_content_disposition()
        .use_etag(true)
        .use_last_modified(true)
        .into_response(&req);
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    Ok(response)
}
