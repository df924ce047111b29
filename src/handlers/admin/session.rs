//! Who is signed in: the session cookie, the `Editor` extractor for admin
//! pages, and the CSRF token every admin POST must carry.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use chrono::Duration;
use serde::Deserialize;

use crate::Newsroom;
use crate::auth::{new_token, same_secret, token_hash};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::site::Site;

pub const SESSION_COOKIE: &str = "newsdesk_session";

/// The signed-in editor of a request.
#[derive(Debug, Clone)]
pub struct Editor {
    pub id: i64,
    /// The login name: shown at the desk only, never to readers.
    pub username: String,
    /// The name readers see, once the editor has set one.
    pub display_name: Option<String>,
    /// Bound to the session; every admin form carries it.
    pub csrf_token: String,
}

impl Editor {
    /// The name readers see on this editor's work: their display name or,
    /// until they set one, the publication's. Never the login username.
    pub fn public_name<'a>(&'a self, site: &'a Site) -> &'a str {
        self.display_name.as_deref().unwrap_or(&site.name)
    }
}

/// The editor whose valid session cookie came with the request, if any.
pub async fn current_editor(req: &HttpRequest, room: &Newsroom) -> AppResult<Option<Editor>> {
    let Some(cookie) = req.cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let mut conn = room.db.acquire().await?;
    let session =
        db::editors::find_session(&mut conn, &token_hash(cookie.value()), room.clock.now()).await?;
    Ok(session.map(|s| Editor {
        id: s.editor_id,
        username: s.username,
        display_name: s.display_name,
        csrf_token: s.csrf_token,
    }))
}

/// Admin pages take an `Editor`; without one the reader is sent to sign in
/// and brought back afterwards.
impl FromRequest for Editor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Editor, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let room = req
                .app_data::<web::Data<Newsroom>>()
                .expect("app data")
                .clone();
            current_editor(&req, &room)
                .await?
                .ok_or_else(|| AppError::SignInRequired(req.uri().to_string()))
        })
    }
}

/// Starts a session for `editor_id` and returns its cookie.
pub async fn start_session(room: &Newsroom, editor_id: i64) -> AppResult<Cookie<'static>> {
    let token = new_token();
    let now = room.clock.now();
    let mut conn = room.db.acquire().await?;
    let expires = now + Duration::seconds(room.session_seconds);
    db::editors::insert_session(
        &mut conn,
        &token_hash(&token),
        editor_id,
        &new_token(),
        now,
        expires,
    )
    .await?;
    // The cookie outlives the session by as long as the server remembers an
    // expired one: a form posted after the session ends still arrives with
    // it, so the server knows whose text to keep.
    let lifetime = room.session_seconds + db::editors::EXPIRED_SESSIONS_KEPT_DAYS * 24 * 3600;
    Ok(session_cookie(
        room,
        token,
        CookieDuration::seconds(lifetime),
    ))
}

/// The session cookie: invisible to scripts, not sent on cross-site
/// sub-requests, and HTTPS-only when the site is served over HTTPS.
pub fn session_cookie(room: &Newsroom, value: String, max_age: CookieDuration) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, value)
        .path("/admin")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(room.site_url.starts_with("https://"))
        .max_age(max_age)
        .finish()
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

/// Refuses a form whose CSRF token is not this editor's session's.
pub fn check_csrf(editor: &Editor, body: &[u8]) -> AppResult<()> {
    let field: CsrfField = serde_urlencoded::from_bytes(body).unwrap_or(CsrfField {
        csrf_token: String::new(),
    });
    if !same_secret(&field.csrf_token, &editor.csrf_token) {
        return Err(AppError::Forbidden(
            "This form has expired or did not come from this site. Go back, reload the page and try again.",
        ));
    }
    Ok(())
}

/// Parses a urlencoded admin form; a malformed body is the client's fault.
pub fn parse_form<T: serde::de::DeserializeOwned>(body: &[u8]) -> AppResult<T> {
    serde_urlencoded::from_bytes(body)
        .map_err(|e| AppError::BadRequest(format!("Malformed form: {e}")))
}
