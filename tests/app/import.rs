//! `newsdesk import`: idempotent, atomic, and precise about errors.

use awc::http::StatusCode;
use newsdesk::import::ImportError;

use crate::helpers::{TestApp, content_dir, demo_content, story_file};

#[actix_web::test]
async fn importing_twice_changes_nothing() {
    let app = TestApp::spawn().await;
    let first = app.import(&demo_content()).await.unwrap();
    assert!(
        first.stories_created >= 7 && first.updates_created >= 15,
        "{first}"
    );
    let before = app.get_page("/news/junior-doctors-strike-live").await.body;
    let second = app.import(&demo_content()).await.unwrap();
    assert_eq!(
        (second.stories_created, second.stories_updated),
        (0, 0),
        "{second}"
    );
    assert_eq!(
        (second.updates_created, second.updates_updated),
        (0, 0),
        "{second}"
    );
    assert_eq!(second.stories_unchanged, first.stories_created);
    app.room.pages.clear();
    assert_eq!(
        app.get_page("/news/junior-doctors-strike-live").await.body,
        before
    );
}

#[actix_web::test]
async fn an_edited_file_updates_its_story() {
    let app = TestApp::spawn().await;
    let dir = content_dir(&[("a-story.md", &story_file("First headline", "Body."))]);
    app.import(dir.path()).await.unwrap();
    std::fs::write(
        dir.path().join("a-story.md"),
        story_file("Second headline", "Body."),
    )
    .unwrap();
    let report = app.import(dir.path()).await.unwrap();
    assert_eq!(report.stories_updated, 1, "{report}");
    assert_eq!(
        app.get_page("/news/a-story").await.texts("h1"),
        ["Second headline"]
    );
}

#[actix_web::test]
async fn a_bad_field_is_reported_with_file_line_and_field() {
    let app = TestApp::spawn().await;
    let bad = story_file(
        "Fine",
        "Body.\n\n+++ update\ntime = 2016-01-12T08:00:00Z\nkind = \"figures\"\nauthor = \"Desk\"\nnumber = -4\nwhat = \"ops\"\nsource = \"NHS\"\n+++\nText.",
    );
    let dir = content_dir(&[("bad-story.md", &bad)]);
    let ImportError::Content(errors) = app.import(dir.path()).await.unwrap_err() else {
        panic!("expected a content error");
    };
    let message = errors[0].to_string();
    assert!(
        message.contains("bad-story.md:14: field `number`"),
        "{message}"
    );
    assert!(message.contains("cannot be negative"), "{message}");
}

#[actix_web::test]
async fn broken_front_matter_names_the_line() {
    let app = TestApp::spawn().await;
    let bad = story_file("Fine", "Body.").replace("byline = \"Desk\"", "byline = Desk");
    let dir = content_dir(&[("broken.md", &bad)]);
    let error = app.import(dir.path()).await.unwrap_err().to_string();
    assert!(error.contains("broken.md:4:"), "{error}");
}

#[actix_web::test]
async fn a_read_more_to_a_missing_story_is_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let dir = content_dir(&[
        ("good-story.md", &story_file("Good", "Fine body.")),
        (
            "linking-story.md",
            &story_file("Linker", "Intro.\n\nREAD MORE: [gone](/news/no-such-story)"),
        ),
    ]);
    let error = app.import(dir.path()).await.unwrap_err().to_string();
    assert!(error.contains("linking-story.md:10:"), "{error}");
    assert!(
        error.contains("no published story “no-such-story”"),
        "{error}"
    );
    assert_eq!(
        app.get_page("/news/good-story").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn a_read_more_to_a_draft_in_the_same_import_is_refused() {
    let app = TestApp::spawn().await;
    let draft =
        story_file("Embargoed", "Not yet.").replace("+++\nNot", "status = \"draft\"\n+++\nNot");
    let dir = content_dir(&[
        ("embargoed.md", &draft),
        (
            "linker.md",
            &story_file("Linker", "READ MORE: [x](/news/embargoed)"),
        ),
    ]);
    let error = app.import(dir.path()).await.unwrap_err().to_string();
    assert!(error.contains("linker.md:"), "{error}");
    assert!(error.contains("no published story “embargoed”"), "{error}");
}

#[actix_web::test]
async fn footnotes_of_a_story_and_of_its_updates_have_ids_unique_on_the_page() {
    let app = TestApp::spawn().await;
    let update = |time: &str, text: &str| {
        format!(
            "\n+++ update\ntime = {time}\nkind = \"update\"\nauthor = \"Desk\"\n+++\n{text}[^1]\n\n[^1]: Source of {text}\n"
        )
    };
    let body = format!(
        "Body claim.[^1]\n\n[^1]: Source of the body.\n{}{}",
        update("2016-01-12T08:00:00Z", "First"),
        update("2016-01-12T09:00:00Z", "Second")
    );
    let dir = content_dir(&[("noted.md", &story_file("Noted", &body))]);
    app.import(dir.path()).await.unwrap();
    let page = app.get_page("/news/noted").await;
    let ids = page.attrs(".footnote-definition", "id");
    let targets = page.attrs(".footnote-reference a", "href");
    assert_eq!(ids.len(), 3, "{ids:?}");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 3, "{ids:?}");
    let mut expected: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
    expected.sort();
    let mut targets = targets;
    targets.sort();
    assert_eq!(targets, expected, "each reference reaches its own footnote");
}

