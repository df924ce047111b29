//! Feeds of one story's live updates, newest first: `/news/{slug}/feed.xml`
//! (RSS 2.0) and `/news/{slug}/atom.xml` (Atom 1.0, where deleted updates stay
//! behind as RFC 6721 tombstones so that readers which cached them drop them).

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use atom_syndication as atom;
use atom_syndication::extension::{Extension, ExtensionMap};
use chrono::{DateTime, Utc};

use super::document::{
    FeedHead, alternate, atom_feed, creator, html_content, person, write_atom, write_rss,
};
use super::markup::absolute_html;
use super::{ATOM, RSS, absolute};
use crate::content::escape;
use crate::db::{self, feeds::DeletedUpdate, stories::StoryRow, updates::UpdateRow};
use crate::domain::Slug;
use crate::error::AppResult;
use crate::handlers::lookup::published_story;
use crate::handlers::respond;
use crate::surrogate::SurrogateKey;
use crate::{Newsroom, urls};

/// Updates (and tombstones) in a story's feed: a busy live day's worth.
const FEED_UPDATES: i64 = 100;
const TOMBSTONES: &str = "http://purl.org/atompub/tombstones/1.0";

/// A published story with its newest live updates and its deleted ones.
struct UpdateFeed {
    story: StoryRow,
    updates: Vec<UpdateRow>,
    deleted: Vec<DeletedUpdate>,
}

/// `GET /news/{slug}/feed.xml`: RSS 2.0 of a story's live updates.
pub async fn story_rss(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: Slug,
) -> AppResult<HttpResponse> {
    respond::cached_dated(&req, &room, urls::story_rss(slug.as_str()), RSS, || async {
        let feed = UpdateFeed::load(&room, &slug).await?;
        let head = feed.head(&room, &urls::story_rss(&feed.story.slug));
        let items = feed
            .updates
            .into_iter()
            .map(|u| rss_item(&room, &feed.story.slug, u))
            .collect();
        Ok(write_rss(head, items)?.showing(vec![SurrogateKey::Story(feed.story.id)]))
    })
    .await
}

/// `GET /news/{slug}/atom.xml`: Atom 1.0 of a story's live updates, with tombstones.
pub async fn story_atom(
    req: HttpRequest,
    room: web::Data<Newsroom>,
    slug: Slug,
) -> AppResult<HttpResponse> {
    respond::cached_dated(
        &req,
        &room,
        urls::story_atom(slug.as_str()),
        ATOM,
        || async {
            let feed = UpdateFeed::load(&room, &slug).await?;
            let head = feed.head(&room, &urls::story_atom(&feed.story.slug));
            let slug = &feed.story.slug;
            let entries = feed
                .updates
                .into_iter()
                .map(|u| atom_entry(&room, slug, u))
                .collect();
            let mut atom = atom_feed(head, entries);
            atom.namespaces
                .insert("at".to_owned(), TOMBSTONES.to_owned());
            atom.extensions = tombstones(&room, slug, &feed.deleted);
            Ok(write_atom(&atom)?.showing(vec![SurrogateKey::Story(feed.story.id)]))
        },
    )
    .await
}

impl UpdateFeed {
    async fn load(room: &Newsroom, slug: &Slug) -> AppResult<UpdateFeed> {
        let mut conn = room.db.acquire().await?;
        let story = published_story(&mut conn, slug).await?;
        let updates = db::updates::newest(&mut conn, story.id, FEED_UPDATES).await?;
        let deleted = db::feeds::deleted_updates(&mut conn, story.id, FEED_UPDATES).await?;
        Ok(UpdateFeed {
            story,
            updates,
            deleted,
        })
    }

    /// The last change: to the story, or an update posted, edited or deleted.
    /// Deletions count so that a feed which lost an item never looks older.
    fn updated(&self) -> DateTime<Utc> {
        let changes = self.updates.iter().map(changed_at);
        let deletions = self.deleted.iter().map(|d| d.deleted_at);
        changes
            .chain(deletions)
            .fold(self.story.updated_at, DateTime::max)
    }

    fn head(&self, room: &Newsroom, self_path: &str) -> FeedHead {
        let mut head = FeedHead::new(
            room,
            &urls::story(&self.story.slug),
            self_path,
            self.updated(),
        );
        head.title = format!("{}: live updates", self.story.headline);
        head.description = self.story.standfirst.clone();
        head
    }
}

fn changed_at(update: &UpdateRow) -> DateTime<Utc> {
    update
        .edited_at
        .map_or(update.posted_at, |edited| edited.max(update.posted_at))
}

/// The update's permalink: its link, and its guid or id, which an edit keeps.
fn permalink(room: &Newsroom, slug: &str, id: i64) -> String {
    absolute(room, &urls::update(slug, id))
}

fn rss_item(room: &Newsroom, slug: &str, update: UpdateRow) -> rss::Item {
    let url = permalink(room, slug, update.id);
    rss::Item {
        title: Some(title(&update)),
        link: Some(url.clone()),
        guid: Some(rss::Guid {
            value: url,
            permalink: true,
        }),
        pub_date: Some(update.posted_at.to_rfc2822()),
        content: Some(absolute_html(&room.site_url, &update.body_html).into_string()),
        dublin_core_ext: Some(creator(&update.author)),
        ..rss::Item::default()
    }
}

fn atom_entry(room: &Newsroom, slug: &str, update: UpdateRow) -> atom::Entry {
    let url = permalink(room, slug, update.id);
    atom::Entry {
        title: atom::Text::plain(title(&update)),
        links: vec![alternate(&url)],
        id: url,
        updated: changed_at(&update).fixed_offset(),
        published: Some(update.posted_at.fixed_offset()),
        authors: vec![person(&update.author)],
        content: Some(html_content(absolute_html(
            &room.site_url,
            &update.body_html,
        ))),
        ..atom::Entry::default()
    }
}

/// `<at:deleted-entry ref="…" when="…"/>` for each deleted update.
fn tombstones(room: &Newsroom, slug: &str, deleted: &[DeletedUpdate]) -> ExtensionMap {
    let entries = deleted
        .iter()
        .map(|d| Extension {
            name: "at:deleted-entry".to_owned(),
            attrs: BTreeMap::from([
                // atom_syndication writes extension attributes verbatim.
                ("ref".to_owned(), escape(&permalink(room, slug, d.id))),
                ("when".to_owned(), d.deleted_at.to_rfc3339()),
            ]),
            ..Extension::default()
        })
        .collect();
    BTreeMap::from([(
        TOMBSTONES.to_owned(),
        BTreeMap::from([("deleted-entry".to_owned(), entries)]),
    )])
}

/// "Picket line: Pickets are gathering at the main entrance…": the kind and
/// the update's first words, made when it was written.
fn title(update: &UpdateRow) -> String {
    let label = update.kind.label();
    if update.summary.is_empty() {
        return label.to_owned();
    }
    format!("{label}: {}", update.summary)
}
