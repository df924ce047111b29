use super::fields::{STORY_FIELDS, rule_for};
use super::{FieldErrors, Slug};

/// Whether readers can see a story at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoryStatus {
    Draft,
    Published,
}

impl StoryStatus {
    /// Every status, in the order the story form offers them.
    pub const ALL: [StoryStatus; 2] = [StoryStatus::Draft, StoryStatus::Published];

    /// Reads the name used in forms, content files and the database.
    pub fn parse(text: &str) -> Option<StoryStatus> {
        match text {
            "draft" => Some(StoryStatus::Draft),
            "published" => Some(StoryStatus::Published),
            _ => None,
        }
    }

    /// The name used in forms, content files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            StoryStatus::Draft => "draft",
            StoryStatus::Published => "published",
        }
    }

    /// The label editors see.
    pub fn label(self) -> &'static str {
        match self {
            StoryStatus::Draft => "Draft",
            StoryStatus::Published => "Published",
        }
    }

    /// Only editors can see a draft.
    pub fn is_draft(self) -> bool {
        self == StoryStatus::Draft
    }

    /// Readers can see a published story.
    pub fn is_published(self) -> bool {
        self == StoryStatus::Published
    }
}

/// A story's live-blog state: not a live story, live now, or live coverage
/// ended. Deserialised from its stored name (`db::json_rows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LiveState {
    None,
    Live,
    Ended,
}

impl LiveState {
    /// Every state, in the order the story form offers them.
    pub const ALL: [LiveState; 3] = [LiveState::None, LiveState::Live, LiveState::Ended];

    /// Reads the name used in forms, content files and the database; empty
    /// means "none" because content files may leave it out.
    pub fn parse(text: &str) -> Option<LiveState> {
        match text {
            "none" | "" => Some(LiveState::None),
            "live" => Some(LiveState::Live),
            "ended" => Some(LiveState::Ended),
            _ => None,
        }
    }

    /// The name used in forms, content files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            LiveState::None => "none",
            LiveState::Live => "live",
            LiveState::Ended => "ended",
        }
    }

    /// The label editors see in the story form.
    pub fn label(self) -> &'static str {
        match self {
            LiveState::None => "Not a live story",
            LiveState::Live => "Live",
            LiveState::Ended => "Live coverage ended",
        }
    }

    /// Live coverage is running: new updates reach open pages.
    pub fn is_live(self) -> bool {
        self == LiveState::Live
    }

    /// Live coverage has ended; the updates stay.
    pub fn has_ended(self) -> bool {
        self == LiveState::Ended
    }

    /// A live blog, running or ended, rather than a plain article.
    pub fn is_live_blog(self) -> bool {
        self != LiveState::None
    }
}

/// A story as typed by an editor or read from a content file, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct StoryInput {
    pub headline: String,
    pub standfirst: String,
    pub byline: String,
    pub body: String,
    pub topics: Vec<String>,
    /// Empty means "derive it from the headline".
    pub slug: String,
    pub status: String,
    pub live: String,
}

/// A story that passed every domain rule; what the store writes.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryDraft {
    pub slug: Slug,
    pub headline: String,
    pub standfirst: String,
    pub byline: String,
    pub body_md: String,
    /// Topic slug and display name, in the editor's order, without repeats.
    pub topics: Vec<(Slug, String)>,
    pub status: StoryStatus,
    pub live: LiveState,
}

