//! Stories as the front page and topic pages list them: each with its lead
//! photo's thumbnail, eager on the first screen and lazy below it.

use crate::db::{Connection, stories::StorySummary};
use crate::views::{Thumbnail, lead_photos};

/// Cards on a list's first screen, whose thumbnails load at once: about
/// three fit a laptop's screen, two a phone's. Later ones load lazily.
const FIRST_SCREEN_CARDS: usize = 3;

/// A story in a list.
pub struct StoryCard {
    pub story: StorySummary,
    /// Its lead photo, when it has one.
    pub thumbnail: Option<Thumbnail>,
}

/// `stories`, in their order on the page, as cards.
pub async fn story_cards(
    conn: &mut Connection,
    stories: Vec<StorySummary>,
) -> sqlx::Result<Vec<StoryCard>> {
    let photos = lead_photos(
        conn,
        stories
            .iter()
            .map(|s| (s.lead_photo_id, s.lead_photo_alt.as_str())),
    )
    .await?;
    Ok(stories
        .into_iter()
        .zip(photos)
        .enumerate()
        .map(|(position, (story, photo))| StoryCard {
            thumbnail: photo.and_then(|p| p.thumbnail(position >= FIRST_SCREEN_CARDS)),
            story,
        })
        .collect())
}
