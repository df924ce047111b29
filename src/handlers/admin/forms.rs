//! The admin forms as typed: every field kept as text so a failed form comes
//! back exactly as the editor left it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::gallery_form::{MAX_PHOTOS, MorePhotoWords, PhotoSlot, PhotoWords};
use super::uk_time;
use crate::db::stories::StoryRow;
use crate::domain::{
    FieldErrors, LiveState, StoryInput, StoryStatus, UpdateInput, UpdateKind, check_posted_at,
    split_topics,
};
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
    /// The words of a photo chosen with the form (the photo itself comes
    /// as a multipart file, see `upload`); emptied once it is stored and
    /// its line is in the body.
    pub alt: String,
    pub caption: String,
    pub credit: String,
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
            ..StoryForm::default()
        }
    }

    /// The words typed beside the photo.
    pub fn photo_words(&self) -> PhotoWords {
        PhotoWords {
            alt: self.alt.clone(),
            caption: self.caption.clone(),
            credit: self.credit.clone(),
        }
    }

    /// The photo's controls as the form shows them: one slot, no gallery.
    pub fn photo_slot(&self) -> PhotoSlot {
        PhotoSlot::new(1, self.photo_words())
    }

    /// Puts a stored photo's Markdown line at the top of the body, where it
    /// is the story's lead photo; its words are in the line now.
    pub fn lead_with(&mut self, photo_line: String) {
        self.body = if self.body.trim().is_empty() {
            photo_line
        } else {
            format!("{photo_line}\n\n{}", self.body)
        };
        self.alt.clear();
        self.caption.clear();
        self.credit.clear();
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
    /// The first photo's alt text, caption and credit (publish form only;
    /// the photos themselves come as multipart files, see `upload`).
    pub alt: String,
    pub caption: String,
    pub credit: String,
    /// The words of photos 2 to 6 (`alt_2`, …).
    #[serde(flatten)]
    pub more_photos: MorePhotoWords,
    /// The uploaded video's words (publish form only).
    pub video_title: String,
    pub video_caption: String,
    pub video_credit: String,
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
            time: uk_time::format(update.posted_at),
            ..UpdateForm::default()
        }
    }

    /// Every photo slot with what was typed in it, slot 1 first.
    pub fn photo_slots(&self) -> Vec<PhotoSlot> {
        let first = PhotoWords {
            alt: self.alt.clone(),
            caption: self.caption.clone(),
            credit: self.credit.clone(),
        };
        std::iter::once(PhotoSlot::new(1, first))
            .chain((2..=MAX_PHOTOS).map(|n| PhotoSlot::new(n, self.more_photos.slot(n))))
            .collect()
    }

    /// Whether the slots after the first should show: something is typed
    /// in them, or one has an error.
    pub fn more_photos_open(&self, errors: &FieldErrors) -> bool {
        self.more_photos.any_typed()
            || self.photo_slots()[1..].iter().any(|slot| {
                [slot.photo, slot.alt, slot.caption, slot.credit]
                    .iter()
                    .any(|field| errors.get(field).is_some())
            })
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

    /// The update's time: now when empty, otherwise UK local time as typed
    /// ([`uk_time::parse`]), neither in the future nor implausibly old.
    pub fn posted_at(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
        let text = self.time.trim();
        if text.is_empty() {
            return Ok(now);
        }
        let at = uk_time::parse(text)?;
        check_posted_at(at, now)?;
        Ok(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_times_are_now_when_empty_and_never_far_from_now() {
        let now = Utc::now();
        let form = |time: &str| UpdateForm {
            time: time.into(),
            ..UpdateForm::blank()
        };
        assert_eq!(form("").posted_at(now), Ok(now));
        assert!(form("2016-07-12 08:10").posted_at(now).is_ok());
        for far in ["2099-01-01 00:00", "0001-01-01 00:00"] {
            assert!(form(far).posted_at(now).is_err(), "{far}");
        }
    }
}
