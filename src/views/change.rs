//! A change from the log as open pages are told of it: an `update` or `edit`
//! carries the update's current HTML, a `delete` its id, a `story` the
//! story's new state. Rendered from the database as it is now, so a reader
//! replayed old changes converges on the page a fresh load would show.

use askama::Template;
use serde_json::json;

use crate::content::SafeHtml;
use crate::db::live_changes::ChangeRow;
use crate::domain::Change;
use crate::live::LiveMessage;
use crate::views::{UpdateFragment, UpdateView};

/// One change, ready to send.
#[derive(Debug, Clone)]
pub struct ChangeView {
    /// The change's cursor.
    pub seq: i64,
    pub story_id: i64,
    /// The event name: `update`, `edit`, `delete` or `story`.
    pub event: &'static str,
    /// The update it is about, if any.
    pub update_id: Option<i64>,
    /// The update's HTML, for `update` and `edit`.
    pub html: Option<SafeHtml>,
    /// The story's state as JSON, for `story`.
    pub story: Option<String>,
}

impl ChangeView {
    /// Renders a change as pages are told of it. An update deleted since it
    /// was published or edited is told as deleted.
    pub fn new(row: &ChangeRow) -> askama::Result<ChangeView> {
        let mut view = ChangeView {
            seq: row.seq,
            story_id: row.story_id,
            event: "delete",
            update_id: row.change.update_id(),
            html: None,
            story: None,
        };
        match (row.change, &row.update) {
            (Change::Published(_) | Change::Edited(_), Some(update)) => {
                let markup = UpdateFragment {
                    update: &UpdateView::new(&row.story.slug, update.clone()),
                }
                .render()?;
                view.event = if matches!(row.change, Change::Published(_)) {
                    "update"
                } else {
                    "edit"
                };
                view.html = Some(SafeHtml::from_template(markup));
            }
            (Change::Published(_) | Change::Edited(_) | Change::Deleted(_), _) => {}
            (Change::Pinned(_) | Change::Unpinned | Change::LiveEnded | Change::StorySaved, _) => {
                view.event = "story";
                view.update_id = None;
                view.story = Some(crate::content::markup_free_json(
                    json!({
                        "change": row.change.as_str(),
                        "headline": row.story.headline,
                        "live_state": row.story.live_state.as_str(),
                        "pinned_update": row.story.pinned_update_id,
                    })
                    .to_string(),
                ));
            }
        }
        Ok(view)
    }

    /// The change as a Server-Sent Event whose `id:` is its cursor.
    pub fn message(&self) -> LiveMessage {
        let id;
        let data = match (&self.html, &self.story, self.update_id) {
            (Some(html), _, _) => html.as_str(),
            (None, Some(story), _) => story.as_str(),
            (None, None, Some(update_id)) => {
                id = update_id.to_string();
                id.as_str()
            }
            (None, None, None) => "",
        };
        LiveMessage::new(self.seq, self.event, data)
    }
}

/// A change as the polling endpoint lists it: one element marked with the
/// event and its cursor, the update's HTML inside.
#[derive(Template)]
#[template(path = "reader/_change.html")]
pub struct ChangeElement<'a> {
    pub change: &'a ChangeView,
}
