//! Uploaded photos and videos: checked and processed once, at upload, then
//! served as files that never change.
//!
//! [`MediaLibrary::store`] takes the bytes the editor uploaded and:
//!
//! 1. recognises them by their content alone ([`sniff`]): JPEG, PNG or WebP
//!    by signature, MP4 or WebM by parsing the container; SVG, HEIC,
//!    QuickTime and everything else are refused with a message that says
//!    what to do ([`Refusal`]);
//! 2. checks the size limits ([`Limits`]): bytes first, then, for a photo,
//!    the pixel count its header declares, before a pixel is decoded;
//! 3. for a photo: decodes it, turns it upright (EXIF orientation), resizes
//!    it to the widths of [`photo::WIDTHS`] (never wider than it is) and
//!    encodes each as JPEG, plus lossy WebP where that is smaller. The
//!    files hold pixels only: EXIF, GPS and every other metadata are gone.
//!    A video is kept byte for byte;
//! 4. writes the files under content-addressed names ([`MediaName`]) and
//!    records them in SQLite (`media`, `media_files`) in one transaction.
//!
//! An upload is first received into a temporary file ([`Spool`]) in the
//! media directory, hashed as it arrives; a video is parsed through a
//! memory map of it and, if kept, renamed into place. Steps 1 to 3 are
//! [`MediaLibrary::prepare`] and step 4 [`MediaLibrary::commit`], so a form
//! carrying several files can check them all before it keeps any.
//!
//! Storing the same bytes again returns the row already there. Nothing is
//! written for a refused upload. Files are never deleted: an update that
//! is deleted keeps its photos on disk, and a later clean-up may remove
//! files that no row refers to any more.

pub mod backup;
mod error;
mod files;
mod kind;
mod limits;
mod name;
pub mod photo;
pub(crate) mod process;
mod sniff;
mod spool;
mod stored;
mod video;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use sqlx::SqlitePool;
use tokio::sync::Semaphore;

pub use error::{Expected, MediaError, Reason, Refusal, megabytes};
pub use files::TEMPORARY_PREFIX;
pub use kind::{FileFormat, MediaKind};
pub use limits::Limits;
pub use name::{ContentHash, MediaName};
pub use spool::{Spool, SpooledUpload};
pub use stored::{MediaFile, StoredMedia};

use crate::db;

/// The media directory, its limits, and a bound on uploads processed at
/// once (each takes a core and up to a few hundred MB while it runs).
pub struct MediaLibrary {
    dir: PathBuf,
    limits: Limits,
    processing: Arc<Semaphore>,
}

