//! Which failed writes mean the storage cannot take a write just now (a full
//! disk, a read-only or failing file system, the write lock held too long),
//! as opposed to a fault in newsdesk. The one place that reads SQLite's
//! error codes.

use std::fmt;
use std::io::ErrorKind;

/// Why the storage refused a write. Nothing of the write was stored: every
/// write is one transaction, which SQLite rolls back when any step fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageTrouble {
    /// `SQLITE_FULL`, or the file system said so: no room for the write.
    Full,
    /// `SQLITE_READONLY`, or a read-only file system.
    ReadOnly,
    /// `SQLITE_IOERR` or `SQLITE_CANTOPEN`: the file system failed the write.
    Io,
    /// `SQLITE_BUSY`, or no pooled connection came free: another writer held
    /// the lock past the busy timeout.
    Busy,
}

impl StorageTrouble {
    /// Seconds an editor should wait before saving again: a lock clears in
    /// moments, a full disk needs someone to act.
    pub fn retry_after_seconds(self) -> u64 {
        match self {
            StorageTrouble::Busy => 5,
            StorageTrouble::Full | StorageTrouble::ReadOnly | StorageTrouble::Io => 60,
        }
    }
}

impl fmt::Display for StorageTrouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StorageTrouble::Full => "the disk is full",
            StorageTrouble::ReadOnly => "the database is read-only",
            StorageTrouble::Io => "the file system failed the write",
            StorageTrouble::Busy => "the database stayed locked past the busy timeout",
        })
    }
}

// SQLite's primary result codes (https://www.sqlite.org/rescode.html); sqlx
// reports the extended code, whose low byte is the primary one.
const SQLITE_BUSY: i32 = 5;
const SQLITE_READONLY: i32 = 8;
const SQLITE_IOERR: i32 = 10;
const SQLITE_FULL: i32 = 13;
const SQLITE_CANTOPEN: i32 = 14;

/// The storage trouble behind a failed write, if that is what failed: looks
/// through the whole chain of causes for a database or file-system error.
pub fn trouble(error: &anyhow::Error) -> Option<StorageTrouble> {
    error.chain().find_map(|cause| {
        if let Some(error) = cause.downcast_ref::<sqlx::Error>() {
            trouble_of_sqlx(error)
        } else {
            cause
                .downcast_ref::<std::io::Error>()
                .and_then(trouble_of_io)
        }
    })
}

fn trouble_of_sqlx(error: &sqlx::Error) -> Option<StorageTrouble> {
    match error {
        sqlx::Error::Database(error) => {
            let code: i32 = error.code()?.parse().ok()?;
            match code & 0xff {
                SQLITE_FULL => Some(StorageTrouble::Full),
                SQLITE_READONLY => Some(StorageTrouble::ReadOnly),
                SQLITE_IOERR | SQLITE_CANTOPEN => Some(StorageTrouble::Io),
                SQLITE_BUSY => Some(StorageTrouble::Busy),
                _ => None,
            }
        }
        sqlx::Error::Io(error) => trouble_of_io(error),
        sqlx::Error::PoolTimedOut => Some(StorageTrouble::Busy),
        _ => None,
    }
}

fn trouble_of_io(error: &std::io::Error) -> Option<StorageTrouble> {
    match error.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => Some(StorageTrouble::Full),
        ErrorKind::ReadOnlyFilesystem | ErrorKind::PermissionDenied => {
            Some(StorageTrouble::ReadOnly)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error SQLite gives for `sql`, as sqlx reports it.
    async fn sqlite_error(sql: &'static str) -> sqlx::Error {
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap_err()
    }

    #[tokio::test]
    async fn a_read_only_database_is_storage_trouble() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ro.db");
        let url = format!("sqlite://{}", path.display());
        let options: sqlx::sqlite::SqliteConnectOptions = url.parse().unwrap();
        let pool = sqlx::SqlitePool::connect_with(options.clone().create_if_missing(true))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (x)")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let read_only = sqlx::SqlitePool::connect_with(options.read_only(true))
            .await
            .unwrap();
        let error = sqlx::query("INSERT INTO t VALUES (1)")
            .execute(&read_only)
            .await
            .unwrap_err();
        let error = anyhow::Error::new(error).context("saving");
        assert_eq!(trouble(&error), Some(StorageTrouble::ReadOnly));
    }

    #[tokio::test]
    async fn a_mistake_in_sql_is_not_storage_trouble() {
        let error = anyhow::Error::new(sqlite_error("SELECT nonsense FROM nowhere").await);
        assert_eq!(trouble(&error), None);
    }

    #[test]
    fn a_full_file_system_is_storage_trouble_however_it_is_wrapped() {
        let io = std::io::Error::from(ErrorKind::StorageFull);
        let error = anyhow::Error::new(sqlx::Error::Io(io)).context("committing update");
        assert_eq!(trouble(&error), Some(StorageTrouble::Full));
        let pool = anyhow::Error::new(sqlx::Error::PoolTimedOut).context("starting transaction");
        assert_eq!(trouble(&pool), Some(StorageTrouble::Busy));
    }
}
