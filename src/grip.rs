//! GRIP: live streams held by a push proxy (Pushpin here, Fastly Fanout in
//! production), so that readers cost the proxy, not newsdesk.
//!
//! A stream request that comes through the proxy (its `Grip-Sig` verifies)
//! is answered with the replay it is owed and an instruction to hold the
//! connection on the story's channel; newsdesk then forgets it. Every change
//! is published once to the proxy, which sends it to every held connection.
//! Each published item carries its cursor and the cursor of the story's
//! change before it (`prev-id`): a proxy that notices a gap fetches the hold's
//! `next` link and is replayed from the database.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponseBuilder};
use anyhow::{Context, bail};
use awc::http::Uri;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::db::live_changes::ChangeRow;
use crate::live::LiveMessage;
use crate::outbound::{Kind, Message, Target};

/// How long a token newsdesk signs is valid: long enough for any clock skew
/// between newsdesk and the proxy, short enough to be useless if logged.
const TOKEN_LIFETIME: Duration = Duration::from_secs(600);

/// Seconds a held stream may receive nothing before the proxy fetches its
/// `next` link anyway (Pushpin's default is 120). That refresh is only a
/// safety net (`prev-id` already reveals a missed change), and it comes for
/// every reader of a story at once: measured with 19,500 readers, a publish
/// landing in such a burst waited seconds behind it.
const LINK_TIMEOUT_SECONDS: u64 = 600;

/// Seconds of silence after which the proxy sends a heartbeat comment, so
/// that idle connections are not closed by anything in between.
const KEEP_ALIVE_SECONDS: u64 = 15;

/// The key shared with the proxy: it signs `Grip-Sig` with it, and newsdesk
/// signs its publishes with it. From the GRIP URL's `key` (`base64:` for a
/// binary key) and `iss` parameters.
#[derive(Clone)]
pub struct GripKey {
    issuer: Option<String>,
    secret: Vec<u8>,
}

impl std::fmt::Debug for GripKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret: configuration is logged at start.
        f.debug_struct("GripKey")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct GripUrlQuery {
    iss: Option<String>,
    key: Option<String>,
}

/// A JSON Web Token's header, as far as newsdesk reads it.
#[derive(Deserialize)]
struct TokenHeader {
    alg: String,
}

/// A JSON Web Token's claims, as far as newsdesk reads them.
#[derive(Deserialize)]
struct TokenClaims {
    exp: i64,
}

impl GripKey {
    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length")
    }

    /// A signed token (JWT, HS256) claiming the issuer, valid for a few minutes.
    fn token(&self, now: DateTime<Utc>) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let mut claims = json!({ "exp": now.timestamp() + TOKEN_LIFETIME.as_secs() as i64 });
        if let Some(issuer) = &self.issuer {
            claims["iss"] = json!(issuer);
        }
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signed = format!("{header}.{claims}");
        let mut mac = self.mac();
        mac.update(signed.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signed}.{signature}")
    }

    /// The `Authorization` header of a publish: a signed token claiming the
    /// issuer, or, without an issuer, the key itself (as the GRIP libraries
    /// send a Fanout API token). Pushpin checks neither: bind its publish
    /// port to loopback.
    pub fn bearer(&self, now: DateTime<Utc>) -> String {
        match &self.issuer {
            Some(_) => format!("Bearer {}", self.token(now)),
            None => format!("Bearer {}", String::from_utf8_lossy(&self.secret)),
        }
    }

    /// Whether `token` (a `Grip-Sig`) is an unexpired HS256 token signed with this key.
    pub fn verifies(&self, token: &str, now: DateTime<Utc>) -> bool {
        let mut parts = token.trim().split('.');
        let (Some(header), Some(claims), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let decode = |part: &str| URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok();
        let Some(header_json) = decode(header) else {
            return false;
        };
        // Only HS256: never let the token choose how it is checked.
        if !serde_json::from_slice::<TokenHeader>(&header_json).is_ok_and(|h| h.alg == "HS256") {
            return false;
        }
        let mut mac = self.mac();
        mac.update(header.as_bytes());
        mac.update(b".");
        mac.update(claims.as_bytes());
        if decode(signature).is_none_or(|signature| mac.verify_slice(&signature).is_err()) {
            return false;
        }
        decode(claims)
            .and_then(|claims| serde_json::from_slice::<TokenClaims>(&claims).ok())
            .is_some_and(|claims| claims.exp > now.timestamp())
    }
}

