//! One live update as readers see it: the one view model and the one template
//! (`reader/_update.html`) behind the story page, the fragment endpoint and SSE.

use askama::Template;
use chrono::{DateTime, Utc};

use crate::content::SafeHtml;
use crate::db::updates::UpdateRow;
use crate::domain::UpdateKind;
use crate::filters;

/// A cancellation figure carried by a `figures` update.
#[derive(Debug, Clone)]
pub struct FigureView {
    pub number: i64,
    pub what: String,
    pub place: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct UpdateView {
    pub id: i64,
    pub story_slug: String,
    pub posted_at: DateTime<Utc>,
    pub kind: UpdateKind,
    pub html: SafeHtml,
    /// Plain-text first words, for lists and structured data.
    pub summary: String,
    pub author: String,
    pub key_event: bool,
    /// Where a picket report comes from.
    pub place: Option<String>,
    /// Who made a statement.
    pub who: Option<String>,
    pub figure: Option<FigureView>,
    pub edited_at: Option<DateTime<Utc>>,
}

impl UpdateView {
    pub fn new(story_slug: &str, row: UpdateRow) -> UpdateView {
        let kind = row.kind;
        let figure = match (kind, row.figure_number) {
            (UpdateKind::Figures, Some(number)) => Some(FigureView {
                number,
                what: row.figure_what.unwrap_or_default(),
                place: row.place.clone(),
                source: row.figure_source.unwrap_or_default(),
            }),
            _ => None,
        };
        UpdateView {
            id: row.id,
            story_slug: story_slug.to_owned(),
            posted_at: row.posted_at,
            kind,
            html: SafeHtml::from_stored(row.body_html),
            summary: row.summary,
            author: row.author,
            key_event: row.key_event,
            place: if kind == UpdateKind::Picket {
                row.place
            } else {
                None
            },
            who: row.who,
            figure,
            edited_at: row.edited_at,
        }
    }
}

impl UpdateView {
    /// Where this update lives: its permalink on the story's page.
    pub fn permalink(&self) -> String {
        crate::urls::update(&self.story_slug, self.id)
    }
}

/// A single update, rendered alone: for `/updates?after=` and the SSE stream.
#[derive(Template)]
#[template(path = "reader/_update.html")]
pub struct UpdateFragment<'a> {
    pub update: &'a UpdateView,
}
