//! Surrogate keys: names for what a cacheable response shows, so that a write
//! drops exactly the responses it changed, from the page cache in this
//! process and from every HTTP cache in front (`--purge-url`, Varnish's
//! `xkey`, a CDN's surrogate keys).
//!
//! A response names every story it shows (`story-12`) and every list a new
//! story could enter (`front`, `topic-strike`, `feeds`, ...). A change to a
//! story then purges that story's key, which reaches every page showing it,
//! plus the lists it may have joined: [`changed_by`].

use std::fmt;

use crate::domain::Change;

/// One name a cached response is filed under.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SurrogateKey {
    /// Every cacheable response: purged when a start-up import may have
    /// changed anything, so caches that outlived a restart start afresh.
    Site,
    /// The front page's lists.
    Front,
    /// The site-wide RSS and Atom feeds.
    Feeds,
    /// The sitemaps, which list every published story.
    Sitemap,
    /// Search results, which any change may alter.
    Search,
    /// Anything showing this story: its pages, feeds, figures and live
    /// changes, and other pages' lists and related links naming it.
    Story(i64),
    /// The stories filed under a topic: its page, its feed, and the related
    /// links of the stories in it. Purged when a story's topics may have
    /// changed, so a story newly filed there appears.
    Topic(String),
}

impl fmt::Display for SurrogateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SurrogateKey::Site => f.write_str("site"),
            SurrogateKey::Front => f.write_str("front"),
            SurrogateKey::Feeds => f.write_str("feeds"),
            SurrogateKey::Sitemap => f.write_str("sitemap"),
            SurrogateKey::Search => f.write_str("search"),
            SurrogateKey::Story(id) => write!(f, "story-{id}"),
            // Topic slugs are ASCII letters, digits and hyphens: safe in a header.
            SurrogateKey::Topic(slug) => write!(f, "topic-{slug}"),
        }
    }
}

/// Keys as a header value: space-separated, the `xkey` and `Surrogate-Key` form.
pub fn header_value(keys: &[SurrogateKey]) -> String {
    let mut value = String::new();
    for key in keys {
        if !value.is_empty() {
            value.push(' ');
        }
        value.push_str(&key.to_string());
    }
    value
}

/// The keys of a list of stories: the list's own key, which a story joining
/// it purges, and each story's, which a change to one of them purges.
pub fn listing(list: SurrogateKey, stories: impl IntoIterator<Item = i64>) -> Vec<SurrogateKey> {
    std::iter::once(list)
        .chain(stories.into_iter().map(SurrogateKey::Story))
        .collect()
}

/// What a story is, where a change to it may show beyond its own pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surroundings {
    /// Its topics after the change: a topic it left named it, and is
    /// reached through the story's own key.
    pub topics: Vec<String>,
    /// Stories whose body or updates link to it with `READ MORE:`: a save
    /// re-renders them with its new headline.
    pub linked_from: Vec<i64>,
}

/// The keys a change to one story invalidates. Every change touches the
/// story itself and the site-wide lists (its order, times and live badge
/// show there); only a story save can file it under a topic or change the
/// headline that read-more links show, so only a save purges its topics and
/// the stories linking to it.
pub fn changed_by(change: Change, story_id: i64, around: &Surroundings) -> Vec<SurrogateKey> {
    let mut keys = vec![
        SurrogateKey::Story(story_id),
        SurrogateKey::Front,
        SurrogateKey::Feeds,
        SurrogateKey::Sitemap,
        SurrogateKey::Search,
    ];
    if matches!(change, Change::StorySaved) {
        keys.extend(around.topics.iter().cloned().map(SurrogateKey::Topic));
        keys.extend(around.linked_from.iter().copied().map(SurrogateKey::Story));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_written_as_xkey_expects() {
        let keys = [
            SurrogateKey::Story(12),
            SurrogateKey::Topic("doctors-strike".into()),
            SurrogateKey::Front,
        ];
        assert_eq!(header_value(&keys), "story-12 topic-doctors-strike front");
        assert_eq!(header_value(&[]), "");
    }

    #[test]
    fn only_a_story_save_purges_its_topics_and_the_stories_linking_to_it() {
        let around = Surroundings {
            topics: vec!["health".to_owned()],
            linked_from: vec![8],
        };
        let save = changed_by(Change::StorySaved, 3, &around);
        assert!(save.contains(&SurrogateKey::Topic("health".into())));
        assert!(save.contains(&SurrogateKey::Story(8)));
        let update = changed_by(Change::Published(9), 3, &around);
        assert!(!update.contains(&SurrogateKey::Topic("health".into())));
        assert!(!update.contains(&SurrogateKey::Story(8)));
        assert!(update.contains(&SurrogateKey::Story(3)));
        assert!(update.contains(&SurrogateKey::Front));
    }
}
