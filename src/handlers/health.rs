//! Operator and crawler endpoints.

use actix_web::{HttpResponse, web};

use crate::Newsroom;
use crate::error::AppResult;
use crate::urls;

/// `GET /healthz`: 200 "ok" when the database answers a query.
pub async fn healthz(room: web::Data<Newsroom>) -> AppResult<HttpResponse> {
    sqlx::query("SELECT 1").execute(&room.db).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body("ok"))
}

/// `GET /robots.txt`: everything but the admin may be crawled.
pub async fn robots(room: web::Data<Newsroom>) -> HttpResponse {
    let body = format!(
        "User-agent: *\nDisallow: /admin\nSitemap: {}\nSitemap: {}\n",
        urls::absolute(&room.site_url, urls::SITEMAP),
        urls::absolute(&room.site_url, urls::NEWS_SITEMAP),
    );
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(body)
}
