//! The `newsdesk serve` process itself: it stops promptly and gracefully on
//! SIGTERM even with live streams open, and an acknowledged write survives `kill -9`.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use awc::http::StatusCode;

use crate::helpers::{TestApp, demo_content};

/// Starts `newsdesk serve` on the test app's database and a free port, and
/// points the app's HTTP helpers at it.
async fn serve_process(app: &mut TestApp) -> Child {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--database",
            &app.database_url(),
        ])
        .arg("--media")
        .arg(app.room.media.dir())
        .arg("--content")
        .arg(demo_content())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    app.address = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.try_get("/healthz").await != Some(StatusCode::OK) {
        assert!(Instant::now() < deadline, "newsdesk serve did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child
}

/// Sends a signal to the process and waits (at most `limit`) for it to exit.
fn signal_and_wait(child: &mut Child, signal: &str, limit: Duration) -> std::process::ExitStatus {
    Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "newsdesk did not exit after kill {signal}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[actix_web::test]
async fn sigterm_stops_the_server_gracefully_even_with_live_streams_open() {
    let mut app = TestApp::spawn().await;
    let mut server = serve_process(&mut app).await;
    let stream = awc::Client::new()
        .get(app.url("/news/junior-doctors-strike-live/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    // A hang guard, not a speed target: actix's own limit would be 30 s.
    let status = signal_and_wait(&mut server, "-TERM", Duration::from_secs(15));
    assert!(status.success(), "{status}");
}

#[actix_web::test]
async fn an_acknowledged_update_survives_kill_9() {
    let mut app = TestApp::spawn().await;
    let mut server = serve_process(&mut app).await;
    let desk = app.sign_in("sarah").await;
    let fields = [
        ("body", "Written just before the power cut"),
        ("kind", "update"),
        ("time", ""),
    ];
    let acknowledged = desk
        .publish_update("junior-doctors-strike-live", &fields)
        .await;
    assert_eq!(acknowledged.status, StatusCode::SEE_OTHER);
    drop(desk);
    signal_and_wait(&mut server, "-KILL", Duration::from_secs(15));

    let mut restarted = serve_process(&mut app).await;
    let page = app.get_page("/news/junior-doctors-strike-live").await;
    assert!(
        page.texts(".update-body")
            .iter()
            .any(|t| t == "Written just before the power cut")
    );
    signal_and_wait(&mut restarted, "-TERM", Duration::from_secs(15));
}

/// A small deterministic generator (xorshift64*) for kill moments: the same
/// rounds every run, so a failure is reproducible.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

#[actix_web::test]
async fn every_acknowledged_publish_survives_twenty_kill_9s_at_random_moments() {
    let mut app = TestApp::spawn().await;
    app.create_editor("sarah").await;
    let mut seed = 0x00c0_ffee_u64;
    let acknowledged = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    for round in 0..20 {
        let mut server = serve_process(&mut app).await;
        let desk = app.sign_in_again("sarah").await;
        let (cookie, csrf) = (desk.cookie.clone(), desk.csrf.clone());
        drop(desk);
        let address = app.address.clone();
        let written = acknowledged.clone();
        // Publishes as fast as the desk answers until the server dies.
        let publishing = actix_web::rt::spawn(async move {
            let client = awc::Client::builder().disable_redirects().finish();
            for item in 0.. {
                let body = format!("Round {round} item {item}");
                let sent = client
                    .post(format!(
                        "{address}/admin/stories/junior-doctors-strike-live/updates"
                    ))
                    .insert_header(("Cookie", cookie.as_str()))
                    .send_form(&[
                        ("body", body.as_str()),
                        ("kind", "update"),
                        ("time", ""),
                        ("csrf_token", csrf.as_str()),
                    ])
                    .await;
                match sent {
                    Ok(response) if response.status() == StatusCode::SEE_OTHER => {
                        written.borrow_mut().push(body)
                    }
                    Ok(response) => panic!("the desk answered {}", response.status()),
                    Err(_) => return,
                }
            }
        });
        let wait = 50 + next_random(&mut seed) % 400;
        actix_web::rt::time::sleep(Duration::from_millis(wait)).await;
        signal_and_wait(&mut server, "-KILL", Duration::from_secs(15));
        let _ = publishing.await;
    }
    let mut server = serve_process(&mut app).await;
    let mut conn = app.room.db.acquire().await.unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let acknowledged = acknowledged.borrow().clone();
    assert!(acknowledged.len() > 20, "the rounds published something");
    for body in acknowledged.iter() {
        let copies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM updates WHERE body_md = ?")
            .bind(body)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(copies, 1, "acknowledged “{body}” is stored exactly once");
    }
    signal_and_wait(&mut server, "-TERM", Duration::from_secs(15));
}
