//! The admin forms as typed: every field kept as text so a failed form comes
//! back exactly as the editor left it.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::db::stories::StoryRow;
use crate::domain::{LiveState, StoryInput, StoryStatus, UpdateInput, UpdateKind, split_topics};
use crate::filters::SITE_TIME_ZONE;
use crate::views::UpdateView;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StoryForm {
    pub headline: String,
    pub standfirst: String,
    pub body: String,
    pub topics: String,
    pub slug: String,
    pub byline: String,
    pub status: String,
    pub live: String,
    /// The story version the form was loaded at (empty for a new story).
    pub version: String,
    /// "save" or "preview".
    pub action: String,
}

impl StoryForm {
    /// A blank form for a new story.
    pub fn blank(byline: &str) -> StoryForm {
        StoryForm {
            byline: byline.to_owned(),
            status: StoryStatus::Published.as_str().into(),
            live: LiveState::None.as_str().into(),
            ..StoryForm::default()
        }
    }

    /// The form filled from a stored story, at its current version.
    pub fn from_story(story: &StoryRow, topic_names: &[String]) -> StoryForm {
        StoryForm {
            headline: story.headline.clone(),
            standfirst: story.standfirst.clone(),
            body: story.body_md.clone(),
            topics: topic_names.join(", "),
            slug: story.slug.clone(),
            byline: story.byline.clone(),
            status: story.status.as_str().to_owned(),
            live: story.live_state.as_str().to_owned(),
            version: story.version.to_string(),
            action: String::new(),
        }
    }

    pub fn to_input(&self) -> StoryInput {
        StoryInput {
            headline: self.headline.clone(),
            standfirst: self.standfirst.clone(),
            byline: self.byline.clone(),
            body: self.body.clone(),
            topics: split_topics(&self.topics),
            slug: self.slug.clone(),
            status: self.status.clone(),
            live: self.live.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct UpdateForm {
    pub body: String,
    pub kind: String,
    pub place: String,
    pub who: String,
    pub number: String,
    pub what: String,
    pub source: String,
    /// Present ("on") when the checkbox is ticked.
    pub key_event: Option<String>,
    /// UK local time; empty means now.
    pub time: String,
}

impl UpdateForm {
    pub fn blank() -> UpdateForm {
        UpdateForm {
            kind: UpdateKind::Update.as_str().into(),
            ..UpdateForm::default()
        }
    }

    /// The form filled from a published update, for correcting it.
    pub fn from_update(update: &UpdateView, body_md: &str) -> UpdateForm {
        let figure = update.figure.as_ref();
        UpdateForm {
            body: body_md.to_owned(),
            kind: update.kind.as_str().to_owned(),
            place: update
                .place
                .clone()
                .or_else(|| figure.and_then(|f| f.place.clone()))
                .unwrap_or_default(),
            who: update.who.clone().unwrap_or_default(),
            number: figure.map(|f| f.number.to_string()).unwrap_or_default(),
            what: figure.map(|f| f.what.clone()).unwrap_or_default(),
            source: figure.map(|f| f.source.clone()).unwrap_or_default(),
            key_event: update.key_event.then(|| "on".to_owned()),
            time: update
                .posted_at
                .with_timezone(&SITE_TIME_ZONE)
                // With seconds: a correction must not move the update within its minute.
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
        }
    }

    pub fn to_input(&self, author: &str) -> UpdateInput {
        UpdateInput {
            body: self.body.clone(),
            kind: self.kind.clone(),
            author: author.to_owned(),
            key_event: self.key_event.is_some(),
            place: self.place.clone(),
            who: self.who.clone(),
            number: self.number.clone(),
            what: self.what.clone(),
            source: self.source.clone(),
        }
    }

    /// The update's time: now when empty, otherwise UK local time as typed.
    pub fn posted_at(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
        let text = self.time.trim();
        if text.is_empty() {
            return Ok(now);
        }
        let local = [
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S",
        ]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .ok_or_else(|| format!("“{text}” is not a time: write it like 2016-01-12 08:10."))?;
        SITE_TIME_ZONE
            .from_local_datetime(&local)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| format!("{text} does not exist in UK time (the clocks went forward)."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_times_are_read_as_uk_local_time() {
        let now = Utc::now();
        let form = |time: &str| UpdateForm {
            time: time.into(),
            ..UpdateForm::blank()
        };
        assert_eq!(form("").posted_at(now), Ok(now));
        let summer = form("2016-07-12 08:10").posted_at(now).unwrap();
        assert_eq!(summer.to_rfc3339(), "2016-07-12T07:10:00+00:00");
        assert!(form("half past eight").posted_at(now).is_err());
    }
}
