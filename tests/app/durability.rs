//! Nothing is lost: concurrent editors, and backups taken while the site
//! serves and writes.

use std::path::Path;
use std::process::Command;

use awc::http::StatusCode;
use sqlx::Connection;

use crate::helpers::TestApp;

const STORY: &str = "junior-doctors-strike-live";

#[actix_web::test]
async fn twenty_editors_publishing_at_once_each_get_their_update_stored_once() {
    let app = TestApp::with_demo_content().await;
    let desk = app.sign_in("sarah").await;
    let bodies: Vec<String> = (0..20).map(|n| format!("Simultaneous {n}")).collect();
    let pages = futures_util::future::join_all(bodies.iter().map(|body| async {
        desk.publish_update(
            STORY,
            &[("body", body.as_str()), ("kind", "update"), ("time", "")],
        )
        .await
    }))
    .await;
    for page in &pages {
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    let mut conn = app.room.db.acquire().await.unwrap();
    for body in &bodies {
        let copies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM updates WHERE body_md = ?")
            .bind(body)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(copies, 1, "{body}");
    }
    // The change log orders them as their ids do: readers replay them in that order.
    let logged: Vec<i64> = sqlx::query_scalar(
        "SELECT update_id FROM live_changes WHERE event = 'update' AND update_id IN
           (SELECT id FROM updates WHERE body_md LIKE 'Simultaneous %') ORDER BY seq",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut by_id = logged.clone();
    by_id.sort_unstable();
    assert_eq!((logged.len(), &logged), (20, &by_id));
}

/// Runs `newsdesk backup` on the app's database.
fn backup(app: &TestApp, path: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["backup", "--database", &app.database_url()])
        .arg("--media")
        .arg(app.room.media.dir())
        .arg(path)
        .output()
        .unwrap()
}

/// Names of the tables that hold data (FTS5's virtual table is checked through its shadow tables).
async fn tables(conn: &mut sqlx::SqliteConnection) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
           AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(conn)
    .await
    .unwrap()
}

/// Tables whose rows differ between the live database and the copy at `copy`.
pub(crate) async fn tables_differing_from(app: &TestApp, copy: &Path) -> Vec<String> {
    let mut conn = app.room.db.acquire().await.unwrap();
    sqlx::query("ATTACH DATABASE ? AS copy")
        .bind(copy.to_str().unwrap())
        .execute(&mut *conn)
        .await
        .unwrap();
    let mut differing = Vec::new();
    for table in tables(&mut conn).await {
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT (SELECT COUNT(*) FROM (SELECT * FROM main.\"{table}\" EXCEPT SELECT * FROM copy.\"{table}\"))
                  + (SELECT COUNT(*) FROM (SELECT * FROM copy.\"{table}\" EXCEPT SELECT * FROM main.\"{table}\"))"
        )))
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        if rows != 0 {
            differing.push(table);
        }
    }
    sqlx::query("DETACH DATABASE copy")
        .execute(&mut *conn)
        .await
        .unwrap();
    differing
}

#[actix_web::test]
async fn a_backup_taken_while_editors_write_restores_every_table() {
    let app = TestApp::with_demo_content().await;
    let desk = app.sign_in("sarah").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.db");
    // Writes go on while the backup runs.
    let (backed_up, _) = futures_util::join!(
        actix_web::rt::task::spawn_blocking({
            let (url, path) = (app.database_url(), path.clone());
            move || {
                Command::new(env!("CARGO_BIN_EXE_newsdesk"))
                    .args(["backup", "--database", &url])
                    .arg(&path)
                    .output()
                    .unwrap()
            }
        }),
        async {
            for n in 0..10 {
                let body = format!("Written during the backup {n}");
                let page = desk
                    .publish_update(STORY, &[("body", &body), ("kind", "update"), ("time", "")])
                    .await;
                assert_eq!(page.status, StatusCode::SEE_OTHER);
            }
        }
    );
    let backed_up = backed_up.unwrap();
    assert!(backed_up.status.success(), "{backed_up:?}");
    let mut copy = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut copy)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    drop(copy);

    // Quiet now: a second backup holds exactly what the database holds.
    let quiet = dir.path().join("quiet.db");
    assert!(backup(&app, &quiet).status.success());
    let mut conn = app.room.db.acquire().await.unwrap();
    let names = tables(&mut conn).await;
    drop(conn);
    assert!(names.contains(&"updates".to_owned()) && names.contains(&"live_changes".to_owned()));
    assert_eq!(
        tables_differing_from(&app, &quiet).await,
        Vec::<String>::new(),
        "tables that differ in the backup"
    );

    // Restoring is putting the file in the database's place.
    let restored = TestApp::spawn_with(|config| {
        config.database = format!("sqlite://{}", quiet.display());
    })
    .await;
    let page = restored.get_page(&format!("/news/{STORY}")).await;
    assert!(
        page.texts(".update-body")
            .iter()
            .any(|t| t == "Written during the backup 9")
    );
    // And a backup never overwrites a file.
    let again = backup(&app, &quiet);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

/// A commit never copies the write-ahead log into the database file itself
/// (SQLite's default, at 1,000 pages, made one publish in fifty wait, up to
/// seconds): the server does it in the background, within seconds of any
/// write. On a new site, with a story and an update made at the desk; read
/// here from a copy of the database file alone, without its log.
#[actix_web::test]
async fn a_publish_reaches_the_database_file_itself_within_seconds() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let slug = desk.create_story("Pickets at dawn", "Body.").await;
    let body = "Copied into the database file";
    let page = desk
        .publish_update(&slug, &[("body", body), ("kind", "update"), ("time", "")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let database_file = app.database_url().replace("sqlite://", "");
    let dir = tempfile::tempdir().unwrap();
    let file_alone = dir.path().join("file-alone.db");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    // A copy taken while a checkpoint writes may be torn: that is "not yet".
    while stored_in_file_alone(&database_file, &file_alone, body).await != Some(true) {
        assert!(
            std::time::Instant::now() < deadline,
            "after 10 s the update is still only in the write-ahead log"
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Whether a copy of `database_file` alone, at `copy`, holds an update with
/// `body`; `None` when the copy cannot be read.
async fn stored_in_file_alone(database_file: &str, copy: &Path, body: &str) -> Option<bool> {
    for leftover in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{leftover}", copy.display()));
    }
    std::fs::copy(database_file, copy).ok()?;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", copy.display()))
        .await
        .ok()?;
    let copies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM updates WHERE body_md = ?")
        .bind(body)
        .fetch_one(&mut conn)
        .await
        .ok()?;
    conn.close().await.ok()?;
    Some(copies == 1)
}
