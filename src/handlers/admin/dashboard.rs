use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::admin_html;
use super::session::Editor;
use crate::Newsroom;
use crate::db::{self, audit::AuditRow, stories::DeskRow};
use crate::error::AppResult;
use crate::filters;
use crate::site::Site;

const AUDIT_ENTRIES: i64 = 50;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
pub struct DashboardPage {
    /// The publication, for the shared layout.
    pub site: Arc<Site>,
    pub editor: Editor,
    pub stories: Vec<DeskRow>,
    pub audit: Vec<AuditRow>,
}

/// `GET /admin`: every story with its state, and the recent audit trail.
pub async fn dashboard(editor: Editor, room: web::Data<Newsroom>) -> AppResult<HttpResponse> {
    let mut conn = room.db.acquire().await?;
    let page = DashboardPage {
        site: room.site.clone(),
        editor,
        stories: db::stories::desk(&mut conn).await?,
        audit: db::audit::recent(&mut conn, AUDIT_ENTRIES).await?,
    };
    Ok(admin_html(StatusCode::OK, page.render()?))
}
