//! Figures as data: the numbers that `figures` updates report, grouped into
//! one series per (what, place) pair. A story page shows them as a panel
//! with a chart per series; `figures.json` and `figures.csv` give them away.

mod chart;
mod data;
mod panel;
mod series;

pub use data::{figures_csv, figures_json};
pub use panel::{FiguresPanel, SeriesView, figures_panel};
pub use series::{Change, Series};

use anyhow::Context;

use crate::db;

/// Every series of a story's figures that are not deleted.
async fn story_series(conn: &mut db::Connection, story_id: i64) -> anyhow::Result<Vec<Series>> {
    let rows = db::figures::for_story(conn, story_id)
        .await
        .context("loading the story's figures")?;
    Ok(series::group(rows))
}
