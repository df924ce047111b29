//! The generated archive (bench/dataset/) is what the desk would have
//! written: the bulk writer's tables equal those of the desk's own write
//! paths, row for row, so benchmarks and query plans measure real data.

#[path = "../bench/dataset/mod.rs"]
mod dataset;

use newsdesk::db;

const UNTIL: &str = "2026-12-01T00:00:00Z";

#[actix_web::test]
async fn the_bulk_writer_writes_what_the_desk_would_have_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = dataset::Options {
        stories: 300,
        updates: 6_000,
        seed: 7,
        until: UNTIL.parse().expect("time"),
    };
    let mut paths = Vec::new();
    for (name, writer) in [
        ("bulk", dataset::Writer::Bulk),
        ("desk", dataset::Writer::Desk),
    ] {
        let path = dir.path().join(format!("{name}.db"));
        let pool = db::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("database");
        let mut conn = pool.acquire().await.expect("connection");
        dataset::generate(&mut conn, options, writer, |_, _| {})
            .await
            .expect("the archive is generated");
        paths.push(path);
    }
    let pool = db::connect(&format!("sqlite://{}", paths[0].display()))
        .await
        .expect("database");
    let mut conn = pool.acquire().await.expect("connection");
    sqlx::query("ATTACH ? AS desk")
        .bind(paths[1].to_str().expect("UTF-8 path"))
        .execute(&mut *conn)
        .await
        .expect("attached");
    // Every table a write fills; the editors' password hashes are salted.
    let tables = [
        ("stories", "*"),
        ("story_revisions", "*"),
        ("topics", "*"),
        ("story_topics", "*"),
        ("story_links", "*"),
        ("updates", "*"),
        ("update_revisions", "*"),
        ("update_links", "*"),
        ("search_index", "rowid, *"),
        ("audit", "*"),
        ("live_changes", "*"),
        ("editors", "id, username, display_name, created_at"),
    ];
    for (table, columns) in tables {
        let differing: (i64, i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT (SELECT COUNT(*) FROM (SELECT {columns} FROM main.{table}
                                          EXCEPT SELECT {columns} FROM desk.{table})),
                    (SELECT COUNT(*) FROM (SELECT {columns} FROM desk.{table}
                                          EXCEPT SELECT {columns} FROM main.{table})),
                    (SELECT COUNT(*) FROM main.{table})"
        )))
        .fetch_one(&mut *conn)
        .await
        .expect("compared");
        assert_eq!((differing.0, differing.1), (0, 0), "{table} differs");
        assert!(differing.2 > 0, "{table} is empty");
    }
    let (version, logged): (i64, i64) =
        sqlx::query_as("SELECT version, logged FROM content_version")
            .fetch_one(&mut *conn)
            .await
            .expect("counter");
    assert_eq!(version, logged, "every content change is logged");
}
