//! Expiring single-use tokens (`single_use_tokens`), kept as SHA-256 hashes.

use chrono::{DateTime, Utc};

use super::Connection;
use crate::domain::TokenPurpose;

/// A stored token's life so far.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Stores a new token.
pub async fn insert(
    conn: &mut Connection,
    purpose: TokenPurpose,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO single_use_tokens (token_hash, purpose, created_at, expires_at)
         VALUES (?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(purpose)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets every unused token for `purpose`, so that only a newer one works.
pub async fn revoke_unused(conn: &mut Connection, purpose: TokenPurpose) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM single_use_tokens WHERE purpose = ? AND used_at IS NULL")
        .bind(purpose)
        .execute(conn)
        .await?;
    Ok(())
}

/// The token with this hash, if one was issued for `purpose`.
pub async fn find(
    conn: &mut Connection,
    purpose: TokenPurpose,
    token_hash: &str,
) -> sqlx::Result<Option<TokenRow>> {
    sqlx::query_as(
        "SELECT expires_at, used_at FROM single_use_tokens WHERE token_hash = ? AND purpose = ?",
    )
    .bind(token_hash)
    .bind(purpose)
    .fetch_optional(conn)
    .await
}

/// Marks the token used, if it is unused and unexpired at `now`; false otherwise.
/// One statement, so two requests racing with the same link cannot both win.
pub async fn redeem(
    conn: &mut Connection,
    purpose: TokenPurpose,
    token_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE single_use_tokens SET used_at = ?
         WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
    )
    .bind(now)
    .bind(token_hash)
    .bind(purpose)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
