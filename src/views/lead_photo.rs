//! A story's lead photo (`stories.lead_photo_id`) as readers meet it: a
//! thumbnail on the front and topic pages, the image of its social cards
//! and structured data, and its feeds' enclosure.

use crate::db::{self, Connection};
use crate::media::{FileFormat, MediaFile, StoredMedia};
use crate::urls;

/// The `sizes` of a story card's thumbnail: a 14rem column beside the text
/// from a 40rem viewport (`site.css`), the whole width below.
pub const THUMBNAIL_SIZES: &str = "(min-width: 40rem) 14rem, 100vw";

/// The width a thumbnail's `src` is chosen for: the narrowest variant.
const THUMBNAIL_WIDTH: u32 = 480;

/// A story's lead photo with its alt text.
#[derive(Debug, Clone)]
pub struct LeadPhotoView {
    photo: StoredMedia,
    alt: String,
}

/// A story card's `<picture>`, as `macros.html` writes it.
#[derive(Debug, Clone)]
pub struct Thumbnail {
    pub src: String,
    pub jpeg_srcset: String,
    /// Empty when no WebP was smaller than its JPEG.
    pub webp_srcset: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    /// Below the first screen: the browser fetches it when it comes near.
    pub lazy: bool,
}

/// The image of a story's social cards and structured data.
#[derive(Debug, Clone)]
pub struct SocialImage {
    /// Absolute: a card is fetched from other sites.
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

/// The lead photos of some stories, given each as its `lead_photo_id` and
/// alt text; in their order, `None` for a story without one (or whose
/// photo is not a stored photo). Two statements, whatever their number.
pub async fn lead_photos<'a>(
    conn: &mut Connection,
    stories: impl IntoIterator<Item = (Option<i64>, &'a str)>,
) -> sqlx::Result<Vec<Option<LeadPhotoView>>> {
    let stories: Vec<(Option<i64>, &str)> = stories.into_iter().collect();
    let ids: Vec<i64> = stories.iter().filter_map(|(id, _)| *id).collect();
    let photos = db::media::by_id(conn, &ids).await?;
    Ok(stories
        .into_iter()
        .map(|(id, alt)| {
            let photo = photos.get(&id?)?.clone();
            Some(LeadPhotoView {
                photo,
                alt: alt.to_owned(),
            })
        })
        .collect())
}

impl LeadPhotoView {
    /// The widest JPEG (1600 pixels, or the photo's own width if smaller):
    /// what social cards, structured data and feed enclosures point at.
    pub fn image(&self) -> Option<&MediaFile> {
        self.photo.fallback()
    }

    pub fn alt(&self) -> &str {
        &self.alt
    }

    /// Its thumbnail; `lazy` below the first screen.
    pub fn thumbnail(&self, lazy: bool) -> Option<Thumbnail> {
        let src = self.photo.jpeg_for(THUMBNAIL_WIDTH)?;
        Some(Thumbnail {
            src: src.url(),
            jpeg_srcset: self.photo.srcset(FileFormat::Jpeg),
            webp_srcset: self.photo.srcset(FileFormat::Webp),
            width: src.width?,
            height: src.height?,
            alt: self.alt.clone(),
            lazy,
        })
    }

    /// Its image for the site at `site_url`.
    pub fn social_image(&self, site_url: &str) -> Option<SocialImage> {
        let image = self.image()?;
        Some(SocialImage {
            url: urls::absolute(site_url, &image.url()),
            width: image.width?,
            height: image.height?,
            alt: self.alt.clone(),
        })
    }
}
