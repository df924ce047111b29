//! The editors' desk under `/admin`: sign-in, forms, CSRF, validation,
//! conflicts, throttling and expired sessions; the setup link in `setup`.

use awc::http::StatusCode;

use crate::editor_session::{PASSWORD, set_cookie};
use crate::helpers::{TestApp, story_input};

mod account;
mod drafts;
mod fields;
mod setup;
mod sign_in;

const DESK_PAGES: [&str; 5] = [
    "/admin",
    "/admin/stories/new",
    "/admin/stories/x",
    "/admin/stories/x/edit",
    "/admin/updates/1/edit",
];

#[actix_web::test]
async fn signed_out_admin_pages_redirect_to_sign_in() {
    let app = TestApp::spawn().await;
    for path in DESK_PAGES {
        let page = app.get_page(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        let location = page.header("location").unwrap();
        assert!(
            location.starts_with("/admin/login?next=%2Fadmin"),
            "{path} → {location}"
        );
    }
}

#[actix_web::test]
async fn signed_out_posts_change_nothing() {
    let app = TestApp::spawn().await;
    let fields = [
        ("headline", "Sneaky"),
        ("body", "x"),
        ("status", "published"),
        ("live", "none"),
    ];
    let page = app.post_form("/admin/stories/new", "", &fields).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get_page("/news/sneaky").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn a_wrong_password_shows_an_error_and_keeps_the_username() {
    let app = TestApp::spawn().await;
    app.create_editor("sarah").await;
    let page = app.post_login("sarah", "not the password").await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.texts(".field-error")[0].contains("do not match"));
    assert_eq!(page.attrs("input[name=username]", "value"), ["sarah"]);
    assert!(set_cookie(&page, "newsdesk_session").is_none());
}

#[actix_web::test]
async fn the_session_cookie_is_http_only_and_same_site() {
    let app = TestApp::spawn().await;
    app.create_editor("sarah").await;
    let page = app.post_login("sarah", PASSWORD).await;
    let cookie = page
        .headers
        .get_all("set-cookie")
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("newsdesk_session="))
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    // TestApp's site URL is https, so the cookie is Secure.
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[actix_web::test]
async fn the_dashboard_lists_every_story_and_links_to_new_story() {
    let app = TestApp::with_demo_content().await;
    let desk = app.sign_in("sarah").await;
    let page = desk.get("/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texts("a").contains(&"New story".to_owned()));
    let rows = page.texts(".desk-table tbody tr");
    assert_eq!(rows.len(), 8);
    assert!(
        rows[0].contains("LIVE") && rows[0].ends_with("22"),
        "{}",
        rows[0]
    );
    assert_eq!(
        page.header("cache-control").as_deref(),
        Some("private, no-store")
    );
}

#[actix_web::test]
async fn the_desk_pages_through_a_long_archive_listing_each_story_once() {
    let app = TestApp::spawn().await;
    let editor = app.create_editor("sarah").await;
    // 205 stories saved as fast as the desk can: many share a second, so the
    // page boundary must break ties between equal change times.
    let mut made = Vec::new();
    for n in 0..205 {
        made.push(
            app.create_story(&format!("Archive story {n:03}"), editor)
                .await,
        );
    }
    let live = app
        .save_story(
            newsdesk::domain::StoryInput {
                live: "live".into(),
                ..story_input("Strike day live", &[], "published")
            },
            editor,
        )
        .await;
    let desk = app.sign_in_again("sarah").await;

    let mut listed = Vec::new();
    let mut path = "/admin".to_owned();
    let mut pages = 0;
    loop {
        let page = desk.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        pages += 1;
        let links = page.attrs(".desk-table tbody a", "href");
        if pages == 1 {
            // The live story heads the first page, in a table of its own.
            assert_eq!(links[0], format!("/admin/stories/{live}"));
            assert_eq!(links.len(), 101);
            listed.extend(links.into_iter().skip(1));
        } else {
            assert!(!links.contains(&format!("/admin/stories/{live}")));
            assert!(
                page.texts(".audit li").is_empty(),
                "the audit trail is on the first page only"
            );
            listed.extend(links);
        }
        match page
            .attrs("a", "href")
            .into_iter()
            .find(|h| h.starts_with("/admin?before="))
        {
            Some(older) => path = older,
            None => break,
        }
        assert!(pages < 5, "the pages never end");
    }
    assert_eq!(pages, 3);
    // Most recently changed first: the reverse of the order they were made.
    let expected: Vec<String> = made
        .iter()
        .rev()
        .map(|s| format!("/admin/stories/{s}"))
        .collect();
    assert_eq!(listed, expected);
}

#[actix_web::test]
async fn a_desk_page_address_that_is_not_a_story_number_is_refused_with_a_reason() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    for bad in ["abc", "-3", "0", "1e3", "%00"] {
        let page = desk.get(&format!("/admin?before={bad}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            page.body.contains("before must be a story number"),
            "{bad}: {}",
            page.body
        );
    }
    // A story number that does not exist (deleted, say) is an empty page
    // with the way back, not an error.
    let page = desk.get("/admin?before=999999").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("No older stories."));
    assert!(page.attrs("a", "href").contains(&"/admin".to_owned()));
}

#[actix_web::test]
async fn a_saved_story_lands_on_its_desk_page_and_is_public() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let slug = desk
        .create_story("Pickets return to HRI", "Doctors are **back**.")
        .await;
    assert_eq!(slug, "pickets-return-to-hri");
    let admin_page = desk.get(&format!("/admin/stories/{slug}")).await;
    assert_eq!(
        admin_page
            .attrs("a", "href")
            .iter()
            .filter(|h| *h == "/news/pickets-return-to-hri")
            .count(),
        1
    );
    assert!(admin_page.texts("a").contains(&"View".to_owned()));
    let public = app.get_page("/news/pickets-return-to-hri").await;
    assert_eq!(public.texts("h1"), ["Pickets return to HRI"]);
    assert!(public.body.contains("<strong>back</strong>"));
    assert!(
        desk.get("/admin")
            .await
            .texts(".audit li")
            .iter()
            .any(|l| l.contains("sarah created story"))
    );
}

