//! The name readers see on an editor's work.

use std::fmt;

use super::fields::{UPDATE_FIELDS, rule_for};

/// An editor's name as readers see it ("Sarah Holt"): 1 to 80 characters of
/// text, trimmed, with no control characters. Never the login username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    const MAX_CHARS: usize = 80;

    /// Accepts `text`, trimmed, as the display name of the editor who signs
    /// in as `username`, with a message for the person typing it otherwise.
    /// The username itself is refused: it is half of a credential.
    pub fn parse(text: &str, username: &str) -> Result<DisplayName, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("Enter your name as readers should see it.".into());
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(format!("Use at most {} characters.", Self::MAX_CHARS));
        }
        // The name becomes the author of the editor's updates, so it must pass
        // that field's rule: a name the rule refuses (a U+2028 line separator,
        // say) would leave the editor unable to publish anything.
        let author = rule_for(UPDATE_FIELDS, "author");
        if author.problem(text, None).is_some() {
            return Err("Use letters, spaces and punctuation only.".into());
        }
        if text.eq_ignore_ascii_case(username.trim()) {
            return Err(
                "That is your username, which readers must never see: use the name you write under."
                    .into(),
            );
        }
        Ok(DisplayName(text.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::DisplayName;

    #[test]
    fn names_are_trimmed_printable_text() {
        let parse = |text: &str| DisplayName::parse(text, "sholt");
        assert_eq!(parse("  Sarah Holt ").unwrap().as_str(), "Sarah Holt");
        assert!(parse("   ").is_err());
        assert!(parse("a\u{7}b").is_err());
        assert!(parse("a\u{2028}b").is_err() && parse("a\u{2029}b").is_err());
        assert!(parse(&"x".repeat(81)).is_err());
    }

    #[test]
    fn the_username_is_never_a_display_name() {
        assert!(DisplayName::parse("SHolt", "sholt").is_err());
    }
}
