//! Request bodies larger than the site reads: 413 on every route, answered
//! from the declared length without reading the body.

use std::time::Duration;

use awc::http::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::TestApp;

const TWENTY_MB: usize = 20_000_000;

impl TestApp {
    /// Sends `method path` with `Content-Length: declared` and `body` over a
    /// raw connection (so the length may lie) and returns the response's
    /// status code, read while the body may still be going out.
    async fn raw_status(&self, method: &str, path: &str, declared: usize, body: Vec<u8>) -> u16 {
        let address = self.address.trim_start_matches("http://");
        let stream = TcpStream::connect(address).await.expect("connects");
        let (mut reader, mut writer) = stream.into_split();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {address}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {declared}\r\n\r\n"
        );
        let sending = tokio::spawn(async move {
            // The server may answer and close before the body is all sent.
            let _ = writer.write_all(head.as_bytes()).await;
            let _ = writer.write_all(&body).await;
            writer
        });
        let mut response = Vec::new();
        let mut chunk = [0u8; 4096];
        while !response.windows(4).any(|w| w == b"\r\n\r\n") {
            let read = tokio::time::timeout(Duration::from_secs(5), reader.read(&mut chunk))
                .await
                .expect("an answer within 5 s, without the body being read")
                .expect("response read");
            assert!(read > 0, "connection closed without an answer");
            response.extend_from_slice(&chunk[..read]);
        }
        sending.abort();
        let status_line = String::from_utf8_lossy(&response);
        status_line.split(' ').nth(1).unwrap().parse().unwrap()
    }
}

#[actix_web::test]
async fn a_20_mb_sign_in_form_gets_413() {
    let app = TestApp::spawn().await;
    let body = vec![b'a'; TWENTY_MB];
    assert_eq!(
        app.raw_status("POST", "/admin/login", TWENTY_MB, body)
            .await,
        413
    );
}

#[actix_web::test]
async fn a_declared_20_mb_body_gets_413_before_it_arrives() {
    let app = TestApp::spawn().await;
    for path in ["/admin/login", "/admin/stories/new", "/", "/news/anything"] {
        let short = b"username=a&password=b".to_vec();
        for method in ["POST", "PUT"] {
            let status = app.raw_status(method, path, TWENTY_MB, short.clone()).await;
            assert_eq!(status, 413, "{method} {path}");
        }
    }
}

#[actix_web::test]
async fn a_20_mb_body_to_a_reader_route_gets_413() {
    let app = TestApp::spawn().await;
    for method in ["POST", "PUT"] {
        let status = app
            .raw_status(method, "/", TWENTY_MB, vec![b'a'; TWENTY_MB])
            .await;
        assert_eq!(status, 413, "{method} /");
    }
}

#[actix_web::test]
async fn a_sign_in_form_over_its_own_limit_gets_the_sites_413_page() {
    let app = TestApp::spawn().await;
    let long = "x".repeat(100 * 1024);
    let page = app.post_login("sarah", &long).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(page.texts("h1"), ["Too large"]);
}
