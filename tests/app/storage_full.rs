//! Nothing lost on a full disk: the database lives on a small tmpfs that a
//! filler file fills. Every save is refused with 503 and the editor's text
//! back in the form, nothing of it is stored, readers still get pages, and
//! once there is room again the same save goes through.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use awc::http::StatusCode;
use scraper::Selector;
use tempfile::TempDir;

use crate::durability::tables_differing_from;
use crate::helpers::{Page, TestApp};

/// A small tmpfs mounted for one test, unmounted when dropped (even when the
/// test panics). Mounting needs root.
struct SmallDisk {
    dir: TempDir,
}

impl SmallDisk {
    /// Mounts a tmpfs of `mib` MiB, or says why it could not.
    fn mount(mib: u32) -> Result<SmallDisk, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("running mount: {e}"))?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
        }
        Ok(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn filler(&self) -> PathBuf {
        self.path().join("filler")
    }

    /// Grows the filler file until the disk is full, then gives back `leave` bytes.
    fn fill_leaving(&self, leave: u64) {
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.filler())
            .unwrap();
        let chunk = vec![0xA5_u8; 64 * 1024];
        loop {
            match file.write(&chunk) {
                Ok(0) => break,
                Ok(_) => {}
                Err(error) if error.kind() == ErrorKind::StorageFull => break,
                Err(error) => panic!("filling the disk: {error}"),
            }
        }
        let full = file.metadata().unwrap().len();
        file.set_len(full.saturating_sub(leave)).unwrap();
    }

    /// Deletes the filler: room again.
    fn make_room(&self) {
        std::fs::remove_file(self.filler()).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // Lazy: the app's pool may still hold the database open; the kernel
        // finishes the unmount when the last file closes.
        let _ = Command::new("umount")
            .arg("--lazy")
            .arg(self.dir.path())
            .status();
    }
}

/// About 150 KB of Markdown: more than the room left on the full disk.
fn long_report() -> String {
    (0..1500)
        .map(|n| {
            format!(
                "Paragraph {n}: pickets at the main entrance of Huddersfield Royal \
                 Infirmary count the hours.\n\n"
            )
        })
        .collect()
}

/// The exact text of the form's `textarea[name=body]`.
fn body_textarea(page: &Page) -> String {
    let selector = Selector::parse("textarea[name=body]").unwrap();
    page.html()
        .select(&selector)
        .next()
        .expect("the body textarea")
        .text()
        .collect()
}

/// Asserts a form came back unsaved: 503, `Retry-After`, the alert at the
/// top, and `body` in its textarea as typed.
fn assert_form_kept(page: &Page, body: &str) {
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert_eq!(page.header("retry-after").as_deref(), Some("60"));
    let alerts = page.texts("[role=alert]");
    assert!(
        alerts
            .iter()
            .any(|a| a.contains("could not save this just now")
                && a.contains("Your text is below: copy it, or try again")),
        "{alerts:?}"
    );
    assert!(
        body_textarea(page) == body,
        "the text did not come back as typed"
    );
}

/// Moves the write-ahead log into the database and truncates it, so that
/// any later write needs new room on the disk (SQLite otherwise reuses the
/// log's space from its start). A reader can hold the truncation off for a
/// moment: retried until the log is empty.
async fn truncate_wal(app: &TestApp, database: &Path) {
    let wal = database.with_extension("db-wal");
    for _ in 0..200 {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&app.room.db)
            .await
            .unwrap();
        if std::fs::metadata(&wal).unwrap().len() == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the write-ahead log could not be truncated");
}

#[actix_web::test]
async fn a_full_disk_refuses_saves_with_the_text_back_and_stores_nothing_while_readers_read() {
    let disk = match SmallDisk::mount(8) {
        Ok(disk) => disk,
        Err(reason) => {
            eprintln!("SKIPPED: cannot mount a tmpfs to fill ({reason}); this test needs root");
            return;
        }
    };
    let database = disk.path().join("newsdesk.db");
    let app = TestApp::spawn_with(|config| {
        config.database = format!("sqlite://{}", database.display());
    })
    .await;
    let desk = app.sign_in("sarah").await;
    let slug = desk
        .create_story("Pickets at HRI", "The strike began at 8am.")
        .await;
    let first = desk
        .publish_update(
            &slug,
            &[
                ("body", "Pickets gather."),
                ("kind", "update"),
                ("time", ""),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let location = first.header("location").unwrap();
    let update_id = location.rsplit("desk-update-").next().unwrap().to_owned();

    // A copy of everything stored, and no slack left in the write-ahead log.
    let copies = tempfile::tempdir().unwrap();
    let before = copies.path().join("before.db");
    newsdesk::db::backup_into(&app.room.db, &before)
        .await
        .unwrap();
    truncate_wal(&app, &database).await;

    // Not a byte left: a write without a form says nothing was changed.
    disk.fill_leaving(0);
    let page = desk
        .post(&format!("/admin/stories/{slug}/end-live"), &[])
        .await;
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert_eq!(page.header("retry-after").as_deref(), Some("60"));
    assert!(page.body.contains("nothing was changed"), "{}", page.body);

    // Room for a line, not for a long report: the forms come back as typed.
    disk.fill_leaving(64 * 1024);
    let report = long_report();

    // The desk's update form: every field comes back as typed.
    let page = desk
        .publish_update(
            &slug,
            &[
                ("body", &report),
                ("kind", "picket"),
                ("place", "Huddersfield Royal Infirmary"),
                ("key_event", "on"),
                ("time", ""),
            ],
        )
        .await;
    assert_form_kept(&page, &report);
    assert_eq!(
        page.attrs("select[name=kind] option[selected]", "value"),
        ["picket"]
    );
    assert_eq!(
        page.attrs("input[name=place]", "value"),
        ["Huddersfield Royal Infirmary"]
    );
    assert_eq!(
        page.attrs("input[name=key_event][checked]", "value"),
        ["on"]
    );

    // The correction form.
    let page = desk
        .post(
            &format!("/admin/updates/{update_id}/edit"),
            &[("body", &report), ("kind", "update"), ("time", "")],
        )
        .await;
    assert_form_kept(&page, &report);

    // The story form.
    let fields = [
        ("headline", "Wards reopen after the strike"),
        ("standfirst", "Standfirst."),
        ("body", report.as_str()),
        ("topics", "Doctors' strike"),
        ("byline", "Desk"),
        ("status", "published"),
        ("live", "none"),
        ("action", "save"),
    ];
    let page = desk.post("/admin/stories/new", &fields).await;
    assert_form_kept(&page, &report);
    assert_eq!(
        page.attrs("input[name=headline]", "value"),
        ["Wards reopen after the strike"]
    );

    // Readers still read, and nothing of any refused save was stored.
    for path in [
        "/".to_owned(),
        format!("/news/{slug}"),
        format!("/news/{slug}/feed.xml"),
        "/search?q=pickets".to_owned(),
    ] {
        assert_eq!(app.get_page(&path).await.status, StatusCode::OK, "{path}");
    }
    assert_eq!(
        tables_differing_from(&app, &before).await,
        Vec::<String>::new()
    );

    // Room again: the same save goes through, once.
    disk.make_room();
    let page = desk
        .publish_update(
            &slug,
            &[("body", &report), ("kind", "update"), ("time", "")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM updates WHERE body_md = ?")
        .bind(&report)
        .fetch_one(&app.room.db)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    let story = app.get_page(&format!("/news/{slug}")).await;
    assert!(
        story
            .body
            .contains("Paragraph 1499: pickets at the main entrance")
    );
}
