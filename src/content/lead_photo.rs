//! A story's lead photo: the stored photo its body opens with. Found when
//! the body is rendered (a save or an import) and stored with the story, so
//! the front page, topic pages, social cards and feeds show it without
//! reading the Markdown again.

use pulldown_cmark::Event;

use super::photos::{MediaLookup, photo_paragraph};

/// The photo a body opens with, as its first paragraph says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadPhoto {
    /// `media.id` of the stored photo.
    pub media_id: i64,
    /// Its alt text, as written in that paragraph.
    pub alt: String,
}

/// The lead photo of a body parsed into `events`: its first block, when
/// that block is a paragraph that is only a stored photo.
pub(super) fn lead_photo(events: &[Event], media_of: MediaLookup) -> Option<LeadPhoto> {
    let (found, _) = photo_paragraph(events, media_of)?;
    Some(LeadPhoto {
        media_id: found.photo.id,
        alt: found.alt,
    })
}

#[cfg(test)]
mod tests {
    use crate::content::photos::tests::stored_photo;
    use crate::content::{Placement, RenderContext, render_markdown};
    use crate::media::StoredMedia;

    use super::LeadPhoto;

    /// The lead photo of `md`, on a site with one stored photo (id 7),
    /// which `PHOTO` in `md` stands for.
    fn lead_of(md: &str) -> Option<LeadPhoto> {
        let photo = StoredMedia {
            id: 7,
            ..stored_photo(b"lead")
        };
        let lookup = |sha: &str| (sha == photo.sha256).then(|| photo.clone());
        let context = RenderContext {
            site_url: "https://news.example",
            headline_of: &|_| None,
            media_of: &lookup,
            place: Placement::StoryBody,
        };
        let md = md.replace("PHOTO", &photo.fallback().unwrap().url());
        render_markdown(&md, &context).unwrap().lead_photo
    }

    #[test]
    fn a_body_opening_with_a_stored_photo_has_it_as_its_lead() {
        let lead = lead_of("![Pickets *at* the gate](PHOTO \"Dawn | Desk\")\n\nText.");
        assert_eq!(
            lead,
            Some(LeadPhoto {
                media_id: 7,
                alt: "Pickets at the gate".into()
            })
        );
    }

    #[test]
    fn a_photo_anywhere_but_first_or_not_stored_is_no_lead() {
        assert_eq!(lead_of("Text.\n\n![Pickets](PHOTO)"), None);
        assert_eq!(lead_of("See ![Pickets](PHOTO)"), None);
        assert_eq!(lead_of("![Elsewhere](https://example.com/a.jpg)"), None);
        assert_eq!(lead_of(""), None);
    }
}
