//! Every SQL statement the site runs finds its rows through an index, on an
//! archive of real shape (`bench/dataset/`: 2,000 stories, 20,000 updates,
//! a live blog of 5,000): each is explained (`EXPLAIN QUERY PLAN`) and a
//! full scan of a table that grows with the archive fails the test.
//!
//! The statements are those `make test` recorded while the integration
//! suite ran (`NEWSDESK_STATEMENT_LOG`, tests/common/statement_log.rs), and
//! those this test records itself by serving the archive (every reader
//! page, feed and poll, deep pages and permalinks) and writing to it as the
//! desk does. Without the log (a plain `cargo test`) only the second set is
//! checked, and the test says so; with the variable set, a missing or empty
//! log fails it.
//!
//! The rule, per line of a plan:
//! - `SCAN t` of a large table fails, unless it walks the table or an index
//!   in the `ORDER BY` the statement wants and stops at its `LIMIT` (no sort
//!   beside it): then it reads as many rows as it returns, and no more than
//!   its `WHERE` passes over.
//! - A virtual table (the FTS5 search index) scanned without a `MATCH` or a
//!   rowid (an empty index string) fails.
//! - A sort (`USE TEMP B-TREE`) of rows read from a large table, in a
//!   statement with a `LIMIT`, fails: every matching row is read and sorted
//!   to return the first few. Not after a full-text `MATCH`, which ranks the
//!   matches by relevance (FTS5 bounds it by the matches), nor a sort of a
//!   subquery's bounded rows.
//! - Scans of tables the statement does not name are SQLite's foreign-key
//!   checks (a new update against `stories.pinned_update_id`), which run only
//!   while a constraint is violated, never in a write that commits; the
//!   `VALUES` of a multi-row insert are the statement's own rows.
//!
//! Small tables are named below, each with what bounds it; every other
//! table counts as large, so a new table is checked until it is named.
//! [`KNOWN`] lists what still reads a whole large table, and why.

#[path = "common/config.rs"]
mod config;
#[allow(dead_code, reason = "the desk writer is tests/dataset.rs's reference")]
#[path = "../bench/dataset/mod.rs"]
mod dataset;
#[path = "common/statement_log.rs"]
mod statement_log;

use std::collections::{BTreeSet, HashMap};
use std::net::TcpListener;

use chrono::{DateTime, Utc};
use newsdesk::config::Config;
use newsdesk::db::{self, Connection};
use newsdesk::domain::{UpdateDraft, UpdateInput};
use newsdesk::{Newsroom, publishing};
use sqlx::Row;

use crate::config::test_config;

/// Tables that stay small whatever the archive's size.
const SMALL_TABLES: &[(&str, &str)] = &[
    ("editors", "one row per editor"),
    ("sessions", "one per signed-in editor"),
    ("saved_forms", "one per form kept across an expired session"),
    ("single_use_tokens", "one per setup link"),
    ("topics", "a newsroom's topics, tens to hundreds"),
    ("content_version", "one row"),
    (
        "content_files",
        "one per file in content/, each of which an import reads anyway",
    ),
    ("sqlite_sequence", "one row per AUTOINCREMENT table"),
    ("_sqlx_migrations", "one per migration"),
];

/// Statements (by a fragment of their text) that still read a whole large
/// table, with why; each must still be run, so the list cannot go stale.
const KNOWN: &[(&str, &str)] = &[(
    "FROM media WHERE id IN (SELECT id FROM media)",
    "an import renders many files and loads the whole media library once \
         for them (a desk write loads only the media its text names)",
)];

const UNTIL: &str = "2026-12-01T00:00:00Z";

