//! Writing files into the media directory so that a name, once it exists,
//! always holds its whole content: each file is written under a temporary
//! name, flushed to disk, then renamed into place. Files are never changed
//! or deleted afterwards.

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;

use super::process::NewFile;

/// Temporary files start with this; the media route never serves them
/// (they do not parse as media names) and backups skip them.
pub const TEMPORARY_PREFIX: &str = ".upload-";

/// Makes temporary names unique when two uploads of the same file overlap.
static NEXT_TEMPORARY: AtomicU64 = AtomicU64::new(0);

/// Writes `files` into `dir`; a file already there (the same upload stored
/// before) is left as it is, since its name says its content is the same.
pub fn write_all(dir: &Path, files: &[NewFile]) -> anyhow::Result<()> {
    for file in files {
        let path = dir.join(file.name.as_str());
        if path.exists() {
            continue;
        }
        let temporary = dir.join(format!(
            "{TEMPORARY_PREFIX}{}-{}-{}",
            std::process::id(),
            NEXT_TEMPORARY.fetch_add(1, Ordering::Relaxed),
            file.name
        ));
        write_durably(&temporary, &file.bytes)
            .with_context(|| format!("writing {}", temporary.display()))?;
        fs::rename(&temporary, &path).with_context(|| format!("renaming to {}", path.display()))?;
    }
    // The renames themselves are durable once the directory is flushed.
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("flushing directory {}", dir.display()))
}

fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let result = File::create(path).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if result.is_err() {
        // Half a file must not be left behind on a full disk.
        let _ = fs::remove_file(path);
    }
    result
}
