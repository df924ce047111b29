//! What every feed shares: its head (title, links, WebSub hub), and writing
//! it out as RSS or Atom.

use std::collections::BTreeMap;

use anyhow::Context;
use atom_syndication as atom;
use chrono::{DateTime, Utc};
use rss::extension::dublincore::DublinCoreExtension;
use rss::extension::{Extension, ExtensionMap};

use super::enclosure::{MEDIA_RSS_NAMESPACE, MEDIA_RSS_PREFIX};
use super::markup::xml_chars_only;
use super::{ATOM, RSS, absolute};
use crate::Newsroom;
use crate::content::SafeHtml;
use crate::error::AppResult;
use crate::handlers::respond::Dated;

const ATOM_NAMESPACE: &str = "http://www.w3.org/2005/Atom";

/// The language every feed declares.
const LANGUAGE: &str = "en-GB";

/// What a feed says about itself.
pub struct FeedHead {
    pub title: String,
    /// Plain text: escaped where a format takes HTML (RSS's `description`).
    pub description: String,
    /// Absolute URL of the HTML page the feed follows.
    pub home: String,
    /// Absolute URL of the feed itself: its `rel="self"` and, for Atom, its id.
    pub self_url: String,
    /// When the newest thing in the feed changed.
    pub updated: DateTime<Utc>,
    /// The WebSub hub to advertise, if one is configured.
    pub hub: Option<String>,
}

impl FeedHead {
    /// A head whose links are `home_path` and `self_path` on this site.
    pub fn new(
        room: &Newsroom,
        home_path: &str,
        self_path: &str,
        updated: DateTime<Utc>,
    ) -> FeedHead {
        FeedHead {
            title: String::new(),
            description: String::new(),
            home: absolute(room, home_path),
            self_url: absolute(room, self_path),
            updated,
            hub: room.websub.hub().map(str::to_owned),
        }
    }

    /// `rel="self"` (of media type `self_type`) and, when configured, `rel="hub"`.
    fn links(&self, self_type: &str) -> Vec<atom::Link> {
        let mut links = vec![link(&self.self_url, "self", Some(self_type))];
        if let Some(hub) = &self.hub {
            links.push(link(hub, "hub", None));
        }
        links
    }
}

/// An entry's link to its page.
pub fn alternate(url: &str) -> atom::Link {
    link(url, "alternate", Some("text/html"))
}

/// An entry's author.
pub fn person(name: &str) -> atom::Person {
    atom::Person {
        name: name.to_owned(),
        ..atom::Person::default()
    }
}

/// An entry's content: HTML, escaped as text by the writer.
pub fn html_content(html: SafeHtml) -> atom::Content {
    atom::Content {
        value: Some(html.into_string()),
        content_type: Some("html".to_owned()),
        ..atom::Content::default()
    }
}

/// An item's `dc:creator`: RSS's own `author` must be an email address.
pub fn creator(name: &str) -> DublinCoreExtension {
    DublinCoreExtension {
        creators: vec![name.to_owned()],
        ..DublinCoreExtension::default()
    }
}

fn link(href: &str, rel: &str, media_type: Option<&str>) -> atom::Link {
    atom::Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        // The link's type is the bare media type, without the charset parameter.
        mime_type: media_type
            .and_then(|t| t.split(';').next())
            .map(str::to_owned),
        ..atom::Link::default()
    }
}

/// Writes an RSS 2.0 feed; its hub and self links are `atom:link` elements.
/// Feed readers render the channel's description as HTML, like an item's, so
/// the head's plain-text description is escaped into HTML here. The Media
/// RSS namespace is declared when an item has a photo.
pub fn write_rss(head: FeedHead, items: Vec<rss::Item>) -> AppResult<Dated> {
    let mut namespaces = BTreeMap::from([("atom".to_owned(), ATOM_NAMESPACE.to_owned())]);
    if items
        .iter()
        .any(|item| item.extensions.contains_key(MEDIA_RSS_PREFIX))
    {
        namespaces.insert(MEDIA_RSS_PREFIX.to_owned(), MEDIA_RSS_NAMESPACE.to_owned());
    }
    let channel = rss::Channel {
        namespaces,
        extensions: rss_links(head.links(RSS)),
        title: head.title,
        link: head.home,
        description: SafeHtml::from_text(&head.description).into_string(),
        language: Some(LANGUAGE.to_owned()),
        last_build_date: Some(head.updated.to_rfc2822()),
        items,
        ..rss::Channel::default()
    };
    let body = channel.write_to(Vec::new()).context("writing RSS feed")?;
    let body = String::from_utf8(body).context("RSS feed is UTF-8")?;
    Ok(Dated {
        body: xml_chars_only(body),
        last_modified: head.updated,
        keys: Vec::new(),
    })
}

/// `links` as RSS `atom:link` elements. Built by hand because the rss crate's
/// own Atom extension would compile atom_syndication's builder macros too.
fn rss_links(links: Vec<atom::Link>) -> ExtensionMap {
    let elements = links
        .into_iter()
        .map(|link| {
            let mut attrs =
                BTreeMap::from([("href".to_owned(), link.href), ("rel".to_owned(), link.rel)]);
            attrs.extend(link.mime_type.map(|t| ("type".to_owned(), t)));
            Extension {
                name: "atom:link".to_owned(),
                attrs,
                ..Extension::default()
            }
        })
        .collect();
    BTreeMap::from([(
        "atom".to_owned(),
        BTreeMap::from([("link".to_owned(), elements)]),
    )])
}

/// An Atom 1.0 feed of `entries`, to add extensions to before [`write_atom`].
pub fn atom_feed(head: FeedHead, entries: Vec<atom::Entry>) -> atom::Feed {
    let mut links = vec![link(&head.home, "alternate", Some("text/html"))];
    links.extend(head.links(ATOM));
    atom::Feed {
        title: atom::Text::plain(head.title),
        subtitle: Some(atom::Text::plain(head.description)),
        id: head.self_url,
        updated: head.updated.fixed_offset(),
        links,
        lang: Some(LANGUAGE.to_owned()),
        entries,
        ..atom::Feed::default()
    }
}

/// Writes an Atom feed built by [`atom_feed`].
pub fn write_atom(feed: &atom::Feed) -> AppResult<Dated> {
    let body = feed.write_to(Vec::new()).context("writing Atom feed")?;
    let body = String::from_utf8(body).context("Atom feed is UTF-8")?;
    Ok(Dated {
        body: xml_chars_only(body),
        last_modified: feed.updated.to_utc(),
        keys: Vec::new(),
    })
}
