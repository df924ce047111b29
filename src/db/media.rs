//! Uploaded photos and videos (`media`) and the files kept for them
//! (`media_files`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use super::Connection;
use crate::media::process::Kept;
use crate::media::{ContentHash, MediaFile, MediaKind, MediaName, StoredMedia};

/// The columns of [`MediaRow`], in its order.
// Safe to format into SQL: constants, never input.
const MEDIA_COLUMNS: &str = "id, kind, sha256, width, height, bytes, created_at";

#[derive(sqlx::FromRow)]
struct MediaRow {
    id: i64,
    kind: MediaKind,
    sha256: String,
    width: Option<u32>,
    height: Option<u32>,
    bytes: i64,
    created_at: DateTime<Utc>,
}

/// The columns of [`FileRow`], in its order.
const FILE_COLUMNS: &str = "name, width, height, bytes";

#[derive(sqlx::FromRow)]
struct FileRow {
    name: String,
    width: Option<u32>,
    height: Option<u32>,
    bytes: i64,
}

/// A [`FileRow`] with the medium it belongs to.
#[derive(sqlx::FromRow)]
struct OwnedFileRow {
    media_id: i64,
    #[sqlx(flatten)]
    file: FileRow,
}

/// Medium `id` with its files, if it exists.
pub async fn find(conn: &mut Connection, id: i64) -> sqlx::Result<Option<StoredMedia>> {
    let row = sqlx::query_as::<_, MediaRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {MEDIA_COLUMNS} FROM media WHERE id = ?"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    with_files(conn, row).await
}

/// The medium uploaded as the bytes hashed to `sha256`, if any.
pub async fn find_by_hash(
    conn: &mut Connection,
    sha256: &str,
) -> sqlx::Result<Option<StoredMedia>> {
    let row = sqlx::query_as::<_, MediaRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {MEDIA_COLUMNS} FROM media WHERE sha256 = ?"
    )))
    .bind(sha256)
    .fetch_optional(&mut *conn)
    .await?;
    with_files(conn, row).await
}

/// Every stored photo and video with its files, what a write renders
/// `/media/` images and video links from: two statements, whatever their
/// number.
pub async fn library(conn: &mut Connection) -> sqlx::Result<Vec<StoredMedia>> {
    among(conn, None).await
}

/// The media among `ids` (the lead photos of a list of stories), by id:
/// two statements, whatever their number.
pub async fn by_id(conn: &mut Connection, ids: &[i64]) -> sqlx::Result<HashMap<i64, StoredMedia>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let found = among(conn, Some(ids)).await?;
    Ok(found.into_iter().map(|media| (media.id, media)).collect())
}

/// Stored media with their files: every one, or those among `ids`.
async fn among(conn: &mut Connection, ids: Option<&[i64]>) -> sqlx::Result<Vec<StoredMedia>> {
    // The ids go in as one JSON array, read back by `json_each`: one
    // statement for any number of them.
    // Two statements, not one with `?1 IS NULL OR …`: that would read the
    // whole table even for a page's few lead photos.
    let ids = ids.map(|ids| serde_json::to_string(ids).expect("ids are JSON"));
    let chosen = match ids {
        Some(_) => "SELECT value FROM json_each(?1)",
        None => "SELECT id FROM media",
    };
    let rows = sqlx::query_as::<_, MediaRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {MEDIA_COLUMNS} FROM media WHERE id IN ({chosen}) ORDER BY id"
    )))
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let files = sqlx::query_as::<_, OwnedFileRow>(sqlx::AssertSqlSafe(format!(
        "SELECT media_id, {FILE_COLUMNS} FROM media_files
         WHERE media_id IN ({chosen})
         ORDER BY media_id, width, format DESC"
    )))
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_media: HashMap<i64, Vec<FileRow>> = HashMap::new();
    for file in files {
        by_media.entry(file.media_id).or_default().push(file.file);
    }
    rows.into_iter()
        .map(|row| {
            let files = by_media.remove(&row.id).unwrap_or_default();
            assemble(row, files)
        })
        .collect()
}

async fn with_files(
    conn: &mut Connection,
    row: Option<MediaRow>,
) -> sqlx::Result<Option<StoredMedia>> {
    let Some(row) = row else {
        return Ok(None);
    };
    // Narrowest first; at one width WebP ('webp' > 'jpeg') before JPEG.
    let files = sqlx::query_as::<_, FileRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {FILE_COLUMNS} FROM media_files WHERE media_id = ?
         ORDER BY width, format DESC"
    )))
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?;
    assemble(row, files).map(Some)
}

/// A media row and its files, narrowest first, as pages use them.
fn assemble(row: MediaRow, files: Vec<FileRow>) -> sqlx::Result<StoredMedia> {
    let files = files
        .into_iter()
        .map(|file| {
            let name = MediaName::parse(&file.name).ok_or_else(|| {
                sqlx::Error::Decode(format!("media file name “{}”", file.name).into())
            })?;
            Ok(MediaFile {
                name,
                width: file.width,
                height: file.height,
                bytes: file.bytes as u64,
            })
        })
        .collect::<sqlx::Result<_>>()?;
    Ok(StoredMedia {
        id: row.id,
        kind: row.kind,
        sha256: row.sha256,
        width: row.width,
        height: row.height,
        bytes: row.bytes as u64,
        files,
        created_at: row.created_at,
    })
}

/// Records a processed upload and its files in one transaction; returns
/// its id. If the same bytes were recorded meanwhile (two editors, one
/// photo), returns that row's id and records nothing.
pub async fn insert(
    pool: &SqlitePool,
    hash: &ContentHash,
    kept: &Kept,
    upload_bytes: u64,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let mut tx = super::write_tx(pool).await?;
    let (width, height) = kept.size.unzip();
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO media (kind, sha256, width, height, bytes, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (sha256) DO NOTHING
         RETURNING id",
    )
    .bind(kept.kind)
    .bind(hash.as_str())
    .bind(width)
    .bind(height)
    .bind(upload_bytes as i64)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = inserted else {
        return sqlx::query_scalar("SELECT id FROM media WHERE sha256 = ?")
            .bind(hash.as_str())
            .fetch_one(&mut *tx)
            .await;
    };
    for file in &kept.files {
        let (width, height) = file.size.unzip();
        sqlx::query(
            "INSERT INTO media_files (name, media_id, format, width, height, bytes)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(file.name.as_str())
        .bind(id)
        .bind(file.name.format())
        .bind(width)
        .bind(height)
        .bind(file.bytes as i64)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}
