//! What the sanitiser lets through for facades and quote cards, and no
//! more: their classes on their elements, a `<button>` that can only be
//! `type="button"`, and data attributes whose values pass the same checks
//! as the addresses they came from. Facades survive sanitising (stored HTML
//! is sanitised again for the pinned copy of an update), and an author who
//! types one by hand gets no more than pasting an address would give.

use std::borrow::Cow;

use super::video::{Provider, is_vimeo_hash, is_vimeo_id, is_youtube_id};

/// Classes of the facade and the quote card, by element.
const CLASSES: &[(&str, &[&str])] = &[
    ("figure", &["video-embed", "social-post-card"]),
    ("div", &["video-frame"]),
    (
        "span",
        &[
            "video-poster",
            "video-poster-title",
            "video-play-name",
            "social-post-author",
            "social-post-handle",
            "social-post-network",
        ],
    ),
    ("img", &["video-poster-image"]),
    ("button", &["video-play"]),
    ("figcaption", &["video-caption", "social-post-source"]),
    ("a", &["video-link", "social-post-link"]),
    ("blockquote", &["social-post"]),
];

/// Adds the facade's and the quote card's markup to what `builder` keeps.
pub fn allow_embeds(builder: &mut ammonia::Builder<'_>) {
    for (tag, classes) in CLASSES {
        builder.add_allowed_classes(*tag, *classes);
    }
    let providers: Vec<&'static str> = Provider::ALL.iter().map(|p| p.key()).collect();
    builder
        .add_tags(["button"])
        .add_tag_attribute_values("button", "type", ["button"])
        // A button never submits anything, whatever an author wrote.
        .set_tag_attribute_value("button", "type", "button")
        .add_tag_attribute_values("figure", "data-video-provider", providers)
        .add_tag_attributes(
            "figure",
            ["data-video-id", "data-video-start", "data-video-hash"],
        )
        .add_tag_attribute_values("span", "aria-hidden", ["true"])
        .add_tag_attributes("img", ["loading", "decoding"])
        .add_tag_attributes("time", ["datetime"])
        .attribute_filter(checked_value);
}

/// Keeps a free-form attribute's value only when it has the shape the
/// embeds write; leaves every other attribute as the allow-list left it.
fn checked_value<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    // The uploaded video's checks come first: they own a `<source>` whose
    // type is a video's, the photos' every other `<source type>`.
    let owned = crate::content::videos::checked_value(element, attribute, value)
        .or_else(|| crate::content::photos::checked_value(element, attribute, value));
    if let Some(keep) = owned {
        return keep.then_some(Cow::Borrowed(value));
    }
    let keep = match (element, attribute) {
        ("figure", "data-video-id") => is_youtube_id(value) || is_vimeo_id(value),
        ("figure", "data-video-start") => {
            (1..=6).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
        }
        ("figure", "data-video-hash") => is_vimeo_hash(value),
        ("img", "loading") => value == "lazy",
        ("img", "decoding") => value == "async",
        ("time", "datetime") => chrono::DateTime::parse_from_rfc3339(value).is_ok(),
        _ => true,
    };
    keep.then_some(Cow::Borrowed(value))
}