/// Reads a GRIP URL (`http://host:port/path?iss=...&key=...`): the
/// publish endpoint's base URL and the key.
fn parse_grip_url(url: &str) -> anyhow::Result<(String, GripKey)> {
    let uri: Uri = url
        .parse()
        .with_context(|| format!("reading the GRIP URL {url}"))?;
    let query: GripUrlQuery = serde_urlencoded::from_str(uri.query().unwrap_or_default())
        .with_context(|| format!("reading the GRIP URL's parameters in {url}"))?;
    let Some(key) = query.key.filter(|key| !key.is_empty()) else {
        bail!(
            "the GRIP URL needs the key the proxy signs with (…?key=SECRET): \
             without it anyone could claim to be the proxy"
        );
    };
    let secret = match key.strip_prefix("base64:") {
        Some(encoded) => STANDARD
            .decode(encoded)
            .context("reading the GRIP URL's base64 key")?,
        None => key.into_bytes(),
    };
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        bail!("the GRIP URL must be absolute, like http://127.0.0.1:5561/?key=SECRET");
    };
    let base = format!("{scheme}://{authority}{}", uri.path().trim_end_matches('/'));
    Ok((
        base,
        GripKey {
            issuer: query.iss,
            secret,
        },
    ))
}

/// The publish endpoint under a GRIP base URL.
pub fn publish_url(base: &str) -> String {
    format!("{}/publish/", base.trim_end_matches('/'))
}

/// The channel a story's changes are published on. Channels are named by
/// kind, so that places and filtered views can have channels of their own
/// later (`place:leeds`, `story:12:key-events`).
pub fn channel(story_id: i64) -> String {
    format!("story:{story_id}")
}

/// The proxy: where to publish, and the key shared with it.
#[derive(Debug)]
pub struct Grip {
    key: GripKey,
    target: Target,
}

impl Grip {
    /// Reads `--grip-url` and starts the publisher; `None` without one.
    pub fn start(url: Option<&str>) -> anyhow::Result<Option<Grip>> {
        let Some(url) = url else {
            return Ok(None);
        };
        let (base, key) = parse_grip_url(url)?;
        Ok(Some(Grip {
            target: Target::start(Kind::Grip(key.clone()), &base)?,
            key,
        }))
    }

    /// Whether the request came through the proxy: its `Grip-Sig` verifies.
    pub fn came_through(&self, req: &HttpRequest, now: DateTime<Utc>) -> bool {
        req.headers()
            .get("Grip-Sig")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|token| self.key.verifies(token, now))
    }

    /// The last change the proxy delivered on a story's channel, from the
    /// `Grip-Last` header it sends when it recovers a gap (`story:12;
    /// last-id=345`). It is newer than the `since=` of the `next` link,
    /// which was fixed when the connection was first held.
    pub fn last_delivered(req: &HttpRequest, story_id: i64) -> Option<i64> {
        let channel = channel(story_id);
        let header = req.headers().get("Grip-Last")?.to_str().ok()?;
        header.split(',').find_map(|entry| {
            let mut parts = entry.split(';').map(str::trim);
            if parts.next()? != channel {
                return None;
            }
            parts.find_map(|param| param.strip_prefix("last-id=")?.parse().ok())
        })
    }

    /// Publishes changes, oldest first; returns at once.
    pub fn publish(&self, items: Vec<Value>) {
        if !items.is_empty() {
            self.target.send(Message::Publish(items));
        }
    }

    /// The publisher, for `/healthz`.
    pub fn target(&self) -> &Target {
        &self.target
    }
}

/// A change as a GRIP item for the story's channel: the very frame a direct
/// stream sends. `None` for a change to a draft, which no reader may see.
pub fn item(row: &ChangeRow, message: &LiveMessage) -> Option<Value> {
    if !row.story.published {
        return None;
    }
    let frame = String::from_utf8_lossy(&message.frame);
    let mut item = json!({
        "channel": channel(row.story_id),
        "id": row.seq.to_string(),
        "formats": { "http-stream": { "content": frame } },
    });
    if let Some(prev) = row.prev_seq {
        item["prev-id"] = json!(prev.to_string());
    }
    Some(item)
}

