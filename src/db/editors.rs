//! Editor accounts, their sessions, and saved forms.

use chrono::{DateTime, Utc};

use super::Connection;
use crate::domain::DisplayName;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EditorRow {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
}

/// A live session joined with its editor.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub editor_id: i64,
    pub username: String,
    /// `None` until the editor sets it.
    pub display_name: Option<String>,
    pub csrf_token: String,
}

pub async fn count(conn: &mut Connection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM editors")
        .fetch_one(conn)
        .await
}

/// Creates an editor; `Ok(None)` when the username is taken.
pub async fn insert(
    conn: &mut Connection,
    username: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO editors (username, password_hash, created_at) VALUES (?, ?, ?)
         ON CONFLICT (username) DO NOTHING RETURNING id",
    )
    .bind(username)
    .bind(password_hash)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Sets the name readers see on this editor's work.
pub async fn set_display_name(
    conn: &mut Connection,
    editor_id: i64,
    name: &DisplayName,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE editors SET display_name = ? WHERE id = ?")
        .bind(name.as_str())
        .bind(editor_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn find_by_username(
    conn: &mut Connection,
    username: &str,
) -> sqlx::Result<Option<EditorRow>> {
    sqlx::query_as("SELECT id, username, password_hash FROM editors WHERE username = ?")
        .bind(username)
        .fetch_optional(conn)
        .await
}

pub async fn insert_session(
    conn: &mut Connection,
    token_hash: &str,
    editor_id: i64,
    csrf_token: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, editor_id, csrf_token, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(editor_id)
    .bind(csrf_token)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The session with this token hash, if it has not expired by `now`.
pub async fn find_session(
    conn: &mut Connection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as(
        "SELECT s.editor_id, e.username, e.display_name, s.csrf_token FROM sessions s
         JOIN editors e ON e.id = s.editor_id
         WHERE s.token_hash = ? AND s.expires_at > ?",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// The editor of a session that exists but has expired: whose form to keep.
pub async fn expired_session_editor(
    conn: &mut Connection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT editor_id FROM sessions WHERE token_hash = ? AND expires_at <= ?")
        .bind(token_hash)
        .bind(now)
        .fetch_optional(conn)
        .await
}

/// How long an expired session is remembered, so a form sent on it can be kept.
pub const EXPIRED_SESSIONS_KEPT_DAYS: i64 = 7;

/// Ends a session (sign-out), and clears out long-expired ones on the way.
pub async fn delete_session(
    conn: &mut Connection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ? OR expires_at <= ?")
        .bind(token_hash)
        .bind(now - chrono::Duration::days(EXPIRED_SESSIONS_KEPT_DAYS))
        .execute(conn)
        .await?;
    Ok(())
}

/// How long a kept form waits for its editor to sign in again.
const SAVED_FORMS_KEPT_HOURS: i64 = 24;

/// Keeps a form an editor submitted after their session expired (and forgets
/// forms nobody came back for).
pub async fn save_form(
    conn: &mut Connection,
    token_hash: &str,
    editor_id: i64,
    path: &str,
    body: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM saved_forms WHERE saved_at <= ?")
        .bind(now - chrono::Duration::hours(SAVED_FORMS_KEPT_HOURS))
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO saved_forms (token_hash, editor_id, path, body, saved_at) VALUES (?, ?, ?, ?, ?)")
        .bind(token_hash)
        .bind(editor_id)
        .bind(path)
        .bind(body)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes back one of this editor's kept forms (its path and body), removing it.
pub async fn take_saved_form(
    conn: &mut Connection,
    token_hash: &str,
    editor_id: i64,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as(
        "DELETE FROM saved_forms WHERE token_hash = ? AND editor_id = ? RETURNING path, body",
    )
    .bind(token_hash)
    .bind(editor_id)
    .fetch_optional(conn)
    .await
}
