//! The audit trail: who did what, when.

use chrono::{DateTime, Utc};

use super::Connection;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub username: Option<String>,
    pub action: String,
    pub subject: String,
    pub at: DateTime<Utc>,
}

/// Records an action; call inside the transaction of the write it describes.
pub async fn record(
    conn: &mut Connection,
    editor_id: Option<i64>,
    action: &str,
    subject: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO audit (editor_id, action, subject, at) VALUES (?, ?, ?, ?)")
        .bind(editor_id)
        .bind(action)
        .bind(subject)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

/// The most recent entries, newest first.
pub async fn recent(conn: &mut Connection, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as(
        "SELECT e.username, a.action, a.subject, a.at FROM audit a
         LEFT JOIN editors e ON e.id = a.editor_id ORDER BY a.id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(conn)
    .await
}