#[actix_web::test]
async fn a_headline_change_reaches_every_read_more_link() {
    let app = TestApp::spawn().await;
    let dir = content_dir(&[
        ("target.md", &story_file("Old headline", "Target body.")),
        (
            "source.md",
            &story_file("Source", "READ MORE: [whatever](/news/target)"),
        ),
    ]);
    app.import(dir.path()).await.unwrap();
    assert_eq!(
        app.get_page("/news/source").await.texts(".read-more a"),
        ["Old headline"]
    );
    // Only the target changes; the source file is untouched.
    std::fs::write(
        dir.path().join("target.md"),
        story_file("New headline", "Target body."),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("source.md")).unwrap();
    app.import(dir.path()).await.unwrap();
    assert_eq!(
        app.get_page("/news/source").await.texts(".read-more a"),
        ["New headline"]
    );
}

#[actix_web::test]
async fn a_headline_change_reaches_read_more_links_in_live_updates() {
    let app = TestApp::spawn().await;
    let update = "\n\n+++ update\ntime = 2016-01-12T08:00:00Z\nkind = \"update\"\nauthor = \"Desk\"\n+++\nREAD MORE: [x](/news/target)\n";
    let source = story_file("Source", "Body.") + update;
    // The source sorts before its target: the link is recorded all the same.
    let dir = content_dir(&[
        ("a-source.md", &source),
        ("target.md", &story_file("Old headline", "Target.")),
    ]);
    app.import(dir.path()).await.unwrap();
    assert_eq!(
        app.get_page("/news/a-source")
            .await
            .texts(".update .read-more a"),
        ["Old headline"]
    );
    std::fs::write(
        dir.path().join("target.md"),
        story_file("New headline", "Target."),
    )
    .unwrap();
    app.import(dir.path()).await.unwrap();
    assert_eq!(
        app.get_page("/news/a-source")
            .await
            .texts(".update .read-more a"),
        ["New headline"]
    );
}

/// A story file with two updates whose texts are `first` and `second`.
fn file_with_updates(first: &str, second: &str) -> String {
    format!(
        "{}\n+++ update\ntime = 2016-01-12T08:00:00Z\nkind = \"update\"\nauthor = \"Desk\"\n+++\n{first}\n\n\
         +++ update\ntime = 2016-01-12T09:00:00Z\nkind = \"update\"\nauthor = \"Desk\"\n+++\n{second}\n",
        story_file("Desk wins", "Body.")
    )
}

#[actix_web::test]
async fn re_importing_a_changed_file_never_reverts_the_desks_corrections_or_deletions() {
    let app = TestApp::spawn().await;
    let dir = content_dir(&[(
        "desk-wins.md",
        &file_with_updates("Frist report", "Second report"),
    )]);
    app.import(dir.path()).await.unwrap();
    let page = app.get_page("/news/desk-wins").await;
    let ids: Vec<i64> = page
        .attrs("article.update", "data-update-id")
        .iter()
        .map(|id| id.parse().unwrap())
        .collect();
    let (second, first) = (ids[0], ids[1]);
    let editor = app.create_editor("ed").await;
    app.edit(
        "desk-wins",
        first,
        "First report, corrected at the desk",
        editor,
    )
    .await;
    app.delete("desk-wins", second, editor).await;

    // The file changes both updates afterwards.
    std::fs::write(
        dir.path().join("desk-wins.md"),
        file_with_updates("First report from the file", "Second report, zebra"),
    )
    .unwrap();
    let report = app.import(dir.path()).await.unwrap();
    assert_eq!(report.conflicts.len(), 2, "{report}");
    let lines: Vec<String> = report.conflicts.iter().map(|c| c.to_string()).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("desk-wins.md:") && l.contains("edited") && l.contains("text")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains("deleted")), "{lines:?}");

    let page = app.get_page("/news/desk-wins").await;
    assert_eq!(
        page.texts("article.update .update-body"),
        ["First report, corrected at the desk"]
    );
    let search = app.get_page("/search?q=zebra").await;
    assert!(
        search.attrs(".search-results a", "href").is_empty(),
        "a deleted update stays out of search"
    );
    let feed = app.get_page("/news/desk-wins/feed.xml").await;
    assert!(!feed.body.contains("zebra") && !feed.body.contains("Second report"));
}