#[actix_web::test]
async fn every_statement_finds_its_rows_through_an_index() {
    statement_log::install(None);
    let logged = logged_statements();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = test_config(dir.path(), "archive.db");
    // Every page is made, not answered from the cache, so its statements run.
    config.page_cache_mib = 0;
    {
        let pool = db::connect(&config.database).await.expect("database");
        let mut conn = pool.acquire().await.expect("connection");
        let options = dataset::Options {
            stories: 2_000,
            updates: 20_000,
            seed: 1,
            until: UNTIL.parse().expect("time"),
        };
        dataset::generate(&mut conn, options, dataset::Writer::Bulk, |_, _| {})
            .await
            .expect("the archive is generated");
    }
    let archive = Archive::find(&config).await;
    // What the generator and the lookups above ran is not the site's.
    statement_log::forget();
    let room = Newsroom::open(&config).await.expect("database opens");
    drive(&room, &config, &archive).await;
    let mut statements = statement_log::recorded();
    let own = statements.len();
    statements.extend(logged.iter().cloned());
    let mut conn = room.db.acquire().await.expect("connection");
    let tables = table_names(&mut conn).await;
    let mut failures = Vec::new();
    let (mut explained, mut foreign) = (0, 0);
    let tests_source = tests_source();
    let mut known_seen = vec![false; KNOWN.len()];
    for sql in &statements {
        if !is_query(sql) || tests_source.contains(&one_line(sql)) {
            continue;
        }
        let Some(plan) = plan_of(&mut conn, sql).await else {
            foreign += 1;
            continue;
        };
        explained += 1;
        let found = problems(sql, &plan, &tables);
        if let Some(i) = KNOWN.iter().position(|(text, _)| sql.contains(text)) {
            known_seen[i] = true;
            continue;
        }
        if !found.is_empty() {
            failures.push(format!(
                "{}\n  plan:\n    {}\n  because: {}",
                one_line(sql),
                plan.iter()
                    .map(|line| line.detail.as_str())
                    .collect::<Vec<_>>()
                    .join("\n    "),
                found.join("; ")
            ));
        }
    }
    eprintln!(
        "explained {explained} statements ({own} recorded here, {} from the suite's log, \
         {foreign} of the tests' own on tables the site lacks left out{})",
        logged.len(),
        if logged.is_empty() {
            format!(
                "; set {} (make test does) to check the whole suite's",
                statement_log::LOG_VARIABLE
            )
        } else {
            String::new()
        }
    );
    for ((text, why), seen) in KNOWN.iter().zip(known_seen) {
        assert!(
            seen,
            "no statement with {text:?} ran ({why}): remove it from KNOWN"
        );
    }
    assert!(
        failures.is_empty(),
        "{} statements scan a large table:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The statements in the suite's log; none when the variable is unset. A
/// set variable naming a missing or empty file fails: the suite did not run.
fn logged_statements() -> BTreeSet<String> {
    let Some(path) = std::env::var_os(statement_log::LOG_VARIABLE) else {
        return BTreeSet::new();
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{} names {}, which cannot be read ({e}): run the integration suite (tests/app) with it set first",
            statement_log::LOG_VARIABLE,
            path.to_string_lossy()
        )
    });
    let statements: BTreeSet<String> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON string a line"))
        .collect();
    assert!(
        !statements.is_empty(),
        "{} is empty: the integration suite recorded no statement",
        path.to_string_lossy()
    );
    statements
}

/// Rows of the archive the requests name.
struct Archive {
    blog_id: i64,
    blog: String,
    /// An update 100 from the live blog's start: a deep page.
    deep: i64,
    /// A story from the archive's first days.
    old: String,
    topic: String,
    /// A change cursor 50 changes behind the live blog's latest.
    cursor: i64,
}

impl Archive {
    async fn find(config: &Config) -> Archive {
        let pool = db::connect(&config.database).await.expect("database");
        let mut conn = pool.acquire().await.expect("connection");
        let (blog_id, blog): (i64, String) = sqlx::query_as(
            "SELECT id, slug FROM stories WHERE live_state = 'live' ORDER BY published_at DESC LIMIT 1",
        )
        .fetch_one(&mut *conn)
        .await
        .expect("the live blog");
        let one = |sql: &'static str| sqlx::query_scalar(sql).bind(blog_id);
        Archive {
            deep: one(
                "SELECT id FROM updates WHERE story_id = ? ORDER BY posted_at LIMIT 1 OFFSET 100",
            )
            .fetch_one(&mut *conn)
            .await
            .expect("an old update of the live blog"),
            cursor: one("SELECT MAX(seq) - 50 FROM live_changes WHERE story_id = ?")
                .fetch_one(&mut *conn)
                .await
                .expect("a cursor"),
            old: sqlx::query_scalar("SELECT slug FROM stories WHERE id = 10")
                .fetch_one(&mut *conn)
                .await
                .expect("an old story"),
            topic: sqlx::query_scalar("SELECT slug FROM topics LIMIT 1")
                .fetch_one(&mut *conn)
                .await
                .expect("a topic"),
            blog_id,
            blog,
        }
    }
}