impl StoryInput {
    /// Checks every field against its rule ([`STORY_FIELDS`]) and reports
    /// every problem at once, keyed by field.
    pub fn validate(&self) -> Result<StoryDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let rule = |name| rule_for(STORY_FIELDS, name);
        for (name, value) in [
            ("headline", &self.headline),
            ("standfirst", &self.standfirst),
            ("byline", &self.byline),
            ("body", &self.body),
            ("slug", &self.slug),
        ] {
            rule(name).check(&mut errors, value, None);
        }
        rule("topics").check_list(&mut errors, &self.topics);
        let headline = self.headline.trim();
        let slug = if self.slug.trim().is_empty() {
            Slug::from_title(headline, "story")
                .ok_or("Choose a slug: the headline has no letters or digits to make one from.")
        } else {
            Slug::parse(self.slug.trim()).map_err(
                |_| "Use only lowercase letters a–z, digits and single hyphens in the slug.",
            )
        };
        // A slug derived from an empty headline needs no error of its own.
        let derived_from_nothing = headline.is_empty() && self.slug.trim().is_empty();
        let slug = slug
            .map_err(|m| (!derived_from_nothing).then(|| errors.add("slug", m)))
            .ok();
        let topics = self.topic_slugs(&mut errors);
        let status = StoryStatus::parse(&self.status)
            .ok_or("Status is draft or published.")
            .map_err(|m| errors.add("status", m))
            .ok();
        let live = LiveState::parse(&self.live)
            .ok_or("Live state is none, live or ended.")
            .map_err(|m| errors.add("live", m))
            .ok();
        errors.into_result(|| StoryDraft {
            slug: slug.expect("no slug error"),
            headline: headline.to_owned(),
            standfirst: self.standfirst.trim().to_owned(),
            byline: self.byline.trim().to_owned(),
            body_md: self.body.replace("\r\n", "\n"),
            topics,
            status: status.expect("no status error"),
            live: live.expect("no live error"),
        })
    }

    /// Each topic's slug and name, in the editor's order, without repeats.
    fn topic_slugs(&self, errors: &mut FieldErrors) -> Vec<(Slug, String)> {
        let mut topics: Vec<(Slug, String)> = Vec::new();
        for name in self
            .topics
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            match Slug::from_title(name, "topic") {
                Some(s) if !topics.iter().any(|(t, _)| *t == s) => {
                    topics.push((s, name.to_owned()))
                }
                Some(_) => {}
                None => errors.add(
                    "topics",
                    format!("“{name}” cannot be a topic name: it has no letters or digits."),
                ),
            }
        }
        topics
    }
}

/// Splits the admin form's comma-separated "Topics" field.
pub fn split_topics(text: &str) -> Vec<String> {
    text.split(',')
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> StoryInput {
        StoryInput {
            headline: "Pickets at HRI".into(),
            topics: split_topics("Doctors' strike, Huddersfield, huddersfield"),
            status: "published".into(),
            ..StoryInput::default()
        }
    }

    #[test]
    fn slug_and_topics_come_from_names() {
        let draft = input().validate().unwrap();
        assert_eq!(draft.slug.as_str(), "pickets-at-hri");
        let topic_slugs: Vec<_> = draft.topics.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(topic_slugs, ["doctors-strike", "huddersfield"]);
    }

    /// The input with `value` in the field `name`; a new field in
    /// [`STORY_FIELDS`] must be added here, which proves the validator reads it.
    fn with_field(name: &str, value: &str) -> StoryInput {
        let mut input = input();
        let text = value.to_owned();
        match name {
            "headline" => input.headline = text,
            "standfirst" => input.standfirst = text,
            "byline" => input.byline = text,
            "body" => input.body = text,
            "topics" => input.topics = vec![text],
            "slug" => input.slug = text,
            other => panic!("validate() does not know the field `{other}`"),
        }
        input
    }

    #[test]
    fn every_field_in_the_table_is_checked_by_its_rule() {
        for rule in STORY_FIELDS {
            let errors = with_field(rule.name, "a\rb").validate().unwrap_err();
            assert!(errors.get(rule.name).is_some(), "{}: {errors}", rule.name);
            let long = "ص".repeat(rule.max + 1);
            let errors = with_field(rule.name, &long).validate().unwrap_err();
            assert!(errors.get(rule.name).is_some(), "{}: {errors}", rule.name);
        }
    }

    #[test]
    fn urdu_punjabi_and_welsh_stories_are_accepted() {
        let draft = StoryInput {
            headline: "ڈاکٹروں کی ہڑتال".into(),
            byline: "ਪੱਤਰਕਾਰ".into(),
            topics: split_topics("صحت, Iechyd, ਸਿਹਤ"),
            ..input()
        }
        .validate()
        .unwrap();
        assert!(draft.slug.as_str().starts_with("story-"));
        assert_eq!(draft.topics[1].0.as_str(), "iechyd");
        assert_eq!(draft.topics.len(), 3);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = StoryInput {
            headline: " ".into(),
            slug: "Bad Slug".into(),
            ..input()
        };
        let errors = bad.validate().unwrap_err();
        assert!(errors.get("headline").is_some());
        assert!(errors.get("slug").is_some());
    }
}
