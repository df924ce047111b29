//! What newsdesk answers the push proxy, asked directly with the proxy's
//! signature: a hold on the story's channel, its replay, and, for the
//! proxy's own recovery fetch, only what the reader missed.

use awc::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};

use crate::helpers::{TestApp, plain_update};

const KEY: &str = "holds-key";

/// A `Grip-Sig` as Pushpin signs it: HS256 over `{"iss","exp"}` with the key.
fn grip_sig() -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
    let exp = chrono::Utc::now().timestamp() + 3600;
    let claims = URL_SAFE_NO_PAD.encode(format!(r#"{{"exp":{exp},"iss":"pushpin"}}"#));
    let signed = format!("{header}.{claims}");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    mac.update(signed.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signed}.{signature}")
}

#[actix_web::test]
async fn the_proxy_is_told_to_hold_and_its_recovery_fetch_gets_only_what_was_missed() {
    // Nothing listens at the publish address: publishes fail, reads do not.
    let app = TestApp::spawn_with(|config| {
        config.grip_url = Some(format!("http://127.0.0.1:9/?iss=pushpin&key={KEY}"));
    })
    .await;
    let editor = app.create_editor("desk").await;
    let slug = app.create_story("Talks resume", editor).await;
    let story = app.story(&slug).await;
    app.publish(
        &slug,
        plain_update("Both sides are at the table."),
        chrono::Utc::now(),
    )
    .await;
    let seen = app.cursor(&slug).await;
    app.publish(
        &slug,
        plain_update("A break for lunch."),
        chrono::Utc::now(),
    )
    .await;
    let events = format!("/news/{slug}/events?since={seen}");
    let sig = grip_sig();

    // A reader's first request, through the proxy: its replay and a hold.
    let held = app.get_with(&events, &[("Grip-Sig", sig.as_str())]).await;
    assert_eq!(held.status, StatusCode::OK);
    assert_eq!(held.header("grip-hold").as_deref(), Some("stream"));
    let latest = app.cursor(&slug).await;
    assert_eq!(
        held.header("grip-channel"),
        Some(format!("story:{}; prev-id={latest}", story.id))
    );
    assert!(held.body.starts_with("retry: 3000\n"), "{}", held.body);
    assert!(held.body.contains("A break for lunch."));
    assert!(!held.body.contains("at the table"), "nothing it had");
    assert_eq!(
        app.room.live.subscribers(story.id),
        0,
        "nothing stays open here"
    );

    // The proxy's recovery fetch names what it delivered: only the rest, no
    // second opening on a stream that is already open.
    let last = format!("story:{}; last-id={seen}", story.id);
    let recovered = app
        .get_with(
            &events,
            &[("Grip-Sig", sig.as_str()), ("Grip-Last", last.as_str())],
        )
        .await;
    assert!(recovered.body.starts_with("id: "), "{}", recovered.body);
    assert!(recovered.body.contains("A break for lunch."));

    // Without a valid signature it is an ordinary reader: a direct stream.
    let forged = format!("{}x", &sig[..sig.len() - 1]);
    let direct = awc::Client::new()
        .get(app.url(&events))
        .insert_header(("Grip-Sig", forged))
        .send()
        .await
        .expect("the stream opens");
    assert_eq!(direct.status(), StatusCode::OK);
    assert!(direct.headers().get("grip-hold").is_none());
}
