use super::{FieldErrors, MAX_MARKDOWN_BYTES, Slug};

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

/// A story's live-blog state: not a live story, live now, or live coverage ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// Checks every field and reports every problem at once, keyed by field.
    pub fn validate(&self) -> Result<StoryDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let headline = self.headline.trim();
        if headline.is_empty() {
            errors.add("headline", "A headline is required.");
        } else if headline.chars().count() > 200 {
            errors.add("headline", "Keep the headline under 200 characters.");
        }
        if self.standfirst.chars().count() > 600 {
            errors.add("standfirst", "Keep the standfirst under 600 characters.");
        }
        if self.body.len() > MAX_MARKDOWN_BYTES {
            errors.add("body", "The body is over 200 KB; split the story.");
        }
        let slug = if self.slug.trim().is_empty() {
            Slug::from_title(headline)
                .ok_or("Choose a slug: the headline has no letters or digits to make one from.")
        } else {
            Slug::parse(self.slug.trim()).map_err(
                |_| "Use only lowercase letters a–z, digits and single hyphens in the slug.",
            )
        };
        let slug = slug.map_err(|m| errors.add("slug", m)).ok();
        let mut topics: Vec<(Slug, String)> = Vec::new();
        for name in self
            .topics
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            match Slug::from_title(name) {
                Some(s) if !topics.iter().any(|(t, _)| *t == s) => {
                    topics.push((s, name.to_owned()))
                }
                Some(_) => {}
                None => errors.add("topics", format!("“{name}” cannot be a topic name.")),
            }
        }
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
