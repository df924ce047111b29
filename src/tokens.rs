//! Expiring single-use links (the first-run setup link; invitations and
//! password resets are meant to reuse them): issuing one, and telling a
//! working link from a used, expired or unknown one. The store is `db::tokens`.

use chrono::{DateTime, Utc};

use crate::auth::{new_token, token_hash};
use crate::db::{self, Connection};
use crate::domain::TokenPurpose;

/// A link's token as issued: shown once, never stored.
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// What a presented token is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    /// Issued for this purpose, unused, unexpired.
    Open,
    /// Already redeemed.
    Used,
    /// Unused, but past its lifetime.
    Expired,
    /// Never issued for this purpose, or revoked by a newer one.
    Unknown,
}

/// Issues a fresh token for `purpose`, valid for the purpose's lifetime from
/// `now`, and revokes every earlier unused one: one open link per purpose
/// (the setup link printed at the latest start is the one that works).
pub async fn replace(
    conn: &mut Connection,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> sqlx::Result<Issued> {
    db::tokens::revoke_unused(conn, purpose).await?;
    let token = new_token();
    let expires_at = now + purpose.lifetime();
    db::tokens::insert(conn, purpose, &token_hash(&token), now, expires_at).await?;
    Ok(Issued { token, expires_at })
}

/// What `token` is worth for `purpose` at `now`.
pub async fn state(
    conn: &mut Connection,
    purpose: TokenPurpose,
    token: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<TokenState> {
    let row = db::tokens::find(conn, purpose, &token_hash(token)).await?;
    Ok(match row {
        None => TokenState::Unknown,
        Some(row) if row.used_at.is_some() => TokenState::Used,
        Some(row) if row.expires_at <= now => TokenState::Expired,
        Some(_) => TokenState::Open,
    })
}

/// Uses `token` up; false unless it was open at `now`. Call inside the
/// transaction that does what the link grants, so both happen or neither.
pub async fn redeem(
    conn: &mut Connection,
    purpose: TokenPurpose,
    token: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    db::tokens::redeem(conn, purpose, &token_hash(token), now).await
}
