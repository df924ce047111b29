//! The one table of text-field rules. Every validator (the story and update
//! drafts, hence the admin forms and the importer) reads it, so a field's
//! length cap, its allowed characters and whether it is required are written
//! once. A new text field (photos, places, roles) joins the table; the unit
//! test below walks it.

use super::{FieldErrors, MAX_MARKDOWN_BYTES, UpdateKind};

/// What sort of text a field holds, which decides the characters it may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One line: no control characters at all. A carriage return or line feed
    /// here would split a Server-Sent Events frame and could inject stream
    /// fields; U+2028/U+2029 are refused too, as they break lines in browsers.
    OneLine,
    /// Markdown: newlines and tabs are text, other control characters are not
    /// (CRLF from a browser's textarea is normalised to LF first). `max` counts
    /// bytes, because rendering and storage cost grows with bytes.
    Markdown,
    /// A list of one-line items (topics): `max` is per item.
    List {
        /// How many items at most.
        max_items: usize,
    },
}

/// When a field must be filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Optional,
    Always,
    /// Required for updates of these kinds, optional (or unused) otherwise.
    ForKinds(&'static [UpdateKind]),
}

/// One text field's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRule {
    /// The form field's `name` and the front-matter key.
    pub name: &'static str,
    /// What editors see on the form, used in messages.
    pub label: &'static str,
    pub shape: Shape,
    /// Characters for one-line fields and list items, bytes for Markdown.
    pub max: usize,
    pub need: Need,
    /// What to tell an editor who left a required field empty.
    pub missing: &'static str,
}

/// A story's text fields. `status` and `live` are not here: they are parsed
/// into enums, which accept nothing but their few names.
pub const STORY_FIELDS: &[FieldRule] = &[
    rule("headline", "Headline", Shape::OneLine, 200, Need::Always)
        .missing_says("A headline is required."),
    rule(
        "standfirst",
        "Standfirst",
        Shape::OneLine,
        600,
        Need::Optional,
    ),
    rule("byline", "Byline", Shape::OneLine, 200, Need::Optional),
    rule(
        "body",
        "Body",
        Shape::Markdown,
        MAX_MARKDOWN_BYTES,
        Need::Optional,
    ),
    rule(
        "topics",
        "Topics",
        Shape::List { max_items: 20 },
        80,
        Need::Optional,
    ),
    rule("slug", "Slug", Shape::OneLine, 100, Need::Optional),
];

/// A live update's text fields (`kind` is an enum, `time` is parsed as a time).
pub const UPDATE_FIELDS: &[FieldRule] = &[
    rule(
        "body",
        "Update",
        Shape::Markdown,
        MAX_MARKDOWN_BYTES,
        Need::Always,
    )
    .missing_says("Write the update before publishing it."),
    rule("author", "Author", Shape::OneLine, 100, Need::Always)
        .missing_says("An update needs an author."),
    rule("place", "Place", Shape::OneLine, 200, PICKET).missing_says("Say where the picket is."),
    rule("who", "Who", Shape::OneLine, 200, STATEMENT).missing_says("Say who made the statement."),
    rule("number", "Number", Shape::OneLine, 30, FIGURES).missing_says("Give the number."),
    rule("what", "What", Shape::OneLine, 200, FIGURES).missing_says("Say what was counted."),
    rule("source", "Source", Shape::OneLine, 200, FIGURES).missing_says("Name the source."),
];

const PICKET: Need = Need::ForKinds(&[UpdateKind::Picket]);
const STATEMENT: Need = Need::ForKinds(&[UpdateKind::Statement]);
const FIGURES: Need = Need::ForKinds(&[UpdateKind::Figures]);

const fn rule(
    name: &'static str,
    label: &'static str,
    shape: Shape,
    max: usize,
    need: Need,
) -> FieldRule {
    FieldRule {
        name,
        label,
        shape,
        max,
        need,
        missing: "This field is required.",
    }
}

impl FieldRule {
    const fn missing_says(self, missing: &'static str) -> FieldRule {
        FieldRule { missing, ..self }
    }

    /// Whether an update of `kind` (a story field: `None`) must fill this in.
    pub fn required_for(&self, kind: Option<UpdateKind>) -> bool {
        match self.need {
            Need::Optional => false,
            Need::Always => true,
            Need::ForKinds(kinds) => kind.is_some_and(|k| kinds.contains(&k)),
        }
    }

