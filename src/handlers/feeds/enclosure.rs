//! A story's lead photo in its feed entry: RSS `<enclosure>` (the one file
//! RSS 2.0 allows per item), Media RSS `<media:content>` with the photo's
//! size and alt text (what feed readers and aggregators show as the
//! item's image), and Atom `<link rel="enclosure">`.

use std::collections::BTreeMap;

use atom_syndication as atom;
use rss::extension::Extension;

use crate::urls;
use crate::views::LeadPhotoView;

/// The Media RSS namespace, declared by a feed whose items use it.
pub const MEDIA_RSS_NAMESPACE: &str = "http://search.yahoo.com/mrss/";
/// Its prefix.
pub const MEDIA_RSS_PREFIX: &str = "media";

/// A lead photo's file as a feed names it.
pub struct FeedPhoto {
    /// Absolute: a feed reader fetches it from elsewhere.
    url: String,
    /// In bytes, as stored.
    length: u64,
    mime_type: &'static str,
    width: Option<u32>,
    height: Option<u32>,
    alt: String,
}

impl FeedPhoto {
    /// The photo's widest JPEG on the site at `site_url`.
    pub fn of(photo: &LeadPhotoView, site_url: &str) -> Option<FeedPhoto> {
        let image = photo.image()?;
        Some(FeedPhoto {
            url: urls::absolute(site_url, &image.url()),
            length: image.bytes,
            mime_type: image.format().content_type(),
            width: image.width,
            height: image.height,
            alt: photo.alt().to_owned(),
        })
    }

    /// Adds it to an RSS item: its enclosure and its `media:content`.
    pub fn enclose_in(self, item: &mut rss::Item) {
        let mut attrs = BTreeMap::from([
            ("url".to_owned(), self.url.clone()),
            ("type".to_owned(), self.mime_type.to_owned()),
            ("medium".to_owned(), "image".to_owned()),
            ("fileSize".to_owned(), self.length.to_string()),
        ]);
        attrs.extend(self.width.map(|w| ("width".to_owned(), w.to_string())));
        attrs.extend(self.height.map(|h| ("height".to_owned(), h.to_string())));
        let description = Extension {
            name: format!("{MEDIA_RSS_PREFIX}:description"),
            value: Some(self.alt),
            attrs: BTreeMap::from([("type".to_owned(), "plain".to_owned())]),
            ..Extension::default()
        };
        let content = Extension {
            name: format!("{MEDIA_RSS_PREFIX}:content"),
            attrs,
            children: BTreeMap::from([("description".to_owned(), vec![description])]),
            ..Extension::default()
        };
        item.extensions.insert(
            MEDIA_RSS_PREFIX.to_owned(),
            BTreeMap::from([("content".to_owned(), vec![content])]),
        );
        item.enclosure = Some(rss::Enclosure {
            url: self.url,
            length: self.length.to_string(),
            mime_type: self.mime_type.to_owned(),
        });
    }

    /// It as an Atom entry's `<link rel="enclosure">`.
    pub fn atom_link(self) -> atom::Link {
        atom::Link {
            href: self.url,
            rel: "enclosure".to_owned(),
            mime_type: Some(self.mime_type.to_owned()),
            title: Some(self.alt),
            length: Some(self.length.to_string()),
            ..atom::Link::default()
        }
    }
}
