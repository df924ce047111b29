//! Operator and crawler endpoints.

use actix_web::{HttpResponse, web};

use crate::Newsroom;
use crate::error::AppResult;
use crate::urls;

/// `GET /healthz`: 200 when the database answers a query, whatever else is
/// down: a cache's health probe must not take the origin out of service
/// because the push proxy or a hub is away (writes never depend on them).
/// The body says how each of those answered when last asked.
pub async fn healthz(room: web::Data<Newsroom>) -> AppResult<HttpResponse> {
    sqlx::query("SELECT 1").execute(&room.db).await?;
    let outside = room.after_commit.outside();
    let mut body = "ok\ndatabase: answering\n".to_owned();
    let targets = outside
        .caches
        .targets()
        .iter()
        .map(|target| ("cache", target))
        .chain(
            outside
                .grip
                .as_deref()
                .map(|grip| ("push proxy", grip.target())),
        )
        .chain(outside.websub.target().map(|target| ("WebSub hub", target)));
    for (role, target) in targets {
        body.push_str(&format!("{role} {}: {}\n", target.url, target.health()));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

/// `GET /robots.txt`: everything but the admin may be crawled; the sitemap
/// index names every other sitemap.
pub async fn robots(room: web::Data<Newsroom>) -> HttpResponse {
    let body = format!(
        "User-agent: *\nDisallow: /admin\nSitemap: {}\n",
        urls::absolute(&room.site_url, urls::SITEMAP),
    );
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(body)
}
