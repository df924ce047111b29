//! `newsdesk backup PATH` copies the media directory to `PATH.media`.

use std::process::Command;

use super::fixtures;
use crate::helpers::TestApp;

#[actix_web::test]
async fn a_backup_holds_every_media_file_beside_the_database() {
    let app = TestApp::spawn().await;
    app.store_photo(fixtures::jpeg(&fixtures::picture(1000, 600)))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.db");
    let output = Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["backup", "--database", &app.database_url()])
        .arg("--media")
        .arg(app.room.media.dir())
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let copy = dir.path().join("copy.db.media");
    let mut copied: Vec<String> = std::fs::read_dir(&copy)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    copied.sort();
    assert_eq!(copied, app.media_dir_entries());
    for name in &copied {
        assert_eq!(
            std::fs::read(copy.join(name)).unwrap(),
            app.media_file(name)
        );
    }
    // Every file the copied database names is in the copied directory.
    let copy_db = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM media_files ORDER BY name")
        .fetch_all(&copy_db)
        .await
        .unwrap();
    assert_eq!(names, copied);

    // A second backup to the same place is refused rather than mixed in.
    let again = Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["backup", "--database", &app.database_url()])
        .arg("--media")
        .arg(app.room.media.dir())
        .arg(&path)
        .output()
        .unwrap();
    assert!(!again.status.success());
}
