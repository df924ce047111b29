//! `/news/{slug}/figures.json` and `/news/{slug}/figures.csv`: a story's
//! figures as data, for a data desk or another site to reuse.

use actix_web::http::header::{
    self, ContentDisposition, DispositionParam, DispositionType, HeaderValue, TryIntoHeaderValue,
};
use actix_web::{HttpRequest, HttpResponse, web};
use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::series::{Change, Series};
use super::story_series;
use crate::Newsroom;
use crate::db::figures::FigureRow;
use crate::db::stories::StoryRow;
use crate::domain::Slug;
use crate::error::AppResult;
use crate::handlers::lookup::published_story;
use crate::handlers::respond::{self, Rendered};
use crate::surrogate::SurrogateKey;
use crate::urls;

/// Media type of `figures.json`.
const JSON: &str = "application/json";
/// Media type of `figures.csv` (RFC 4180, with its optional charset).
const CSV: &str = "text/csv; charset=utf-8";
const CSV_HEADER: [&str; 7] = [
    "time",
    "what",
    "place",
    "number",
    "source",
    "update_id",
    "permalink",
];

/// `figures.json`: every series with its points, latest figure and change.
#[derive(Serialize)]
struct Document<'a> {
    story: &'a str,
    series: Vec<SeriesDocument<'a>>,
}

#[derive(Serialize)]
struct SeriesDocument<'a> {
    what: &'a str,
    place: Option<&'a str>,
    /// The source of the latest figure, the one that stands.
    source: &'a str,
    points: Vec<Point<'a>>,
    latest: Point<'a>,
    change: Option<Change>,
}

#[derive(Serialize)]
struct Point<'a> {
    update_id: i64,
    /// RFC 3339 in UTC, as chrono writes it.
    time: DateTime<Utc>,
    number: i64,
    source: &'a str,
    /// The absolute URL of the update that reported the figure.
    permalink: String,
}

/// `GET /news/{slug}/figures.json`: a story's figures as JSON.
pub async fn figures_json(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: Slug,
) -> AppResult<HttpResponse> {
    let response = respond::cached(
        &req,
        &room,
        urls::figures_json(slug.as_str()),
        JSON,
        || async {
            let (story, series) = load(&room, &slug).await?;
            let document = Document {
                story: &story.slug,
                series: series
                    .iter()
                    .map(|s| series_document(&room, &story.slug, s))
                    .collect(),
            };
            let json = serde_json::to_string_pretty(&document).context("writing figures JSON")?;
            Ok(Rendered::new(
                crate::content::markup_free_json(json),
                vec![SurrogateKey::Story(story.id)],
            ))
        },
    )
    .await?;
    Ok(shareable(response))
}

/// `GET /news/{slug}/figures.csv`: a story's figures, one row per figure.
pub async fn figures_csv(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: Slug,
) -> AppResult<HttpResponse> {
    let mut response = respond::cached(
        &req,
        &room,
        urls::figures_csv(slug.as_str()),
        CSV,
        || async {
            let (story, series) = load(&room, &slug).await?;
            Ok(Rendered::new(
                csv(&room, &story.slug, &series)?,
                vec![SurrogateKey::Story(story.id)],
            ))
        },
    )
    .await?;
    // Reached only for a published story, so the name is a well-formed slug.
    let disposition = ContentDisposition {
        disposition: DispositionType::Inline,
        parameters: vec![DispositionParam::Filename(format!("{slug}-figures.csv"))],
    };
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        disposition
            .try_into_value()
            .context("naming the CSV file")?,
    );
    Ok(shareable(response))
}

/// The published story's slug and its figures; 404 for any other slug.
async fn load(room: &Newsroom, slug: &Slug) -> AppResult<(StoryRow, Vec<Series>)> {
    let mut conn = room
        .db
        .acquire()
        .await
        .context("connecting to the database")?;
    let story = published_story(&mut conn, slug).await?;
    let series = story_series(&mut conn, story.id).await?;
    Ok((story, series))
}

/// Lets pages on other sites fetch the data: it is public, and sent without
/// cookies, so allowing every origin exposes nothing.
fn shareable(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

fn series_document<'a>(room: &Newsroom, slug: &str, series: &'a Series) -> SeriesDocument<'a> {
    let point = |figure: &'a FigureRow| Point {
        update_id: figure.id,
        time: figure.posted_at,
        number: figure.number,
        source: &figure.source,
        permalink: permalink(room, slug, figure.id),
    };
    SeriesDocument {
        what: series.what(),
        place: series.place(),
        source: &series.latest().source,
        points: series.points().iter().map(point).collect(),
        latest: point(series.latest()),
        change: series.change(),
    }
}

fn permalink(room: &Newsroom, slug: &str, id: i64) -> String {
    urls::absolute(&room.site_url, &urls::update(slug, id))
}

/// The CSV document (RFC 4180: CRLF line ends, quotes where needed): the
/// header, then every figure, series by series.
fn csv(room: &Newsroom, slug: &str, series: &[Series]) -> anyhow::Result<String> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    out.write_record(CSV_HEADER)?;
    for figure in series.iter().flat_map(Series::points) {
        let record = [
            // The same form as the JSON's times, so both agree to the byte.
            figure
                .posted_at
                .to_rfc3339_opts(SecondsFormat::AutoSi, true),
            figure.what.clone(),
            figure.place.clone().unwrap_or_default(),
            figure.number.to_string(),
            figure.source.clone(),
            figure.id.to_string(),
            permalink(room, slug, figure.id),
        ];
        out.write_record(record.map(inert))?;
    }
    let bytes = out.into_inner().context("finishing figures CSV")?;
    String::from_utf8(bytes).context("figures CSV is UTF-8")
}

/// What a spreadsheet would take for the start of a formula (OWASP's list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell a spreadsheet shows as text: one that would start a formula
/// (`=HYPERLINK(…)` from an update's "What" or "Source") gets a leading `'`.
fn inert(cell: String) -> String {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}")
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn cells_that_would_start_a_formula_are_made_text() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(inert(cell.to_owned()), format!("'{cell}"));
        }
        assert_eq!(inert("4000 beds".to_owned()), "4000 beds");
        assert_eq!(inert(String::new()), "");
    }
}