impl MediaLibrary {
    /// The library in `dir`, created if missing.
    pub fn open(dir: &Path, limits: Limits) -> anyhow::Result<MediaLibrary> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the media directory {}", dir.display()))?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ok(MediaLibrary {
            dir: dir.to_owned(),
            limits,
            processing: Arc::new(Semaphore::new(cores.min(4))),
        })
    }

    /// The media directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The limits uploads are held to.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Where the file `name` is (or would be) on disk.
    pub fn path_of(&self, name: &MediaName) -> PathBuf {
        self.dir.join(name.as_str())
    }

    /// A temporary file in the media directory to receive an upload into.
    pub fn spool(&self) -> anyhow::Result<Spool> {
        Spool::create_in(&self.dir)
            .with_context(|| format!("creating an upload file in {}", self.dir.display()))
    }

    /// Checks, processes and stores an upload (see the module's doc);
    /// `file_name` is the name the browser sent, used in messages only.
    /// The same bytes stored twice give the same row.
    pub async fn store(
        &self,
        db: &SqlitePool,
        bytes: Bytes,
        file_name: &str,
        expected: Expected,
        now: DateTime<Utc>,
    ) -> Result<StoredMedia, MediaError> {
        let mut spool = self.spool().map_err(MediaError::Failed)?;
        let upload = blocking(move || {
            spool.write(&bytes)?;
            spool.finish()
        })
        .await?
        .context("spooling an upload")
        .map_err(MediaError::Failed)?;
        let prepared = self.prepare(db, upload, file_name, expected).await?;
        self.commit(db, prepared, now).await
    }

    /// Checks and processes a received upload, writing nothing yet: the
    /// desk prepares every file of a post before it commits any, so that
    /// one refusal stores none of them.
    pub async fn prepare(
        &self,
        db: &SqlitePool,
        upload: SpooledUpload,
        file_name: &str,
        expected: Expected,
    ) -> Result<Prepared, MediaError> {
        let refused = |reason| Refusal {
            file_name: file_name.to_owned(),
            reason,
        };
        let limits = self.limits;
        let bytes = upload.bytes();
        if bytes > limits.largest_upload() {
            return Err(refused(Reason::TooManyBytes {
                bytes,
                limit: limits.largest_upload(),
                kind: "file",
            })
            .into());
        }
        if let Some(stored) = self.find_by_hash(db, upload.hash()).await? {
            // Stored before, perhaps from another control: still a video
            // is no photo.
            if !expected.accepts(stored.kind) {
                return Err(refused(Reason::Unreadable(expected)).into());
            }
            return Ok(Prepared(Preparation::Stored(stored)));
        }
        let _permit = self.processing.acquire().await.map_err(failed)?;
        let processed = blocking(move || {
            let Some(map) = upload.map()? else {
                return Ok(Err(Reason::Empty));
            };
            let checked = sniff::sniff(&map, expected).and_then(|sniffed| {
                check_bytes(bytes, &sniffed, &limits)?;
                let hash = upload.hash().clone();
                Ok((hash, process::process(upload, &map, sniffed, &limits)?))
            });
            Ok::<_, std::io::Error>(checked)
        })
        .await?
        .context("reading an upload back")
        .map_err(MediaError::Failed)?
        .map_err(refused)?;
        let (hash, processed) = processed;
        Ok(Prepared(Preparation::New {
            hash,
            processed,
            upload_bytes: bytes,
        }))
    }

    /// Writes a prepared upload's files and records them.
    pub async fn commit(
        &self,
        db: &SqlitePool,
        prepared: Prepared,
        now: DateTime<Utc>,
    ) -> Result<StoredMedia, MediaError> {
        let (hash, processed, upload_bytes) = match prepared.0 {
            Preparation::Stored(stored) => return Ok(stored),
            Preparation::New {
                hash,
                processed,
                upload_bytes,
            } => (hash, processed, upload_bytes),
        };
        let dir = self.dir.clone();
        let kept = blocking(move || files::write_all(&dir, processed))
            .await?
            .map_err(MediaError::Failed)?;
        let id = db::media::insert(db, &hash, &kept, upload_bytes, now)
            .await
            .context("recording the upload")
            .map_err(MediaError::Failed)?;
        self.find(db, id)
            .await?
            .ok_or_else(|| failed(anyhow::anyhow!("media {id} vanished")))
    }

    async fn find_by_hash(
        &self,
        db: &SqlitePool,
        hash: &ContentHash,
    ) -> Result<Option<StoredMedia>, MediaError> {
        let mut conn = db.acquire().await.map_err(failed)?;
        db::media::find_by_hash(&mut conn, hash.as_str())
            .await
            .context("looking up an earlier upload")
            .map_err(MediaError::Failed)
    }

    async fn find(&self, db: &SqlitePool, id: i64) -> Result<Option<StoredMedia>, MediaError> {
        let mut conn = db.acquire().await.map_err(failed)?;
        db::media::find(&mut conn, id)
            .await
            .context("reading the stored upload")
            .map_err(MediaError::Failed)
    }
}

/// An upload checked and processed, not yet written ([`MediaLibrary::prepare`]).
pub struct Prepared(Preparation);

enum Preparation {
    /// The same bytes were stored before: nothing to write.
    Stored(StoredMedia),
    /// Files to write and a row to record.
    New {
        hash: ContentHash,
        processed: process::Processed,
        upload_bytes: u64,
    },
}

/// Refuses an upload larger than its kind's limit.
fn check_bytes(bytes: u64, sniffed: &sniff::Sniffed, limits: &Limits) -> Result<(), Reason> {
    let (limit, kind) = match sniffed {
        sniff::Sniffed::Photo(_) => (limits.photo_bytes, "photo"),
        sniff::Sniffed::Video(_) => (limits.video_bytes, "video"),
    };
    if bytes > limit {
        return Err(Reason::TooManyBytes { bytes, limit, kind });
    }
    Ok(())
}

/// Runs CPU or file work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, MediaError> {
    tokio::task::spawn_blocking(work).await.map_err(failed)
}

fn failed(error: impl Into<anyhow::Error>) -> MediaError {
    MediaError::Failed(error.into())
}