#[actix_web::test]
async fn a_missing_or_wrong_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let fields = [
        ("headline", "Forged"),
        ("body", "x"),
        ("status", "published"),
        ("live", "none"),
    ];
    let missing = app
        .post_form("/admin/stories/new", &desk.cookie, &fields)
        .await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let mut wrong = fields.to_vec();
    wrong.push(("csrf_token", "0000"));
    assert_eq!(
        app.post_form("/admin/stories/new", &desk.cookie, &wrong)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_page("/news/forged").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn a_read_more_to_a_draft_is_refused_on_stories_and_on_updates() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let draft = [
        ("headline", "Embargoed"),
        ("body", "Not yet."),
        ("status", "draft"),
        ("live", "none"),
        ("action", "save"),
    ];
    let page = desk.post("/admin/stories/new", &draft).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let read_more = "READ MORE: [x](/news/embargoed)";
    let linking = [
        ("headline", "Linker"),
        ("body", read_more),
        ("status", "published"),
        ("live", "none"),
        ("action", "save"),
    ];
    let page = desk.post("/admin/stories/new", &linking).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = page.texts("#body-error").join(" ");
    assert!(error.contains("no published story “embargoed”"), "{error}");
    let slug = desk.create_story("Live story", "Body.").await;
    let fields = [("body", read_more), ("kind", "update"), ("time", "")];
    let page = desk.publish_update(&slug, &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(page.texts("#body-error").len(), 1, "{}", page.body);
    assert!(
        !app.get_page(&format!("/news/{slug}"))
            .await
            .body
            .contains("Embargoed")
    );
}

#[actix_web::test]
async fn story_validation_errors_sit_next_to_fields_and_keep_the_text() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    desk.create_story("Taken", "Body.").await;
    let big = "x".repeat(201 * 1024);
    let cases: [(&str, &str, &str, &str); 4] = [
        ("", "", "Kept body text", "headline"),
        ("Fine", "Bad Slug!", "Kept body text", "slug"),
        ("Fine", "taken", "Kept body text", "slug"),
        ("Fine", "", "READ MORE: [x](/news/nowhere)", "body"),
    ];
    for (headline, slug, body, field) in cases {
        let fields = [
            ("headline", headline),
            ("slug", slug),
            ("body", body),
            ("topics", "A, B"),
            ("status", "published"),
            ("live", "none"),
            ("action", "save"),
        ];
        let page = desk.post("/admin/stories/new", &fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            page.body
        );
        assert_eq!(
            page.texts(&format!("#{field}-error")).len(),
            1,
            "no error next to {field}"
        );
        assert_eq!(page.texts("textarea#body"), [body]);
        assert_eq!(page.attrs("input#topics", "value"), ["A, B"]);
    }
    let fields = [
        ("headline", "Huge"),
        ("body", big.as_str()),
        ("status", "published"),
        ("live", "none"),
    ];
    let page = desk.post("/admin/stories/new", &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.texts("#body-error")[0].contains("200 KB"));
    let huge = "x".repeat(800 * 1024);
    let fields = [("headline", "Huger"), ("body", huge.as_str())];
    assert_eq!(
        desk.post("/admin/stories/new", &fields).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        app.get_page("/news/fine").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn preview_renders_the_body_without_saving() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let fields = [
        ("headline", "Preview me"),
        ("body", "Some *emphasis*"),
        ("status", "published"),
        ("live", "none"),
        ("action", "preview"),
    ];
    let page = desk.post("/admin/stories/new", &fields).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<em>emphasis</em>"));
    assert_eq!(
        app.get_page("/news/preview-me").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn the_first_update_makes_a_story_live_and_reaches_the_public_page() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let slug = desk.create_story("Strike day", "Body.").await;
    let fields = [
        ("body", "Pickets at *HRI*"),
        ("kind", "picket"),
        ("place", "Huddersfield Royal Infirmary"),
        ("key_event", "on"),
        ("time", ""),
    ];
    let page = desk.publish_update(&slug, &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let back = desk.get(&format!("/admin/stories/{slug}")).await;
    assert_eq!(
        back.texts("textarea#update-body"),
        [""],
        "the form is empty again"
    );
    assert_eq!(back.texts(".desk-updates li").len(), 1);
    let public = app.get_page(&format!("/news/{slug}")).await;
    assert_eq!(public.texts(".story-header .live-badge"), ["LIVE"]);
    assert_eq!(
        public.texts(".update .update-place"),
        ["Huddersfield Royal Infirmary"]
    );
    assert_eq!(public.texts(".update .key-label"), ["Key event"]);
}

#[actix_web::test]
async fn update_validation_errors_keep_the_text_and_publish_nothing() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let slug = desk.create_story("Strike day", "Body.").await;
    let cases = [
        (
            [
                ("body", ""),
                ("kind", "update"),
                ("number", ""),
                ("time", ""),
            ],
            "body",
        ),
        (
            [
                ("body", "Kept"),
                ("kind", "rumour"),
                ("number", ""),
                ("time", ""),
            ],
            "kind",
        ),
        (
            [
                ("body", "Kept"),
                ("kind", "figures"),
                ("number", "-5"),
                ("time", ""),
            ],
            "number",
        ),
        (
            [
                ("body", "Kept"),
                ("kind", "figures"),
                ("number", "lots"),
                ("time", ""),
            ],
            "number",
        ),
        (
            [
                ("body", "Kept"),
                ("kind", "update"),
                ("number", ""),
                ("time", "teatime"),
            ],
            "time",
        ),
    ];
    for (fields, field) in cases {
        let page = desk.publish_update(&slug, &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(
            page.texts(&format!("#{field}-error")).len(),
            1,
            "no error next to {field}"
        );
        assert_eq!(page.texts("textarea#update-body"), [fields[0].1]);
        assert_eq!(page.attrs("input#time", "value"), [fields[3].1]);
    }
    assert_eq!(
        app.get_page(&format!("/news/{slug}"))
            .await
            .texts("article.update")
            .len(),
        0
    );
}

#[actix_web::test]
async fn saving_over_a_newer_version_shows_both_and_overwrites_nothing() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let slug = desk.create_story("Original", "Original body.").await;
    let edit = desk.get(&format!("/admin/stories/{slug}/edit")).await;
    let version = edit.attrs("input[name=version]", "value").remove(0);
    let save = |headline: &'static str, body: &'static str, version: String| {
        let path = format!("/admin/stories/{slug}/edit");
        let desk = &desk;
        async move {
            let fields = [
                ("headline", headline),
                ("body", body),
                ("status", "published"),
                ("live", "none"),
                ("version", version.as_str()),
                ("action", "save"),
            ];
            desk.post(&path, &fields).await
        }
    };
    assert_eq!(
        save("Theirs", "Their body.", version.clone()).await.status,
        StatusCode::SEE_OTHER
    );
    let conflict = save("Mine", "My body.", version).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(
        conflict
            .texts(".their-version")
            .join(" ")
            .contains("Their body.")
    );
    assert_eq!(conflict.texts("textarea#body"), ["My body."]);
    assert_eq!(
        app.get_page(&format!("/news/{slug}")).await.texts("h1"),
        ["Theirs"]
    );
    // Saving from the conflict page is a deliberate choice and goes through.
    let newer = conflict.attrs("input[name=version]", "value").remove(0);
    assert_eq!(
        save("Mine", "My body.", newer).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get_page(&format!("/news/{slug}")).await.texts("h1"),
        ["Mine"]
    );
}

#[actix_web::test]
async fn the_session_cookie_outlives_the_session_so_a_late_form_is_still_known() {
    let app = TestApp::spawn().await;
    app.create_editor("sarah").await;
    let page = app.post_login("sarah", PASSWORD).await;
    let cookie = page
        .headers
        .get_all("set-cookie")
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("newsdesk_session="))
        .unwrap()
        .to_owned();
    let max_age: i64 = cookie
        .split(';')
        .find_map(|part| part.trim().strip_prefix("Max-Age="))
        .expect("a Max-Age")
        .parse()
        .unwrap();
    assert!(
        max_age > app.room.session_seconds + 24 * 3600,
        "{cookie}: the browser must still send it after the session expires"
    );
}

#[actix_web::test]
async fn an_expired_session_keeps_the_text_through_signing_in_again() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let slug = desk.create_story("Strike day", "Body.").await;
    // The shift ends: the server's clock moves on, the browser keeps the cookie.
    app.room.clock.advance(chrono::Duration::hours(13));
    let fields = [
        ("body", "Words typed on a bad day"),
        ("kind", "statement"),
        ("who", "BMA"),
        ("time", ""),
    ];
    let page = desk.publish_update(&slug, &fields).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    let next = page.attrs("input[name=next]", "value").remove(0);
    assert!(
        next.starts_with(&format!("/admin/stories/{slug}?restore=")),
        "{next}"
    );
    let (cookie, token) = app.login_form().await;
    let signed_in = app
        .post_form(
            "/admin/login",
            &cookie,
            &[
                ("username", "sarah"),
                ("password", PASSWORD),
                ("csrf_token", &token),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(signed_in.header("location").as_deref(), Some(next.as_str()));
    let session = set_cookie(&signed_in, "newsdesk_session").unwrap();
    let form = app.get_with(&next, &[("Cookie", &session)]).await;
    assert_eq!(
        form.texts("textarea#update-body"),
        ["Words typed on a bad day"]
    );
    assert_eq!(form.attrs("input#who", "value"), ["BMA"]);
    assert!(form.texts(".notice")[0].contains("as you left it"));
}

#[actix_web::test]
async fn editing_an_update_marks_it_edited_and_deleting_removes_it() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let slug = desk.create_story("Strike day", "Body.").await;
    desk.publish_update(
        &slug,
        &[("body", "Frist draft"), ("kind", "update"), ("time", "")],
    )
    .await;
    let public = app.get_page(&format!("/news/{slug}")).await;
    let id = public.attrs("article.update", "data-update-id").remove(0);
    let edit_path = format!("/admin/updates/{id}/edit");
    assert_eq!(
        desk.get(&edit_path).await.texts("textarea#update-body"),
        ["Frist draft"]
    );
    let saved = desk
        .post(
            &edit_path,
            &[("body", "First draft"), ("kind", "update"), ("time", "")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let public = app.get_page(&format!("/news/{slug}")).await;
    assert_eq!(public.texts(".update-body"), ["First draft"]);
    assert_eq!(public.texts(".update .edited").len(), 1);
    let revisions: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM update_revisions WHERE body_md = 'Frist draft'")
            .fetch_one(&app.room.db)
            .await
            .unwrap();
    assert_eq!(revisions, 1);
    let confirm = desk.get(&format!("/admin/updates/{id}/delete")).await;
    assert_eq!(confirm.texts("button.danger"), ["Delete update"]);
    assert_eq!(
        desk.post(&format!("/admin/updates/{id}/delete"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get_page(&format!("/news/{slug}"))
            .await
            .texts("article.update")
            .len(),
        0
    );
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM updates WHERE deleted_at IS NOT NULL")
        .fetch_one(&app.room.db)
        .await
        .unwrap();
    assert_eq!(kept, 1, "a record of the deleted update is kept");
}

#[actix_web::test]
async fn ending_live_coverage_marks_the_story_ended() {
    let app = TestApp::with_demo_content().await;
    let desk = app.sign_in("sarah").await;
    let page = desk
        .post("/admin/stories/junior-doctors-strike-live/end-live", &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let public = app.get_page("/news/junior-doctors-strike-live").await;
    assert_eq!(
        public.texts(".story-header .ended-badge"),
        ["Live coverage ended"]
    );
    assert!(app.get_page("/").await.texts(".live-now").is_empty());
    // A restart re-imports content/; an unchanged file does not undo the desk.
    let report = app.import(&crate::helpers::demo_content()).await.unwrap();
    assert_eq!(report.stories_updated, 0, "{report}");
    let public = app.get_page("/news/junior-doctors-strike-live").await;
    assert_eq!(
        public.texts(".story-header .ended-badge"),
        ["Live coverage ended"]
    );
}

#[actix_web::test]
async fn editor_add_reads_the_password_from_standard_input() {
    use std::io::Write;
    let app = TestApp::spawn().await;
    let database = app.database_url();
    let add_with = |name: &str, password: &str, extra: &[&str]| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_newsdesk"))
            .args(["--database", &database, "editor", "add", name])
            .args(extra)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let add = |name: &str, password: &str| add_with(name, password, &[]);
    let short = add("ed", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));
    assert!(add("ed", PASSWORD).status.success());
    assert!(
        !add("ed", PASSWORD).status.success(),
        "a second editor with the same name"
    );
    assert_eq!(
        app.post_login("ed", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let named = add_with("sholt", PASSWORD, &["--display-name", "Sarah Holt"]);
    assert!(String::from_utf8_lossy(&named.stdout).contains("signed “Sarah Holt”"));
    let as_username = add_with("jw", PASSWORD, &["--display-name", "JW"]);
    assert!(
        !as_username.status.success(),
        "the username as display name"
    );
}

#[actix_web::test]
async fn an_update_can_be_pinned_and_unpinned() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let slug = desk.create_story("Strike day", "Body.").await;
    desk.publish_update(
        &slug,
        &[
            ("body", "Advice to patients: use 111"),
            ("kind", "update"),
            ("time", ""),
        ],
    )
    .await;
    let id = app
        .get_page(&format!("/news/{slug}"))
        .await
        .attrs("article.update", "data-update-id")
        .remove(0);
    let pin = format!("/admin/stories/{slug}/pin");
    assert_eq!(
        desk.post(&pin, &[("update_id", &id)]).await.status,
        StatusCode::SEE_OTHER
    );
    let page = app.get_page(&format!("/news/{slug}")).await;
    assert_eq!(
        page.texts(".pinned summary"),
        ["Pinned Advice to patients: use 111"]
    );
    assert_eq!(
        desk.post(&pin, &[("update_id", "")]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        app.get_page(&format!("/news/{slug}"))
            .await
            .texts(".pinned")
            .is_empty()
    );
    assert_eq!(
        desk.post(&pin, &[("update_id", "999")]).await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn every_admin_post_needs_a_session_and_its_csrf_token() {
    let app = TestApp::with_demo_content().await;
    let desk = app.sign_in("sarah").await;
    let slug = "junior-doctors-strike-live";
    let update = app
        .get_page(&format!("/news/{slug}"))
        .await
        .attrs("article.update", "data-update-id")
        .remove(0);
    let routes = [
        "/admin/stories/new".to_owned(),
        format!("/admin/stories/{slug}/edit"),
        format!("/admin/stories/{slug}/updates"),
        format!("/admin/stories/{slug}/end-live"),
        format!("/admin/stories/{slug}/pin"),
        format!("/admin/updates/{update}/edit"),
        format!("/admin/updates/{update}/delete"),
        "/admin/logout".to_owned(),
    ];
    let fields = [
        ("headline", "Changed"),
        ("body", "Changed"),
        ("kind", "update"),
        ("update_id", update.as_str()),
    ];
    let before = app.get_page(&format!("/news/{slug}")).await.body;
    for route in &routes {
        let mut wrong = fields.to_vec();
        wrong.push(("csrf_token", "forged"));
        for attempt in [fields.to_vec(), wrong] {
            let page = app.post_form(route, &desk.cookie, &attempt).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{route}");
        }
        let signed_out = app.post_form(route, "", &fields).await;
        let expected = if route == "/admin/logout" {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(signed_out.status, expected, "{route} signed out");
    }
    app.room.pages.clear();
    assert_eq!(
        app.get_page(&format!("/news/{slug}")).await.body,
        before,
        "nothing changed"
    );
    assert_eq!(
        desk.get("/admin").await.status,
        StatusCode::OK,
        "still signed in"
    );
}

#[actix_web::test]
async fn a_long_body_in_any_alphabet_fits_under_the_size_limit() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    // 190 KB of UTF-8 that URL-encoding triples on the wire.
    let body = "é".repeat(95 * 1024);
    let fields = [
        ("headline", "Long Welsh story"),
        ("body", body.as_str()),
        ("status", "published"),
        ("live", "none"),
        ("action", "save"),
    ];
    assert_eq!(
        desk.post("/admin/stories/new", &fields).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn malformed_admin_addresses_get_the_sites_error_pages() {
    let app = TestApp::spawn().await;
    let desk = app.sign_in("sarah").await;
    let page = desk.get("/admin/updates/not-a-number/edit").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(page.texts("h1"), ["Page not found"]);
}