/// Serves the archive and asks for every kind of reader page, then writes
/// to it as the desk does, so that their statements are recorded.
async fn drive(room: &Newsroom, config: &Config, archive: &Archive) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    let server = newsdesk::http_server(room.clone(), listener).expect("server starts");
    let handle = server.handle();
    actix_web::rt::spawn(server);
    let (slug, deep, seq) = (&archive.blog, archive.deep, archive.cursor);
    let pages = [
        "/".to_owned(),
        format!("/news/{slug}"),
        format!("/news/{slug}?before={deep}"),
        format!("/news/{slug}?order=oldest"),
        format!("/news/{slug}?order=oldest&after={deep}"),
        format!("/news/{slug}?update={deep}"),
        format!("/news/{slug}?order=oldest&update={deep}"),
        format!("/news/{slug}/updates?after=0"),
        format!("/news/{slug}/updates?after={seq}"),
        format!("/news/{slug}/feed.xml"),
        format!("/news/{slug}/atom.xml"),
        format!("/news/{slug}/figures.json"),
        format!("/news/{slug}/figures.csv"),
        format!("/news/{}", archive.old),
        format!("/topics/{}", archive.topic),
        format!("/topics/{}/feed.xml", archive.topic),
        "/search?q=council+budget".to_owned(),
        "/feed.xml".to_owned(),
        "/atom.xml".to_owned(),
        "/sitemap.xml".to_owned(),
        "/sitemap-1.xml".to_owned(),
        "/sitemap-news.xml".to_owned(),
    ];
    let client = awc::Client::default();
    for page in &pages {
        let mut response = client
            .get(format!("{address}{page}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(
            response.status().is_success(),
            "{page}: {}",
            response.status()
        );
        response.body().limit(64 << 20).await.expect("a body");
    }
    desk_writes(room, config, archive.blog_id).await;
    handle.stop(false).await;
}

/// A publish, a correction, a pin, a deletion and the end of live coverage,
/// through the desk's own functions.
async fn desk_writes(room: &Newsroom, config: &Config, story_id: i64) {
    let site_url = config.site_url();
    let now: DateTime<Utc> = UNTIL.parse().expect("time");
    let draft: UpdateDraft = UpdateInput {
        body: "Pickets are still at the gates.".into(),
        kind: "update".into(),
        author: "James Whitworth".into(),
        ..UpdateInput::default()
    }
    .validate()
    .expect("a valid update");
    let (id, _) = publishing::publish_update(&room.db, story_id, &draft, now, Some(1), &site_url)
        .await
        .expect("published")
        .expect("no missing story");
    publishing::edit_update(&room.db, story_id, id, &draft, now, 1, now, &site_url)
        .await
        .expect("edited")
        .expect("no missing story");
    let mut conn = room.db.acquire().await.expect("connection");
    let (slug, _) = db::updates::with_story_slug(&mut conn, id)
        .await
        .expect("update")
        .expect("exists");
    let story = db::stories::find_by_slug(&mut conn, &slug)
        .await
        .expect("story")
        .expect("exists");
    drop(conn);
    publishing::pin_update(&room.db, &story, Some(id), 1, now)
        .await
        .expect("pinned");
    publishing::delete_update(&room.db, &story, id, 1, now)
        .await
        .expect("deleted");
    publishing::end_live_coverage(&room.db, &story, 1, now)
        .await
        .expect("ended");
}

/// `text` with every run of white space made one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The integration tests' source on one line: a statement written out in
/// it is a test's own query (checking what the site stored), not the site's.
fn tests_source() -> String {
    fn read(dir: &std::path::Path, into: &mut String) {
        for entry in std::fs::read_dir(dir).expect("tests/app is readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                read(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                into.push_str(&std::fs::read_to_string(&path).expect("a test file"));
            }
        }
    }
    let mut source = String::new();
    read(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/app"),
        &mut source,
    );
    one_line(&source)
}

/// Statements whose plan says how they read rows; not transaction control,
/// pragmas or the migrations' DDL.
fn is_query(sql: &str) -> bool {
    let first = sql
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_uppercase();
    ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE"].contains(&first.as_str())
}

