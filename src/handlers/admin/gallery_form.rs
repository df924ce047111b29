//! The update form's photo slots: up to [`MAX_PHOTOS`] photos, each with its
//! own alt text, caption and credit. Slot 1 keeps the contract's names
//! (`photo`, `alt`, `caption`, `credit`); slot `n` adds `_n`
//! (`photo_2`, `alt_2`, …), and its labels say its number.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The most photos one update carries: a small gallery, not an album.
pub const MAX_PHOTOS: usize = 6;

/// The form's names of each slot's fields, slot 1 first (errors are filed
/// under them, so they are `'static`).
const PHOTO: [&str; MAX_PHOTOS] = [
    "photo", "photo_2", "photo_3", "photo_4", "photo_5", "photo_6",
];
const ALT: [&str; MAX_PHOTOS] = ["alt", "alt_2", "alt_3", "alt_4", "alt_5", "alt_6"];
const CAPTION: [&str; MAX_PHOTOS] = [
    "caption",
    "caption_2",
    "caption_3",
    "caption_4",
    "caption_5",
    "caption_6",
];
const CREDIT: [&str; MAX_PHOTOS] = [
    "credit", "credit_2", "credit_3", "credit_4", "credit_5", "credit_6",
];

/// The words that go with one photo, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhotoWords {
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

/// One slot of the form as the template shows it: its number, its fields'
/// names and what was typed in them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoSlot {
    /// From 1.
    pub number: usize,
    pub photo: &'static str,
    pub alt: &'static str,
    pub caption: &'static str,
    pub credit: &'static str,
    pub words: PhotoWords,
}

impl PhotoSlot {
    /// Slot `number` (1 to [`MAX_PHOTOS`]) holding `words`.
    pub fn new(number: usize, words: PhotoWords) -> PhotoSlot {
        let i = number - 1;
        PhotoSlot {
            number,
            photo: PHOTO[i],
            alt: ALT[i],
            caption: CAPTION[i],
            credit: CREDIT[i],
            words,
        }
    }

    /// The visible label of one of its fields: the contract's words in
    /// slot 1 ("Alt text"), then "Photo 2", "Alt text for photo 2", …, so
    /// every control on the form has a name of its own.
    pub fn label(&self, field: &str) -> String {
        match (self.number, field) {
            (1, _) => field.to_owned(),
            (n, "Photo") => format!("Photo {n}"),
            (n, _) => format!("{field} for photo {n}"),
        }
    }
}

/// The slot a photo control's name stands for: `photo` is 1, `photo_n` is
/// `n` (any `n` from 2, so that a post with too many can be counted).
pub fn photo_slot(name: &str) -> Option<usize> {
    if name == PHOTO[0] {
        return Some(1);
    }
    let n: usize = name.strip_prefix("photo_")?.parse().ok()?;
    (n >= 2 && name == format!("photo_{n}")).then_some(n)
}

/// The words of slots 2 to [`MAX_PHOTOS`] (slot 1's are the form's own
/// `alt`, `caption` and `credit`). Read from and written to the form's
/// flat field names (`alt_2`, …) by hand, since serde's derive cannot
/// name fields by number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MorePhotoWords(pub BTreeMap<usize, PhotoWords>);

impl MorePhotoWords {
    /// The words of `slot` (2 to [`MAX_PHOTOS`]); empty when none were typed.
    pub fn slot(&self, slot: usize) -> PhotoWords {
        self.0.get(&slot).cloned().unwrap_or_default()
    }

    /// Whether any of them has a word typed.
    pub fn any_typed(&self) -> bool {
        self.0.values().any(|w| *w != PhotoWords::default())
    }
}

/// `alt_3` → (`alt`, 3), for slots 2 to [`MAX_PHOTOS`].
fn split_key(key: &str) -> Option<(&'static str, usize)> {
    (1..MAX_PHOTOS).find_map(|i| {
        [(ALT, "alt"), (CAPTION, "caption"), (CREDIT, "credit")]
            .into_iter()
            .find(|(names, _)| names[i] == key)
            .map(|(_, field)| (field, i + 1))
    })
}

impl<'de> Deserialize<'de> for MorePhotoWords {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Words;
        impl<'de> Visitor<'de> for Words {
            type Value = MorePhotoWords;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("form fields")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut words = MorePhotoWords::default();
                while let Some((key, value)) = map.next_entry::<String, String>()? {
                    let Some((field, slot)) = split_key(&key) else {
                        continue;
                    };
                    let entry = words.0.entry(slot).or_default();
                    match field {
                        "alt" => entry.alt = value,
                        "caption" => entry.caption = value,
                        _ => entry.credit = value,
                    }
                }
                Ok(words)
            }
        }
        deserializer.deserialize_map(Words)
    }
}

impl Serialize for MorePhotoWords {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (slot, words) in &self.0 {
            let slot = PhotoSlot::new(*slot, PhotoWords::default());
            for (name, value) in [
                (slot.alt, &words.alt),
                (slot.caption, &words.caption),
                (slot.credit, &words.credit),
            ] {
                if !value.is_empty() {
                    map.serialize_entry(name, value)?;
                }
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Deserialize, Serialize, PartialEq)]
    #[serde(default)]
    struct Form {
        body: String,
        alt: String,
        #[serde(flatten)]
        more: MorePhotoWords,
    }

    #[test]
    fn numbered_fields_read_and_write_back() {
        let form: Form = serde_urlencoded::from_str(
            "body=Hi&alt=One&alt_2=Two&credit_2=Jo&caption_6=Six&alt_7=no&alt_02=no&csrf_token=t",
        )
        .unwrap();
        assert_eq!(form.alt, "One");
        assert_eq!(form.more.slot(2).alt, "Two");
        assert_eq!(form.more.slot(2).credit, "Jo");
        assert_eq!(form.more.slot(6).caption, "Six");
        assert_eq!(form.more.0.len(), 2);
        let again: Form =
            serde_urlencoded::from_str(&serde_urlencoded::to_string(&form).unwrap()).unwrap();
        assert_eq!(again, form);
    }

    #[test]
    fn every_slot_after_the_first_has_labels_of_its_own() {
        let first = PhotoSlot::new(1, PhotoWords::default());
        assert_eq!(first.label("Alt text"), "Alt text");
        let third = PhotoSlot::new(3, PhotoWords::default());
        assert_eq!((third.photo, third.alt), ("photo_3", "alt_3"));
        assert_eq!(third.label("Photo"), "Photo 3");
        assert_eq!(third.label("Alt text"), "Alt text for photo 3");
    }

    #[test]
    fn photo_controls_are_counted_by_slot() {
        assert_eq!(photo_slot("photo"), Some(1));
        assert_eq!(photo_slot("photo_2"), Some(2));
        assert_eq!(photo_slot("photo_7"), Some(7));
        for name in ["photo_1", "photo_02", "photo_", "photos", "video"] {
            assert_eq!(photo_slot(name), None, "{name}");
        }
    }
}
