//! Types the corpus into the desk's own forms, as an editor would: one story
//! per payload (the payload in every story field), an update of every kind on
//! it (the payload in every update field), the payload as the editor's display
//! name (an update's author), and one anthology story carrying every payload.

use std::collections::BTreeMap;

use awc::http::StatusCode;
use newsdesk::domain::UpdateKind;
use newsdesk::domain::fields::{FieldRule, Need, STORY_FIELDS, UPDATE_FIELDS};

use super::adapt;
use crate::editor_session::EditorSession;
use crate::helpers::Page;

/// Fields of the table that the story and update forms do not carry: an
/// update's author is the editor's display name, typed on the account page.
const DISPLAY_NAME_FIELDS: &[&str] = &["author"];

/// Longest display name the account page takes (`DisplayName`'s limit).
const DISPLAY_NAME_CHARS: usize = 80;

/// Payloads per update in the anthology story: every payload on one page.
const ANTHOLOGY_CHUNK: usize = 5;

/// What was typed where, and how much of it the desk stored.
#[derive(Default)]
pub struct Seeded {
    /// Every story's slug, the anthology's first.
    pub slugs: Vec<String>,
    /// The anthology: the story page with the most payloads.
    pub anthology: String,
    /// Per field (`story.headline`, `update.place`...): payloads stored, payloads typed.
    pub tally: BTreeMap<String, (usize, usize)>,
}

impl Seeded {
    fn count(&mut self, field: String, stored: bool) {
        let entry = self.tally.entry(field).or_default();
        entry.0 += usize::from(stored);
        entry.1 += 1;
    }
}

/// Types every payload into every field through the desk's forms.
pub async fn seed(desk: &EditorSession<'_>, payloads: &[String]) -> Seeded {
    let mut seeded = Seeded::default();
    let anthology = anthology(desk, payloads).await;
    seeded.slugs.push(anthology.clone());
    seeded.anthology = anthology;
    for (i, payload) in payloads.iter().enumerate() {
        let values = STORY_FIELDS
            .iter()
            .map(|r| (r, adapt(payload, r)))
            .collect();
        let (page, refused) = post_story(desk, values, i).await;
        for rule in STORY_FIELDS {
            seeded.count(
                format!("story.{}", rule.name),
                !refused.contains(&rule.name),
            );
        }
        let slug = slug_of(&page);
        let named = set_display_name(desk, payload, i).await;
        for name in DISPLAY_NAME_FIELDS {
            seeded.count(format!("update.{name}"), named);
        }
        for kind in UpdateKind::ALL {
            let values = UPDATE_FIELDS
                .iter()
                .map(|r| (r, adapt(payload, r)))
                .collect();
            let refused = post_update(desk, &slug, kind, values, i).await;
            for rule in UPDATE_FIELDS.iter().filter(|r| attacked_in(r) == kind) {
                if !DISPLAY_NAME_FIELDS.contains(&rule.name) {
                    let stored = !refused.contains(&rule.name);
                    seeded.count(format!("update.{}", rule.name), stored);
                }
            }
        }
        seeded.slugs.push(slug);
    }
    seeded
}

/// The kind of update in which a field's stored value is counted: the first
/// kind that requires it, or a plain update.
fn attacked_in(rule: &FieldRule) -> UpdateKind {
    match rule.need {
        Need::ForKinds(kinds) => kinds[0],
        Need::Optional | Need::Always => UpdateKind::Update,
    }
}

/// A live story whose body holds every payload, with updates of every kind
/// holding [`ANTHOLOGY_CHUNK`] payloads each; returns its slug.
async fn anthology(desk: &EditorSession<'_>, payloads: &[String]) -> String {
    let values = STORY_FIELDS
        .iter()
        .map(|r| {
            let value = match r.name {
                "slug" => "anthology".to_owned(),
                "headline" => "Anthology".to_owned(),
                _ => adapt(&payloads.join("\n\n"), r),
            };
            (r, value)
        })
        .collect();
    let (page, _) = post_story(desk, values, 99_999).await;
    let slug = slug_of(&page);
    for (n, chunk) in payloads.chunks(ANTHOLOGY_CHUNK).enumerate() {
        let kind = UpdateKind::ALL[n % UpdateKind::ALL.len()];
        let text = chunk.join("\n\n");
        let values = UPDATE_FIELDS.iter().map(|r| (r, adapt(&text, r))).collect();
        post_update(desk, &slug, kind, values, 90_000 + n).await;
    }
    slug
}

fn slug_of(page: &Page) -> String {
    let location = page.header("location").expect("a saved story redirects");
    location.trim_start_matches("/admin/stories/").to_owned()
}

/// Saves a new live story through the story form; see [`post_with_fallbacks`].
async fn post_story(
    desk: &EditorSession<'_>,
    values: Vec<(&'static FieldRule, String)>,
    n: usize,
) -> (Page, Vec<&'static str>) {
    let fixed = [
        ("status", "published"),
        ("live", "live"),
        ("action", "save"),
    ];
    post_with_fallbacks(desk, "/admin/stories/new", values, &fixed, n).await
}

/// Publishes an update of `kind` through the story's desk form; returns the
/// fields the desk refused.
async fn post_update(
    desk: &EditorSession<'_>,
    slug: &str,
    kind: UpdateKind,
    values: Vec<(&'static FieldRule, String)>,
    n: usize,
) -> Vec<&'static str> {
    let path = format!("/admin/stories/{slug}/updates");
    let fixed = [("kind", kind.as_str())];
    post_with_fallbacks(desk, &path, values, &fixed, n).await.1
}

/// Posts a form; each field the desk refuses (its error shown next to it) is
/// typed again as a plain value unique to `n`, until the form is saved.
/// Returns the saving response and the names of the refused fields.
async fn post_with_fallbacks(
    desk: &EditorSession<'_>,
    path: &str,
    mut values: Vec<(&'static FieldRule, String)>,
    fixed: &[(&str, &str)],
    n: usize,
) -> (Page, Vec<&'static str>) {
    let mut refused = Vec::new();
    loop {
        let mut fields: Vec<(&str, &str)> =
            values.iter().map(|(r, v)| (r.name, v.as_str())).collect();
        fields.extend_from_slice(fixed);
        let page = desk.post(path, &fields).await;
        if page.status == StatusCode::SEE_OTHER {
            return (page, refused);
        }
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            page.body
        );
        let before = refused.len();
        for (rule, value) in &mut values {
            let plain = format!("{n}");
            if *value != plain && !page.texts(&format!("#{}-error", rule.name)).is_empty() {
                refused.push(rule.name);
                *value = plain;
            }
        }
        assert!(
            refused.len() > before,
            "refused for no field: {}",
            page.body
        );
    }
}

/// Sets the editor's display name (the author of their updates) to `payload`;
/// if refused, to a plain name. Whether the payload was taken.
async fn set_display_name(desk: &EditorSession<'_>, payload: &str, n: usize) -> bool {
    let name: String = payload
        .replace(['\n', '\t'], " ")
        .trim()
        .chars()
        .take(DISPLAY_NAME_CHARS)
        .collect();
    let path = "/admin/account/display-name";
    let page = desk.post(path, &[("display_name", &name)]).await;
    if page.status == StatusCode::SEE_OTHER {
        return true;
    }
    let page = desk
        .post(path, &[("display_name", &format!("Desk {n}"))])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    false
}
