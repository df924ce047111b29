//! An upload on its way in, written to a temporary file in the media
//! directory as it arrives and hashed as it goes: a 200 MB video never sits
//! in memory, and a kept video is renamed into place rather than copied.
//! The temporary file is removed when the upload is dropped unkept (refused,
//! or the same bytes were stored before).

use std::fs::Permissions;
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use memmap2::Mmap;
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use super::files::TEMPORARY_PREFIX;
use super::name::ContentHash;

/// A file being received.
pub struct Spool {
    file: NamedTempFile,
    hasher: Sha256,
    len: u64,
}

/// A file received whole: its bytes on disk, their length and hash.
pub struct SpooledUpload {
    file: NamedTempFile,
    len: u64,
    hash: ContentHash,
}

impl Spool {
    /// A new temporary file in `dir`, named so that neither the media route
    /// nor a backup ever takes it for a media file.
    pub fn create_in(dir: &Path) -> io::Result<Spool> {
        let file = tempfile::Builder::new()
            .prefix(TEMPORARY_PREFIX)
            // As `File::create` makes the photos' files (the umask applies),
            // not tempfile's private 0600: a kept video is renamed, not
            // copied, and a web server or backup user may read the directory.
            .permissions(Permissions::from_mode(0o666))
            .tempfile_in(dir)?;
        Ok(Spool {
            file,
            hasher: Sha256::new(),
            len: 0,
        })
    }

    /// Appends `chunk`. The writes go to the page cache (no flush until the
    /// file is kept), so they cost about what copying into memory would.
    pub fn write(&mut self, chunk: &[u8]) -> io::Result<()> {
        self.file.write_all(chunk)?;
        self.hasher.update(chunk);
        self.len += chunk.len() as u64;
        Ok(())
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The whole upload.
    pub fn finish(mut self) -> io::Result<SpooledUpload> {
        self.file.flush()?;
        Ok(SpooledUpload {
            file: self.file,
            len: self.len,
            hash: ContentHash::from_digest(&self.hasher.finalize()),
        })
    }
}

impl SpooledUpload {
    /// Its length in bytes.
    pub fn bytes(&self) -> u64 {
        self.len
    }

    /// The SHA-256 of its bytes.
    pub fn hash(&self) -> &ContentHash {
        &self.hash
    }

    /// Its bytes, mapped rather than read: parsing a video's container
    /// touches only the pages its headers are on. Empty files cannot be
    /// mapped, so an empty upload maps to `None`.
    pub fn map(&self) -> io::Result<Option<Mmap>> {
        if self.len == 0 {
            return Ok(None);
        }
        // SAFETY: the file is this upload's own temporary file, which
        // nothing else writes or truncates while the map lives (it is
        // created with a random name and only renamed, never changed).
        unsafe { Mmap::map(self.file.as_file()) }.map(Some)
    }

    /// Flushes it to disk and renames it to `path`, unless a file is there
    /// already (the same content, by its name): then it is dropped.
    pub fn keep_as(self, path: &Path) -> io::Result<()> {
        self.file.as_file().sync_all()?;
        match self.file.persist_noclobber(path) {
            Ok(_) => Ok(()),
            Err(error) if error.error.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            Err(error) => Err(error.error),
        }
    }
}
