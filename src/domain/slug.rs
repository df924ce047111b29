use std::fmt;

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

    /// Derives a slug from a headline or topic name: "Pickets at HRI!" → "pickets-at-hri".
    /// Returns `None` when nothing usable is left (a headline of only punctuation).
    pub fn from_title(title: &str) -> Option<Slug> {
        let mut slug = String::with_capacity(title.len());
        for c in title.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if c != '\'' && c != '’' && !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        while slug.len() > Self::MAX_LEN || slug.ends_with('-') {
            slug.pop();
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
        let slug = Slug::from_title("Doctors' strike: pickets at HRI!").unwrap();
        assert_eq!(slug.as_str(), "doctors-strike-pickets-at-hri");
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