    /// Checks one value (a one-line field is checked trimmed, as it is kept):
    /// what to tell the editor, if anything is wrong.
    pub fn problem(&self, value: &str, kind: Option<UpdateKind>) -> Option<String> {
        if value.trim().is_empty() {
            return self.required_for(kind).then(|| self.missing.to_owned());
        }
        match self.shape {
            Shape::Markdown => {
                let text = value.replace("\r\n", "\n");
                if text.len() > self.max {
                    Some(format!(
                        "The {} is over {} KB; split it.",
                        self.label.to_lowercase(),
                        self.max / 1024
                    ))
                } else {
                    text.chars()
                        .find(|&c| c.is_control() && c != '\n' && c != '\t')
                        .map(|c| self.control_message(c))
                }
            }
            Shape::OneLine | Shape::List { .. } => {
                let text = value.trim();
                if text.chars().count() > self.max {
                    Some(format!(
                        "Keep the {} under {} characters.",
                        self.label.to_lowercase(),
                        self.max
                    ))
                } else {
                    text.chars()
                        .find(|&c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
                        .map(|c| self.control_message(c))
                }
            }
        }
    }

    fn control_message(&self, c: char) -> String {
        let what = match c {
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => "a line break".to_owned(),
            '\t' => "a tab".to_owned(),
            _ => format!("an invisible control character (U+{:04X})", u32::from(c)),
        };
        format!(
            "The {} contains {what}; remove it.",
            self.label.to_lowercase()
        )
    }

    /// Checks `value` against this rule, recording any problem under the
    /// field's name.
    pub fn check(&self, errors: &mut FieldErrors, value: &str, kind: Option<UpdateKind>) {
        if let Some(message) = self.problem(value, kind) {
            errors.add(self.name, message);
        }
    }

    /// Checks a list field: the number of items, then each item.
    pub fn check_list(&self, errors: &mut FieldErrors, items: &[String]) {
        if let Shape::List { max_items } = self.shape
            && items.len() > max_items
        {
            errors.add(
                self.name,
                format!("Give at most {max_items} {}.", self.label.to_lowercase()),
            );
        }
        for item in items {
            self.check(errors, item, None);
        }
    }
}

/// The rule for `name` in `table`. Panics for a name not in the table: a
/// validator asking for a field nobody wrote a rule for is a programming
/// error the unit tests catch.
pub fn rule_for(table: &'static [FieldRule], name: &str) -> &'static FieldRule {
    table
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no rule for the field `{name}`: add it to the table"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Urdu letters: every field takes text in any script.
    fn sample(len: usize) -> String {
        "ص".repeat(len)
    }

    #[test]
    fn every_rule_is_complete_and_names_are_unique() {
        for table in [STORY_FIELDS, UPDATE_FIELDS] {
            for (i, rule) in table.iter().enumerate() {
                assert!(!rule.label.is_empty() && rule.max > 0, "{}", rule.name);
                assert!(
                    table[..i].iter().all(|r| r.name != rule.name),
                    "{} twice",
                    rule.name
                );
                if rule.need != Need::Optional {
                    assert_ne!(rule.missing, "This field is required.", "{}", rule.name);
                }
            }
        }
    }

    #[test]
    fn every_field_takes_any_script_and_refuses_control_characters_and_excess() {
        let figures = Some(UpdateKind::Figures);
        for rule in STORY_FIELDS.iter().chain(UPDATE_FIELDS) {
            let limit = match rule.shape {
                Shape::Markdown => rule.max / "ص".len(),
                _ => rule.max,
            };
            assert_eq!(rule.problem(&sample(limit), figures), None, "{}", rule.name);
            assert!(
                rule.problem(&sample(limit + 1), figures).is_some(),
                "{}",
                rule.name
            );
            for bad in ['\r', '\u{0}', '\u{1b}', '\u{7f}', '\u{85}'] {
                let value = format!("a{bad}b");
                assert!(
                    rule.problem(&value, figures).is_some(),
                    "{} {bad:?}",
                    rule.name
                );
            }
            let lines = "one\r\ntwo\n\tthree";
            let breaks_ok = rule.shape == Shape::Markdown;
            assert_eq!(
                rule.problem(lines, figures).is_none(),
                breaks_ok,
                "{}",
                rule.name
            );
        }
    }

    #[test]
    fn kind_fields_are_required_only_for_their_kind() {
        let place = rule_for(UPDATE_FIELDS, "place");
        assert!(place.problem("", Some(UpdateKind::Picket)).is_some());
        assert_eq!(place.problem("", Some(UpdateKind::Figures)), None);
    }

    #[test]
    fn too_many_topics_are_refused() {
        let topics = rule_for(STORY_FIELDS, "topics");
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        let mut errors = FieldErrors::default();
        topics.check_list(&mut errors, &many);
        assert!(errors.get("topics").unwrap().contains("at most 20"));
    }
}
