//! Figures as data: `/news/{slug}/figures.json` and `/news/{slug}/figures.csv`.

use awc::http::StatusCode;
use chrono::{DateTime, TimeZone, Utc};
use newsdesk::domain::UpdateInput;
use serde_json::Value;

use crate::helpers::{Page, TestApp};

const SLUG: &str = "junior-doctors-strike-live";
const JSON: &str = "/news/junior-doctors-strike-live/figures.json";
const CSV: &str = "/news/junior-doctors-strike-live/figures.csv";
const CSV_HEADER: &str = "time,what,place,number,source,update_id,permalink";
/// Figures updates in the demo story, each counting something different.
const DEMO_FIGURES: usize = 5;

/// The trust's name, the source of most figures.
const TRUST: &str = "Calderdale and Huddersfield NHS Foundation Trust";

/// Publishes a figures update from the trust on the demo live story, posted
/// at `hh:mm` UTC on the strike day, and returns its id.
async fn publish_figure(app: &TestApp, number: i64, what: &str, hh_mm: (u32, u32)) -> i64 {
    publish_sourced_figure(app, number, what, TRUST, hh_mm).await
}

/// [`publish_figure`] with another source.
async fn publish_sourced_figure(
    app: &TestApp,
    number: i64,
    what: &str,
    source: &str,
    hh_mm: (u32, u32),
) -> i64 {
    let mut conn = app.room.db.acquire().await.unwrap();
    let story = newsdesk::db::stories::find_by_slug(&mut conn, SLUG)
        .await
        .unwrap()
        .expect("demo story");
    let draft = UpdateInput {
        body: "New figures from the trust.".into(),
        kind: "figures".into(),
        author: "Data desk".into(),
        number: number.to_string(),
        what: what.into(),
        place: "Halifax".into(),
        source: source.into(),
        ..UpdateInput::default()
    }
    .validate()
    .unwrap();
    let posted_at = Utc
        .with_ymd_and_hms(2016, 1, 12, hh_mm.0, hh_mm.1, 0)
        .unwrap();
    let (id, committed) = newsdesk::publishing::publish_update(
        &app.room.db,
        story.id,
        &draft,
        posted_at,
        None,
        &app.room.site_url,
    )
    .await
    .unwrap()
    .unwrap();
    app.room.after_commit.committed(Some(committed)).await;
    id
}

async fn get_json(app: &TestApp) -> Value {
    let page = app.get_page(JSON).await;
    assert_eq!(page.status, StatusCode::OK);
    serde_json::from_str(&page.body).expect("figures.json is JSON")
}

/// The series of `document` that counts `what`.
fn series<'a>(document: &'a Value, what: &str) -> &'a Value {
    document["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["what"] == what)
        .unwrap_or_else(|| panic!("no series for {what}: {document:#}"))
}

/// The CSV's lines (records: none of these fields holds a line break).
fn csv_lines(page: &Page) -> Vec<&str> {
    assert!(page.body.ends_with("\r\n"), "records end in CRLF");
    page.body.trim_end().split("\r\n").collect()
}

