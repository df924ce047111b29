//! `/admin/stories/new` and `/admin/stories/{slug}/updates`: the rules every
//! text field and the Time field follow, in any script.

use awc::http::StatusCode;

use crate::editor_session::EditorSession;
use crate::helpers::{Page, TestApp};

/// `valid` form fields with `changes` put in their place.
fn changed<'a>(
    valid: &[(&'a str, &'a str)],
    changes: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut all = valid.to_vec();
    all.retain(|(name, _)| changes.iter().all(|(n, _)| n != name));
    all.extend_from_slice(changes);
    all
}

/// Posts the story form with these fields (the rest left valid).
async fn save_story(desk: &EditorSession<'_>, fields: &[(&str, &str)]) -> Page {
    let valid = [
        ("headline", "Fine"),
        ("body", "Body."),
        ("status", "published"),
        ("live", "none"),
        ("action", "save"),
    ];
    desk.post("/admin/stories/new", &changed(&valid, fields))
        .await
}

/// Asserts the form came back with an error next to `field`, and returns it.
fn error_next_to(page: &Page, field: &str) -> String {
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
    let errors = page.texts(&format!("#{field}-error"));
    assert_eq!(errors.len(), 1, "no error next to {field}: {}", page.body);
    errors[0].clone()
}

#[actix_web::test]
async fn a_line_break_in_a_one_line_field_is_refused_next_to_it() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let injected = "HRI\revent: story\rdata: {}";
    for field in ["headline", "standfirst", "byline", "topics"] {
        let page = save_story(&desk, &[(field, injected)]).await;
        assert!(
            error_next_to(&page, field).contains("line break"),
            "{field}"
        );
    }
    let slug = desk.create_story("Strike day", "Body.").await;
    for (kind, field) in [
        ("picket", "place"),
        ("statement", "who"),
        ("figures", "what"),
        ("figures", "source"),
    ] {
        let valid = [
            ("body", "Kept"),
            ("kind", kind),
            ("place", "HRI"),
            ("who", "BMA"),
            ("number", "4"),
            ("what", "operations"),
            ("source", "NHS"),
        ];
        let fields = changed(&valid, &[(field, injected)]);
        let page = desk.publish_update(&slug, &fields).await;
        error_next_to(&page, field);
        assert_eq!(page.texts("textarea#update-body"), ["Kept"]);
    }
    let page = desk
        .publish_update(&slug, &[("body", "a\u{1b}[2Jb"), ("kind", "update")])
        .await;
    assert!(error_next_to(&page, "body").contains("U+001B"));
}

#[actix_web::test]
async fn over_long_fields_and_too_many_topics_are_refused_next_to_the_field() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let long = "ک".repeat(601);
    let page = save_story(&desk, &[("standfirst", &long)]).await;
    assert!(error_next_to(&page, "standfirst").contains("600 characters"));
    let topics: Vec<String> = (1..=21).map(|i| format!("Topic {i}")).collect();
    let page = save_story(&desk, &[("topics", &topics.join(", "))]).await;
    assert!(error_next_to(&page, "topics").contains("at most 20"));
}

#[actix_web::test]
async fn urdu_punjabi_and_welsh_stories_and_topics_are_saved_and_shown_in_their_direction() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let fields = [
        ("headline", "ڈاکٹروں کی ہڑتال"),
        ("standfirst", "ہسپتال کے باہر دھرنا"),
        ("byline", "ਪੱਤਰਕਾਰ ਡੈਸਕ"),
        ("body", "ڈاکٹر صبح آٹھ بجے جمع ہوئے۔"),
        ("topics", "صحت, Iechyd, ਸਿਹਤ"),
    ];
    let page = save_story(&desk, &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let slug = page
        .header("location")
        .unwrap()
        .replace("/admin/stories/", "");
    assert!(slug.starts_with("story-"), "{slug}");
    let fields = [
        ("body", "ਹੜਤਾਲ ਜਾਰੀ ਹੈ"),
        ("kind", "picket"),
        ("place", "ہسپتال"),
    ];
    let published = desk.publish_update(&slug, &fields).await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );

    let story = app.get_page(&format!("/news/{slug}")).await;
    assert_eq!(story.status, StatusCode::OK);
    assert_eq!(story.texts("h1[dir=auto]"), ["ڈاکٹروں کی ہڑتال"]);
    for selector in [
        ".standfirst[dir=auto]",
        ".byline-name[dir=auto]",
        ".story-body[dir=auto]",
        ".update .update-body[dir=auto]",
        ".update .update-place[dir=auto]",
    ] {
        assert_eq!(story.texts(selector).len(), 1, "{selector}");
    }
    assert_eq!(
        story.texts(".topics a[dir=auto]"),
        ["صحت", "Iechyd", "ਸਿਹਤ"]
    );
    let topic_links = story.attrs(".topics a", "href");
    assert!(
        topic_links[0].starts_with("/topics/topic-"),
        "{topic_links:?}"
    );
    assert_eq!(topic_links[1], "/topics/iechyd");
    let topic = app.get_page(&topic_links[0]).await;
    assert_eq!(topic.texts("h1[dir=auto]"), ["صحت"]);
    assert_eq!(
        topic.texts(".story-card h3 [dir=auto]"),
        ["ڈاکٹروں کی ہڑتال"]
    );
    let welsh = save_story(&desk, &[("headline", "Streic yn Ysbyty Gŵyr")]).await;
    assert_eq!(
        welsh.header("location").as_deref(),
        Some("/admin/stories/streic-yn-ysbyty-gwyr")
    );
}

#[actix_web::test]
async fn numbers_with_thousands_separators_are_stored_as_numbers() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let slug = desk.create_story("Operations cancelled", "Body.").await;
    for number in ["4,000", "4 000"] {
        let fields = [
            ("body", "Cancelled."),
            ("kind", "figures"),
            ("number", number),
            ("what", "operations"),
            ("source", "NHS England"),
        ];
        let page = desk.publish_update(&slug, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{number}: {}",
            page.body
        );
    }
    let csv = app.get_page(&format!("/news/{slug}/figures.csv")).await;
    assert_eq!(csv.body.matches(",4000,").count(), 2, "{}", csv.body);
}

#[actix_web::test]
async fn update_times_in_the_future_or_long_past_are_refused_next_to_time() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let slug = desk.create_story("Strike day", "Body.").await;
    for time in ["2099-01-01 00:00", "0001-01-01 00:00"] {
        let fields = [("body", "Kept"), ("kind", "update"), ("time", time)];
        let page = desk.publish_update(&slug, &fields).await;
        error_next_to(&page, "time");
        assert_eq!(page.attrs("input#time", "value"), [time]);
    }
}

#[actix_web::test]
async fn a_time_in_the_repeated_autumn_hour_asks_which_one_is_meant() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let slug = desk.create_story("Strike night", "Body.").await;
    let fields = [
        ("body", "Kept"),
        ("kind", "update"),
        ("time", "2016-10-30 01:30"),
    ];
    let page = desk.publish_update(&slug, &fields).await;
    let message = error_next_to(&page, "time");
    assert!(message.contains("2016-10-30 01:30 BST"), "{message}");
    assert!(message.contains("2016-10-30 01:30 GMT"), "{message}");
    let fields = [
        ("body", "Second 01:30"),
        ("kind", "update"),
        ("time", "2016-10-30 01:30 GMT"),
    ];
    let page = desk.publish_update(&slug, &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let story = app.get_page(&format!("/news/{slug}")).await;
    assert_eq!(
        story.attrs(".update-time time", "datetime"),
        ["2016-10-30T01:30:00+00:00"]
    );
}