async fn table_names(conn: &mut Connection) -> BTreeSet<String> {
    sqlx::query_scalar("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .fetch_all(conn)
        .await
        .expect("tables")
        .into_iter()
        .collect()
}

/// One line of a plan, under its parent line (0 at the top).
struct PlanLine {
    parent: i64,
    detail: String,
}

/// The plan's lines; parameters are left unbound (NULL), which the plan
/// does not depend on. `None` for a statement naming what the site's
/// schema lacks: a test's own query (on an attached copy, say).
async fn plan_of(conn: &mut Connection, sql: &str) -> Option<Vec<PlanLine>> {
    let rows = match sqlx::raw_sql(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
        .fetch_all(conn)
        .await
    {
        Ok(rows) => rows,
        Err(sqlx::Error::Database(e)) if e.message().starts_with("no such") => return None,
        Err(e) => panic!("explaining {sql}: {e}"),
    };
    Some(
        rows.iter()
            .map(|row| PlanLine {
                parent: row.get("parent"),
                detail: row.get("detail"),
            })
            .collect(),
    )
}

/// The large table a plan line reads from, if it reads from one the
/// statement names (through `aliases`).
fn large_table<'a>(line: &'a PlanLine, aliases: &'a HashMap<String, String>) -> Option<&'a str> {
    let detail = line.detail.trim();
    let rest = detail
        .strip_prefix("SCAN ")
        .or_else(|| detail.strip_prefix("SEARCH "))?;
    let name = rest.split_whitespace().next()?;
    let table = aliases.get(name)?.as_str();
    (!SMALL_TABLES.iter().any(|(small, _)| *small == table)).then_some(table)
}

/// Why the plan breaks the rule in the module's documentation, if it does.
fn problems(sql: &str, plan: &[PlanLine], tables: &BTreeSet<String>) -> Vec<String> {
    let aliases = aliases(sql, tables);
    let words = sql.to_uppercase();
    let limited = words.split_whitespace().any(|w| w == "LIMIT");
    let ordered = words.contains("ORDER BY");
    let is_sort = |line: &PlanLine| line.detail.contains("USE TEMP B-TREE");
    let siblings = |line: &PlanLine| {
        let parent = line.parent;
        plan.iter().filter(move |other| other.parent == parent)
    };
    let mut found = Vec::new();
    for line in plan {
        let Some(table) = large_table(line, &aliases) else {
            if is_sort(line)
                && limited
                && siblings(line).any(|other| large_table(other, &aliases).is_some())
                && !siblings(line).any(|other| is_match(&other.detail))
            {
                found.push("every matching row is sorted to return the first few".to_owned());
            }
            continue;
        };
        let Some(rest) = line.detail.trim().strip_prefix("SCAN ") else {
            continue;
        };
        if let Some(index) = rest.split("VIRTUAL TABLE INDEX ").nth(1) {
            if index.split_once(':').is_none_or(|(_, how)| how.is_empty()) {
                found.push(format!("{table} is scanned without MATCH or rowid"));
            }
            continue;
        }
        let ordered_walk = limited && ordered && !siblings(line).any(is_sort);
        if !ordered_walk {
            found.push(format!("{table} is scanned"));
        }
    }
    found
}

/// A full-text match (FTS5's index string holds `M`).
fn is_match(line: &str) -> bool {
    line.split("VIRTUAL TABLE INDEX ")
        .nth(1)
        .and_then(|index| index.split_once(':'))
        .is_some_and(|(_, how)| how.contains('M'))
}

/// The tables the statement names, by name and by alias (`stories s`,
/// `updates AS u`); a plan line naming anything else is not one of them.
fn aliases(sql: &str, tables: &BTreeSet<String>) -> HashMap<String, String> {
    const NOT_ALIASES: &[&str] = &[
        "ON",
        "WHERE",
        "JOIN",
        "LEFT",
        "INNER",
        "CROSS",
        "GROUP",
        "ORDER",
        "LIMIT",
        "SET",
        "VALUES",
        "USING",
        "AS",
        "UNION",
        "SELECT",
        "DEFAULT",
        "RETURNING",
        "WINDOW",
    ];
    let words: Vec<&str> = sql
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut aliases = HashMap::new();
    for (i, word) in words.iter().enumerate() {
        if !tables.contains(*word) {
            continue;
        }
        aliases.insert((*word).to_owned(), (*word).to_owned());
        let mut next = words.get(i + 1).copied();
        if next.is_some_and(|w| w.eq_ignore_ascii_case("AS")) {
            next = words.get(i + 2).copied();
        }
        if let Some(alias) = next
            && !NOT_ALIASES.contains(&alias.to_uppercase().as_str())
        {
            aliases.insert(alias.to_owned(), (*word).to_owned());
        }
    }
    aliases
}