#[actix_web::test]
async fn figures_json_carries_the_demo_figures_with_absolute_times() {
    let app = TestApp::with_demo_content().await;
    let page = app.get_page(JSON).await;
    assert_eq!(
        page.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        page.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
    let document: Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(document["story"], SLUG);
    assert_eq!(document["series"].as_array().unwrap().len(), DEMO_FIGURES);

    let cancelled = series(
        &document,
        "operations and procedures cancelled in England (approximate)",
    );
    assert_eq!(cancelled["place"], Value::Null);
    assert_eq!(cancelled["source"], "NHS England");
    assert_eq!(
        cancelled["change"],
        Value::Null,
        "a single figure has no change"
    );
    let points = cancelled["points"].as_array().unwrap();
    assert_eq!(points.len(), 1);
    assert_eq!(cancelled["latest"], points[0]);
    assert_eq!(points[0]["number"], 4000);
    let time = DateTime::parse_from_rfc3339(points[0]["time"].as_str().unwrap()).unwrap();
    assert_eq!(time, Utc.with_ymd_and_hms(2016, 1, 12, 10, 10, 0).unwrap());

    // Each point leads back to the update that reported it.
    let id = points[0]["update_id"].as_i64().unwrap();
    assert_eq!(
        points[0]["permalink"],
        format!("https://news.example/news/{SLUG}?update={id}#update-{id}")
    );
    let story = app.get_page(&format!("/news/{SLUG}")).await;
    assert_eq!(
        story.texts(&format!("#update-{id} .figure-number")),
        ["4,000"]
    );
}

#[actix_web::test]
async fn figures_csv_has_a_row_per_figure_and_quotes_awkward_text() {
    let app = TestApp::with_demo_content().await;
    let id = publish_figure(&app, 12, "beds, \"closed\"", (15, 0)).await;
    let page = app.get_page(CSV).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        page.header("content-disposition").as_deref(),
        Some(r#"inline; filename="junior-doctors-strike-live-figures.csv""#)
    );
    assert_eq!(
        page.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
    let lines = csv_lines(&page);
    assert_eq!(lines[0], CSV_HEADER);
    assert_eq!(lines.len(), 1 + DEMO_FIGURES + 1, "{lines:#?}");
    let row = format!(
        "2016-01-12T15:00:00Z,\"beds, \"\"closed\"\"\",Halifax,12,\
         Calderdale and Huddersfield NHS Foundation Trust,{id},\
         https://news.example/news/{SLUG}?update={id}#update-{id}"
    );
    assert!(lines.contains(&row.as_str()), "{lines:#?}");
}

#[actix_web::test]
async fn figures_csv_cells_that_would_start_a_formula_are_written_as_text() {
    let app = TestApp::with_demo_content().await;
    let formula = r#"=HYPERLINK("https://evil.example","Click")"#;
    let id = publish_sourced_figure(&app, 3, formula, formula, (15, 0)).await;
    let page = app.get_page(CSV).await;
    let row = format!(
        "2016-01-12T15:00:00Z,\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"Click\"\")\",Halifax,3,\
         \"'=HYPERLINK(\"\"https://evil.example\"\",\"\"Click\"\")\",{id},\
         https://news.example/news/{SLUG}?update={id}#update-{id}"
    );
    assert!(csv_lines(&page).contains(&row.as_str()), "{}", page.body);
}

#[actix_web::test]
async fn a_second_figure_for_the_same_what_and_place_gives_the_change() {
    let app = TestApp::with_demo_content().await;
    let latest = publish_figure(&app, 1700, "beds closed", (16, 0)).await;
    // Published later but backdated: it is the earlier point of the series.
    let earlier = publish_figure(&app, 1200, "beds closed", (15, 0)).await;
    let document = get_json(&app).await;
    let beds = series(&document, "beds closed");
    assert_eq!(beds["place"], "Halifax");
    let ids: Vec<i64> = beds["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["update_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [earlier, latest]);
    assert_eq!(beds["latest"]["update_id"], latest);
    assert_eq!(beds["change"]["by"], 500);
    assert_eq!(beds["change"]["previous"], 1200);
    assert_eq!(beds["change"]["since"], "2016-01-12T15:00:00Z");
    let csv = app.get_page(CSV).await;
    assert_eq!(csv_lines(&csv).len(), 1 + DEMO_FIGURES + 2);
}

#[actix_web::test]
async fn a_deleted_figure_leaves_the_data() {
    let app = TestApp::with_demo_content().await;
    let id = publish_figure(&app, 30, "wards closed", (15, 0)).await;
    let before = get_json(&app).await;
    assert_eq!(before["series"].as_array().unwrap().len(), DEMO_FIGURES + 1);
    let mut conn = app.room.db.acquire().await.unwrap();
    newsdesk::db::updates::mark_deleted(&mut conn, id, Utc::now())
        .await
        .unwrap();
    // The write path clears cached pages after every commit; so does this test.
    app.room.pages.clear();
    let document = get_json(&app).await;
    assert_eq!(document["series"].as_array().unwrap().len(), DEMO_FIGURES);
    assert!(!document.to_string().contains("wards closed"));
}

#[actix_web::test]
async fn figures_answer_a_revalidation_with_304() {
    let app = TestApp::with_demo_content().await;
    let first = app.get_page(CSV).await;
    let etag = first.header("etag").expect("an ETag");
    let again = app.get_with(CSV, &[("If-None-Match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

#[actix_web::test]
async fn an_unknown_story_has_no_figures() {
    let app = TestApp::with_demo_content().await;
    for path in [
        "/news/no-such-story/figures.json",
        "/news/no-such-story/figures.csv",
    ] {
        assert_eq!(
            app.get_page(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}