#[actix_web::test]
async fn re_importing_never_reverts_a_story_saved_at_the_desk() {
    let app = TestApp::spawn().await;
    let dir = content_dir(&[("kept.md", &story_file("Headline from the file", "Body."))]);
    app.import(dir.path()).await.unwrap();
    let desk = app.sign_in("ed").await;
    let form = desk.get("/admin/stories/kept/edit").await;
    let version = form.attrs("input[name=version]", "value").remove(0);
    let saved = desk
        .post(
            "/admin/stories/kept/edit",
            &[
                ("headline", "Headline from the desk"),
                ("standfirst", "Standfirst."),
                ("body", "Body."),
                ("topics", "Doctors' strike"),
                ("byline", "Desk"),
                ("status", "published"),
                ("live", "none"),
                ("slug", "kept"),
                ("version", &version),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    std::fs::write(
        dir.path().join("kept.md"),
        story_file("Headline changed in the file", "Body."),
    )
    .unwrap();
    let report = app.import(dir.path()).await.unwrap();
    assert_eq!(report.conflicts.len(), 1, "{report}");
    assert_eq!(
        app.get_page("/news/kept").await.texts("h1"),
        ["Headline from the desk"]
    );
}

#[actix_web::test]
async fn an_urdu_story_and_topic_import_and_display_right_to_left() {
    let app = TestApp::spawn().await;
    let urdu = "+++\nheadline = \"ڈاکٹروں کی ہڑتال\"\nstandfirst = \"ہسپتال کے باہر\"\nbyline = \"ਪੱਤਰਕਾਰ\"\n\
                topics = [\"صحت\", \"Iechyd\"]\npublished = 2016-01-12T07:30:00Z\n+++\nڈاکٹر جمع ہوئے۔\n\n\
                +++ update\ntime = 2016-01-12T08:00:00Z\nkind = \"figures\"\nauthor = \"Desk\"\n\
                number = 4000\nwhat = \"آپریشن\"\nsource = \"NHS\"\n+++\nمنسوخ\n";
    let dir = content_dir(&[("doctors-strike-urdu.md", urdu)]);
    app.import(dir.path()).await.unwrap();
    let story = app.get_page("/news/doctors-strike-urdu").await;
    assert_eq!(story.texts("h1[dir=auto]"), ["ڈاکٹروں کی ہڑتال"]);
    assert_eq!(story.texts(".topics a[dir=auto]"), ["صحت", "Iechyd"]);
    assert_eq!(story.texts(".update .update-body[dir=auto]"), ["منسوخ"]);
    let topic = story.attrs(".topics a", "href")[0].clone();
    assert!(topic.starts_with("/topics/topic-"), "{topic}");
    assert_eq!(app.get_page(&topic).await.texts("h1[dir=auto]"), ["صحت"]);
}

#[actix_web::test]
async fn control_characters_and_far_times_are_reported_with_file_line_and_field() {
    let app = TestApp::spawn().await;
    let update = |time: &str, place: &str| {
        format!(
            "+++ update\ntime = {time}\nkind = \"picket\"\nauthor = \"Desk\"\nplace = \"{place}\"\n+++\nText.\n"
        )
    };
    let body = format!(
        "Body.\n\n{}\n{}\n{}",
        update("2016-01-12T08:00:00Z", "HRI\\revent: story"),
        update("2099-01-01T00:00:00Z", "HRI"),
        update("0001-01-01T00:00:00Z", "HRI"),
    );
    let dir = content_dir(&[("bad-story.md", &story_file("Fine", &body))]);
    let error = app.import(dir.path()).await.unwrap_err().to_string();
    for expected in [
        "bad-story.md:14: field `place`: The place contains a line break",
        "bad-story.md:19: field `time`: That time is in the future",
        "bad-story.md:27: field `time`: That time is before 1990",
    ] {
        assert!(error.contains(expected), "{expected}\n{error}");
    }
    assert_eq!(
        app.get_page("/news/bad-story").await.status,
        StatusCode::NOT_FOUND
    );
}
