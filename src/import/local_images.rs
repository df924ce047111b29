//! The images a content file points at in the content directory
//! (`content::local_images`): each is stored through the media library
//! like a photo uploaded at the desk (turned upright, resized, metadata
//! dropped), and the file's Markdown then points at the stored photo.
//! Their bytes count in the file's hash, so a changed image is imported
//! again and an unchanged file with unchanged images is skipped.

use std::path::Path;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

use super::CheckedStory;
use crate::content::ContentError;
use crate::content::local_images::{LocalImage, local_images, repoint};
use crate::media::{ContentHash, Expected, MediaError, MediaLibrary};

/// A Markdown body of a checked file, and the line of the file it starts at.
struct Body<'a> {
    markdown: &'a mut String,
    first_line: usize,
}

/// Stores every local image of `stories` (paths relative to `dir`) and
/// points each body at its stored photos; every missing or refused image
/// comes back as an error naming the file and the line.
pub(super) async fn store_local_images(
    media: &MediaLibrary,
    db: &SqlitePool,
    dir: &Path,
    stories: &mut [CheckedStory],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<ContentError>> {
    let mut errors = Vec::new();
    for story in stories {
        let file = story.parsed.file.clone();
        let mut hashes = Vec::new();
        let mut bodies = vec![Body {
            markdown: &mut story.draft.body_md,
            first_line: story.parsed.body_line,
        }];
        for (parsed, draft) in &mut story.updates {
            bodies.push(Body {
                markdown: &mut draft.body_md,
                first_line: parsed.body_line,
            });
        }
        for body in bodies {
            let mut replacements = Vec::new();
            for image in local_images(body.markdown) {
                let line = body.first_line + image.line - 1;
                let error = |message: String| ContentError {
                    file: file.clone(),
                    line,
                    field: None,
                    message: format!("image “{}”: {message}", image.path),
                };
                match store_one(media, db, dir, &image, now).await? {
                    Ok((hash, url)) => {
                        hashes.push(hash);
                        match image.address.clone() {
                            Some(address) => replacements.push((address, url)),
                            None => errors.push(error(
                                "write its path in the image itself, `![Alt text](media/photo.jpg)`, not in a reference".into(),
                            )),
                        }
                    }
                    Err(message) => errors.push(error(message)),
                }
            }
            if !replacements.is_empty() {
                *body.markdown = repoint(body.markdown, replacements);
            }
        }
        if !hashes.is_empty() {
            story.sha256 = with_images(&story.sha256, &hashes);
        }
    }
    Ok(errors)
}

/// Reads and stores one image: its content hash and the stored photo's
/// address, or why it cannot be.
async fn store_one(
    media: &MediaLibrary,
    db: &SqlitePool,
    dir: &Path,
    image: &LocalImage,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(ContentHash, String), String>> {
    let Some(path) = image.file_in(dir) else {
        return Ok(Err(
            "give a path inside the content directory, without `..`".into(),
        ));
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            return Ok(Err(format!(
                "cannot read {}: {error}; add the file or correct the path",
                path.display()
            )));
        }
    };
    let hash = ContentHash::of(&bytes);
    match media
        .store(db, bytes.into(), &image.path, Expected::Photo, now)
        .await
    {
        Ok(stored) => match stored.fallback() {
            Some(jpeg) => Ok(Ok((hash, jpeg.url()))),
            None => Err(anyhow::anyhow!("stored photo {} has no JPEG", stored.id)),
        },
        Err(MediaError::Refused(refusal)) => Ok(Err(refusal.to_string())),
        Err(MediaError::Failed(cause)) => Err(cause.context(format!("storing {}", path.display()))),
    }
}

/// The hash of a file's text (`file_hash`, hex) together with its images'.
fn with_images(file_hash: &str, images: &[ContentHash]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(file_hash.as_bytes());
    for image in images {
        hasher.update(image.as_str().as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
