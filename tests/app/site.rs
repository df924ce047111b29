//! What every page shares: the configured site identity, the icon, and the
//! 404 for addresses whose slug or update number is malformed.

use awc::http::StatusCode;

use crate::helpers::TestApp;

#[actix_web::test]
async fn the_configured_site_name_and_description_reach_pages_feeds_and_error_pages() {
    let app = TestApp::spawn_with(|config| {
        config.site_name = "Valley Voice".into();
        config.site_description = "News from the valley.".into();
    })
    .await;
    let home = app.get_page("/").await;
    assert_eq!(home.texts(".site-name"), ["Valley Voice"]);
    assert!(home.texts("title")[0].ends_with("· Valley Voice"));
    assert_eq!(
        home.attrs(r#"meta[name="description"]"#, "content"),
        ["News from the valley."]
    );
    let missing = app.get_page("/news/no-such-story").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.texts(".site-name"), ["Valley Voice"]);
    let feed = app.get_page("/feed.xml").await;
    assert!(
        feed.body.contains("<title>Valley Voice</title>"),
        "{}",
        feed.body
    );
    assert!(feed.body.contains("News from the valley."));
}

/// Search engines show a page's description under its link; without one
/// they pick any text of the page (Lighthouse's SEO audit counts it).
#[actix_web::test]
async fn every_reader_page_has_one_description_of_what_it_holds() {
    let app = TestApp::spawn_with(|config| config.site_name = "Valley Voice".into()).await;
    app.import_at_start(&crate::helpers::demo_content()).await;
    let descriptions = [
        (
            "/topics/calderdale",
            "Every story on Calderdale from Valley Voice, newest first.",
        ),
        (
            "/search?q=picket",
            "Search the stories and live updates of Valley Voice.",
        ),
    ];
    for (path, expected) in descriptions {
        let page = app.get_page(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(
            page.attrs(r#"meta[name="description"]"#, "content"),
            [expected],
            "{path}"
        );
    }
    let story = app
        .get_page("/news/pickets-at-calderdale-royal-hospital")
        .await;
    let standfirst = story.texts(".standfirst");
    assert_eq!(
        story.attrs(r#"meta[name="description"]"#, "content"),
        standfirst
    );
}

#[actix_web::test]
async fn every_page_names_its_icon_and_favicon_ico_answers_with_it() {
    let app = TestApp::spawn().await;
    let icon = app.get_page("/").await.attrs(r#"link[rel="icon"]"#, "href");
    assert_eq!(icon.len(), 1);
    assert!(icon[0].starts_with("/static/favicon.svg?v="), "{icon:?}");
    for path in [icon[0].as_str(), "/favicon.ico"] {
        let answer = app.get_page(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(
            answer.header("content-type").as_deref(),
            Some("image/svg+xml")
        );
        assert!(answer.body.starts_with("<svg"), "{path}");
    }
}

#[actix_web::test]
async fn malformed_slugs_and_update_numbers_in_addresses_get_the_404_page() {
    let app = TestApp::with_demo_content().await;
    for path in [
        "/news/Not_A_Slug",
        "/news/two--hyphens/feed.xml",
        "/topics/-health",
    ] {
        let page = app.get_page(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(page.texts("h1"), ["Page not found"], "{path}");
    }
    let desk = app.sign_in("sarah").await;
    for path in ["/admin/updates/-1/edit", "/admin/updates/first/edit"] {
        let page = desk.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(page.texts("h1"), ["Page not found"], "{path}");
    }
}

#[actix_web::test]
async fn an_https_site_tells_browsers_to_insist_on_https() {
    let app = TestApp::spawn().await;
    for path in ["/", "/news/no-such-story", "/admin/login"] {
        let page = app.get_page(path).await;
        assert_eq!(
            page.header("strict-transport-security").as_deref(),
            Some("max-age=31536000"),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn a_plain_http_site_sends_no_hsts() {
    let app = TestApp::spawn_with(|c| c.site_url = Some("http://news.example".into())).await;
    let page = app.get_page("/").await;
    assert_eq!(page.header("strict-transport-security"), None);
}
