//! Copying the media directory for `newsdesk backup`. Its files never
//! change once written (a new upload gets a new name), so a hard link is as
//! good as a copy and costs no space; where links are impossible (another
//! file system) the bytes are copied.

use std::fs;
use std::io;
use std::path::Path;

use super::MediaName;

/// How the files reached the backup.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    pub linked: usize,
    pub copied: usize,
}

/// Copies every media file of `from` into the new directory `to` (which
/// must not exist). Files being written (temporary names) and anything
/// that is not a media file are left out. A missing `from` (no upload yet)
/// gives an empty `to`.
pub fn copy_dir(from: &Path, to: &Path) -> io::Result<Copied> {
    fs::create_dir(to)?;
    let mut done = Copied::default();
    let entries = match fs::read_dir(from) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(done),
        Err(error) => return Err(error),
    };
    for entry in entries {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().and_then(MediaName::parse) else {
            continue;
        };
        if !entry.file_type()?.is_file() {
            continue;
        }
        let target = to.join(name.as_str());
        if fs::hard_link(entry.path(), &target).is_ok() {
            done.linked += 1;
        } else {
            fs::copy(entry.path(), &target)?;
            done.copied += 1;
        }
    }
    fs::File::open(to)?.sync_all()?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::{ContentHash, FileFormat};

    #[test]
    fn media_files_are_linked_and_everything_else_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let media = dir.path().join("media");
        fs::create_dir(&media).unwrap();
        let name = MediaName::variant(&ContentHash::of(b"x"), 480, FileFormat::Jpeg);
        fs::write(media.join(name.as_str()), b"jpeg").unwrap();
        fs::write(media.join(".upload-1-2-x"), b"half").unwrap();
        fs::write(media.join("notes.txt"), b"?").unwrap();
        let backup = dir.path().join("backup.media");
        let done = copy_dir(&media, &backup).unwrap();
        assert_eq!(
            done,
            Copied {
                linked: 1,
                copied: 0
            }
        );
        let names: Vec<_> = fs::read_dir(&backup)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, [name.as_str()]);
        assert_eq!(fs::read(backup.join(name.as_str())).unwrap(), b"jpeg");
    }

    #[test]
    fn no_media_directory_gives_an_empty_backup() {
        let dir = tempfile::tempdir().unwrap();
        let backup = dir.path().join("b.media");
        assert_eq!(
            copy_dir(&dir.path().join("missing"), &backup).unwrap(),
            Copied::default()
        );
        assert!(backup.is_dir());
    }
}
