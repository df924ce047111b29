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
