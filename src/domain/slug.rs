use std::fmt;

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A story's or topic's URL name: `[a-z0-9-]`, 1 to 100 characters, no leading,
/// trailing or doubled hyphen. Stable once published.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    const MAX_LEN: usize = 100;

    /// Accepts `text` only if it already is a well-formed slug.
    pub fn parse(text: &str) -> Result<Slug, String> {
        let well_formed = !text.is_empty()
            && text.len() <= Self::MAX_LEN
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !text.starts_with('-')
            && !text.ends_with('-')
            && !text.contains("--");
        if well_formed {
            Ok(Slug(text.to_owned()))
        } else {
            Err(format!(
                "“{text}” is not a valid slug: use lowercase letters, digits and single hyphens"
            ))
        }
    }

    /// Derives a slug from a headline or topic name: "Pickets at HRI!" → "pickets-at-hri",
    /// "Ysbyty Gŵyr" → "ysbyty-gwyr" (accents are dropped). A name with letters
    /// but none from the Latin alphabet ("صحت") gets `{fallback}-` and six hex
    /// digits of its SHA-256, stable across imports. Slugs stay ASCII rather
    /// than keeping Unicode letters: they travel in HTTP headers (`xkey`,
    /// `Surrogate-Key`), in content file names and in feed GUIDs, and Unicode
    /// has look-alike letters and differently encoded twins (NFC and NFD)
    /// that would give one headline two addresses.
    /// Returns `None` when the name has no letters or digits at all.
    pub fn from_title(title: &str, fallback: &str) -> Option<Slug> {
        let mut slug = String::with_capacity(title.len());
        for c in title
            .nfd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
        {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if c != '\'' && c != '’' && !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        while slug.len() > Self::MAX_LEN || slug.ends_with('-') {
            slug.pop();
        }
        let other_script = title.chars().any(|c| c.is_alphanumeric() && !c.is_ascii());
        if other_script && !slug.bytes().any(|b| b.is_ascii_lowercase()) {
            let hash = Sha256::digest(title.trim().as_bytes());
            slug = format!("{fallback}-{:02x}{:02x}{:02x}", hash[0], hash[1], hash[2]);
        }
        (!slug.is_empty()).then_some(Slug(slug))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Slug;

    #[test]
    fn headlines_become_readable_slugs() {
        let slug = Slug::from_title("Doctors' strike: pickets at HRI!", "story").unwrap();
        assert_eq!(slug.as_str(), "doctors-strike-pickets-at-hri");
        let welsh = Slug::from_title("Streic yn Ysbyty Gŵyr", "story").unwrap();
        assert_eq!(welsh.as_str(), "streic-yn-ysbyty-gwyr");
        assert_eq!(Slug::from_title("?!", "story"), None);
    }

    #[test]
    fn names_without_latin_letters_get_a_short_stable_slug() {
        let urdu = Slug::from_title("ہڑتال 2016", "story").unwrap();
        assert!(Slug::parse(urdu.as_str()).is_ok(), "{urdu}");
        assert!(urdu.as_str().starts_with("story-"), "{urdu}");
        assert_eq!(urdu.as_str().len(), "story-".len() + 6);
        assert_eq!(Slug::from_title("ہڑتال 2016", "story"), Some(urdu));
        let topic = Slug::from_title("صحت", "topic").unwrap();
        assert!(topic.as_str().starts_with("topic-"), "{topic}");
        assert_ne!(
            Slug::from_title("صحت", "topic"),
            Slug::from_title("ਸਿਹਤ", "topic")
        );
    }

    #[test]
    fn malformed_slugs_are_refused() {
        for bad in [
            "",
            "Caps",
            "two--hyphens",
            "-lead",
            "trail-",
            "spa ce",
            "ünï",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(Slug::parse("pickets-at-hri-2").is_ok());
    }
}