/// Makes a stream response an instruction to the proxy: hold the connection
/// on the story's channel, where the reader has everything up to cursor
/// `up_to` (0: nothing yet); fetch `next` to recover what it missed.
pub fn hold(response: &mut HttpResponseBuilder, story_id: i64, up_to: i64, next: &str) {
    let channel = match up_to {
        0 => channel(story_id),
        _ => format!("{}; prev-id={up_to}", channel(story_id)),
    };
    response
        .insert_header(("Grip-Hold", "stream"))
        .insert_header(("Grip-Channel", channel))
        .insert_header((
            "Grip-Link",
            format!("<{next}>; rel=next; timeout={LINK_TIMEOUT_SECONDS}"),
        ))
        .insert_header((
            "Grip-Keep-Alive",
            format!(": heartbeat\\n\\n; format=cstring; timeout={KEEP_ALIVE_SECONDS}"),
        ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> GripKey {
        parse_grip_url("http://127.0.0.1:5561/?iss=pushpin&key=changeme")
            .unwrap()
            .1
    }

    #[test]
    fn a_grip_url_gives_the_publish_endpoint_and_the_key() {
        let (base, key) = parse_grip_url("http://127.0.0.1:5561/?iss=pushpin&key=s3cret").unwrap();
        assert_eq!(base, "http://127.0.0.1:5561");
        assert_eq!(publish_url(&base), "http://127.0.0.1:5561/publish/");
        assert_eq!(key.secret, b"s3cret");
        assert_eq!(key.issuer.as_deref(), Some("pushpin"));
        let (base, key) = parse_grip_url("http://fanout.example/realm/?key=base64:AAEC").unwrap();
        assert_eq!(publish_url(&base), "http://fanout.example/realm/publish/");
        assert_eq!(key.secret, [0, 1, 2]);
        assert!(parse_grip_url("http://127.0.0.1:5561/").is_err(), "no key");
        assert!(parse_grip_url("http://127.0.0.1:5561/?key=base64:%%").is_err());
    }

    #[test]
    fn the_last_delivered_change_is_read_from_grip_last() {
        let request = |value: &str| {
            actix_web::test::TestRequest::default()
                .insert_header(("Grip-Last", value))
                .to_http_request()
        };
        let last = |value: &str| Grip::last_delivered(&request(value), 12);
        assert_eq!(last("story:12; last-id=345"), Some(345));
        assert_eq!(last("story:7; last-id=9, story:12; last-id=40"), Some(40));
        assert_eq!(last("story:120; last-id=345"), None);
        assert_eq!(last("story:12; last-id=x"), None);
        assert_eq!(last("story:12"), None);
        let none = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(Grip::last_delivered(&none, 12), None);
    }

    #[test]
    fn its_own_tokens_verify_until_they_expire() {
        let now = Utc::now();
        let token = key().token(now);
        assert!(key().verifies(&token, now));
        assert!(!key().verifies(&token, now + chrono::Duration::hours(1)));
        let other = parse_grip_url("http://x/?key=other").unwrap().1;
        assert!(!other.verifies(&token, now), "another key");
    }

    #[test]
    fn forged_and_malformed_signatures_do_not_verify() {
        let now = Utc::now();
        let token = key().token(now);
        let (signed, _) = token.rsplit_once('.').unwrap();
        for forged in [
            format!("{signed}."),
            format!("{signed}.AAAA"),
            signed.to_owned(),
            format!("{token}.extra"),
            String::new(),
            "a.b.c".to_owned(),
            // The same claims, "signed" with no algorithm at all.
            format!(
                "{}.{}.",
                URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
                signed.split('.').nth(1).unwrap()
            ),
        ] {
            assert!(!key().verifies(&forged, now), "{forged}");
        }
    }

    #[test]
    fn a_change_to_a_draft_is_never_published() {
        use crate::db::live_changes::StoryState;
        use crate::domain::{Change, LiveState};
        let mut row = ChangeRow {
            seq: 7,
            prev_seq: Some(3),
            story_id: 2,
            change: Change::StorySaved,
            story: StoryState {
                slug: "s".into(),
                headline: "h".into(),
                live_state: LiveState::Live,
                pinned_update_id: None,
                published: true,
            },
            update: None,
        };
        let message = LiveMessage::new(7, "story", "{}");
        let published = item(&row, &message).unwrap();
        assert_eq!(published["channel"], "story:2");
        assert_eq!(published["id"], "7");
        assert_eq!(published["prev-id"], "3");
        assert_eq!(
            published["formats"]["http-stream"]["content"],
            "id: 7\nevent: story\ndata: {}\n\n"
        );
        row.story.published = false;
        assert_eq!(item(&row, &message), None);
    }
}
