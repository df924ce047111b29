//! Writing files into the media directory so that a name, once it exists,
//! always holds its whole content: each file is written under a temporary
//! name, flushed to disk, then renamed into place. Files are never changed
//! or deleted afterwards.

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;

use super::process::{Content, Kept, KeptFile, Processed};

/// Temporary files start with this; the media route never serves them
/// (they do not parse as media names) and backups skip them.
pub const TEMPORARY_PREFIX: &str = ".upload-";

/// Makes temporary names unique when two uploads of the same file overlap.
static NEXT_TEMPORARY: AtomicU64 = AtomicU64::new(0);

/// Writes the files of `processed` into `dir`; a file already there (the
/// same upload stored before) is left as it is, since its name says its
/// content is the same. An upload kept as it came is flushed and renamed,
/// never copied.
pub fn write_all(dir: &Path, processed: Processed) -> anyhow::Result<Kept> {
    let mut kept = Vec::with_capacity(processed.files.len());
    for file in processed.files {
        let path = dir.join(file.name.as_str());
        kept.push(KeptFile {
            name: file.name.clone(),
            size: file.size,
            bytes: file.len(),
        });
        if path.exists() {
            continue;
        }
        let bytes = match file.content {
            Content::Encoded(bytes) => bytes,
            Content::Upload(upload) => {
                upload
                    .keep_as(&path)
                    .with_context(|| format!("keeping the upload as {}", path.display()))?;
                continue;
            }
        };
        let temporary = dir.join(format!(
            "{TEMPORARY_PREFIX}{}-{}-{}",
            std::process::id(),
            NEXT_TEMPORARY.fetch_add(1, Ordering::Relaxed),
            file.name
        ));
        write_durably(&temporary, &bytes)
            .with_context(|| format!("writing {}", temporary.display()))?;
        fs::rename(&temporary, &path).with_context(|| format!("renaming to {}", path.display()))?;
    }
    // The renames themselves are durable once the directory is flushed.
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("flushing directory {}", dir.display()))?;
    Ok(Kept {
        kind: processed.kind,
        size: processed.size,
        files: kept,
    })
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
