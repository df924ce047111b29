//! Uploaded photos and videos: what `MediaLibrary::store` keeps (widths,
//! formats, orientation, no metadata), what it refuses (with the message
//! and nothing stored), and how `/media/...` serves the files.

mod backup;
mod desk_upload;
mod fixtures;
mod import;
mod lead_photo;
mod processing;
mod refusals;
mod serving;

use newsdesk::media::{Expected, MediaError, StoredMedia};

use crate::helpers::TestApp;

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
