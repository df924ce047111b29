//! Uploaded photos and videos: what `MediaLibrary::store` keeps (widths,
//! formats, orientation, no metadata), what it refuses (with the message
//! and nothing stored), and how `/media/...` serves the files.

mod backup;
mod desk_upload;
mod desk_video;
pub mod fixtures;
mod gallery;
mod import;
pub mod lead_photo;
mod processing;
mod refusals;
mod serving;

use newsdesk::media::{Expected, MediaError, StoredMedia};

use crate::editor_session::EditorSession;
use crate::helpers::{Page, TestApp};

/// A file for a form's file control: (control, file name, type, bytes).
pub type FilePart<'a> = (&'a str, &'a str, &'a str, &'a [u8]);

/// Posts the update form as a browser does: `fields` besides the kind and
/// the CSRF token, and `files` in their controls.
pub async fn publish_with_files(
    session: &EditorSession<'_>,
    slug: &str,
    fields: &[(&str, &str)],
    files: &[FilePart<'_>],
) -> Page {
    let mut all = vec![("kind", "update"), ("csrf_token", session.csrf.as_str())];
    all.extend_from_slice(fields);
    session
        .app
        .post_multipart(
            &format!("/admin/stories/{slug}/updates"),
            &session.cookie,
            &all,
            files,
        )
        .await
}

/// Posts an update with a gallery of three photos (landscape, portrait,
/// square) and, when `with_video`, a video with a poster; `alt_2` is the
/// second photo's alt text (empty to be refused).
pub async fn publish_gallery(
    session: &EditorSession<'_>,
    slug: &str,
    alt_2: &str,
    with_video: bool,
) -> Page {
    let jpegs: Vec<Vec<u8>> = [(640, 480), (480, 640), (500, 500)]
        .into_iter()
        .map(|(w, h)| fixtures::jpeg(&fixtures::picture(w, h)))
        .collect();
    let mp4 = fixtures::mp4(2_000);
    let mut files = vec![
        ("photo", "1.jpg", "image/jpeg", jpegs[0].as_slice()),
        ("photo_2", "2.jpg", "image/jpeg", jpegs[1].as_slice()),
        ("photo_3", "3.jpg", "image/jpeg", jpegs[2].as_slice()),
    ];
    if with_video {
        files.push(("video", "choir.mp4", "video/mp4", mp4.as_slice()));
        files.push(("video_poster", "1.jpg", "image/jpeg", jpegs[0].as_slice()));
    }
    let words = [
        ("body", "Pickets at three gates, and the choir."),
        ("alt", "Doctors at the main gate"),
        ("caption", "Main gate"),
        ("credit", "Jo Bloggs"),
        ("alt_2", alt_2),
        ("alt_3", "A placard reading Fair Pay"),
        ("video_title", "The NHS Choir sings"),
        ("video_credit", "Jo Bloggs"),
    ];
    publish_with_files(session, slug, &words, &files).await
}

/// The form was accepted: the desk redirects (303).
pub fn assert_published(page: &Page) {
    assert_eq!(
        page.status,
        awc::http::StatusCode::SEE_OTHER,
        "{}",
        page.body
    );
}

/// The form came back (422) with `message` in the error next to `field`.
pub fn assert_refused_at(page: &Page, field: &str, message: &str) {
    assert_eq!(
        page.status,
        awc::http::StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    let shown = page.texts(&format!("#{field}-error")).join(" ");
    assert!(shown.contains(message), "{field}: {shown}\n{}", page.body);
}

/// An app with an editor, "desk", and a story: its slug.
pub async fn desk() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    let slug = {
        let session = app.sign_in("desk").await;
        session.create_story("Pickets at the HRI", "Story.").await
    };
    (app, slug)
}

impl TestApp {
    /// Stores `bytes` as the desk does with an upload named `file_name`.
    pub async fn store_media(
        &self,
        bytes: Vec<u8>,
        file_name: &str,
        expected: Expected,
    ) -> Result<StoredMedia, MediaError> {
        self.room
            .media
            .store(
                &self.room.db,
                bytes.into(),
                file_name,
                expected,
                chrono::Utc::now(),
            )
            .await
    }

    /// Stores a photo that must be accepted.
    pub async fn store_photo(&self, bytes: Vec<u8>) -> StoredMedia {
        self.store_media(bytes, "photo.jpg", Expected::Photo)
            .await
            .expect("the photo is stored")
    }

    /// Asserts that no upload is kept: no media row, no file in the media
    /// directory (temporary ones included).
    pub async fn assert_no_media(&self) {
        assert_eq!(self.media_rows().await, (0, 0));
        assert_eq!(self.media_dir_entries(), Vec::<String>::new());
    }

    /// Every entry in the media directory, temporary files included.
    pub fn media_dir_entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.room.media.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    /// Rows in `media` and `media_files`.
    pub async fn media_rows(&self) -> (i64, i64) {
        let mut conn = self.room.db.acquire().await.unwrap();
        let media = sqlx::query_scalar("SELECT count(*) FROM media")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let files = sqlx::query_scalar("SELECT count(*) FROM media_files")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        (media, files)
    }

    /// The bytes of a stored file, read from the media directory.
    pub fn media_file(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.room.media.dir().join(name)).unwrap()
    }
}
