//! Reader pages: `/`, `/news/{slug}`, `/topics/{slug}`, `/search`, `/healthz`, `/robots.txt`.

use awc::http::StatusCode;

use crate::helpers::TestApp;

const MAIN_STORY: &str = "/news/junior-doctors-strike-live";

#[actix_web::test]
async fn front_page_lists_live_stories_first_and_marks_them_live() {
    let app = TestApp::with_demo_content().await;
    let page = app.get_page("/").await;
    assert_eq!(page.status, StatusCode::OK);
    let links = page.attrs(".story-card h3 a", "href");
    assert_eq!(links.first().map(String::as_str), Some(MAIN_STORY));
    assert!(links.len() >= 7, "{links:?}");
    let live = page.texts(".live-now .story-card h3");
    assert_eq!(live.len(), 1);
    assert!(live[0].starts_with("LIVE "), "{live:?}");
    assert_eq!(page.texts(".story-list .live-badge").len(), 1);
}

#[actix_web::test]
async fn story_page_shows_the_story_and_its_updates_newest_first() {
    let app = TestApp::with_demo_content().await;
    let page = app.get_page(MAIN_STORY).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texts("h1")[0].starts_with("Junior doctors' strike"));
    assert_eq!(
        page.texts(".byline"),
        ["By Sarah Holt, Health Correspondent"]
    );
    assert!(!page.texts(".standfirst")[0].is_empty());
    let times = page.attrs(".story-header time", "datetime");
    assert_eq!(times[0], "2016-01-12T07:30:00+00:00");

    let posted: Vec<String> = page.attrs(".update .update-time time", "datetime");
    assert!(posted.len() >= 15, "{} updates", posted.len());
    let mut sorted = posted.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(posted, sorted, "updates are newest first");

    // Every update has its anchor and a visible permalink to it.
    let ids = page.attrs("article.update", "id");
    let permalinks = page.attrs("article.update a.permalink", "href");
    assert_eq!(ids.len(), permalinks.len());
    for (id, link) in ids.iter().zip(&permalinks) {
        assert!(id.starts_with("update-"));
        let number = id.trim_start_matches("update-");
        assert_eq!(link, &format!("{MAIN_STORY}?update={number}#{id}"));
    }
    for kind in ["Update", "Picket line", "Statement", "Figures"] {
        assert!(
            page.texts(".kind-label").iter().any(|k| k == kind),
            "no {kind} update"
        );
    }
    assert!(page.texts(".figure-number").contains(&"4,000".to_owned()));
}

#[actix_web::test]
async fn read_more_links_show_the_target_headline() {
    let app = TestApp::with_demo_content().await;
    let page = app.get_page(MAIN_STORY).await;
    let target = "/news/earlier-strike-called-off";
    let read_more: Vec<String> = page.attrs(".story-body .read-more a", "href");
    assert!(read_more.iter().any(|h| h == target), "{read_more:?}");
    let headline = app.get_page(target).await.texts("h1").remove(0);
    assert!(page.texts(".story-body .read-more a").contains(&headline));
}

#[actix_web::test]
async fn topic_page_lists_its_stories_newest_first() {
    let app = TestApp::with_demo_content().await;
    let page = app.get_page("/topics/calderdale").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("h1"), ["Calderdale"]);
    let links = page.attrs(".story-card h3 a", "href");
    assert!(
        links.contains(&"/news/pickets-at-calderdale-royal-hospital".to_owned()),
        "{links:?}"
    );
    let dates = page.attrs(".story-card time", "datetime");
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
}

#[actix_web::test]
async fn unknown_pages_get_a_real_404_page() {
    let app = TestApp::with_demo_content().await;
    for path in [
        "/news/no-such-story",
        "/topics/no-such-topic",
        "/nowhere",
        "/static/nope.css",
    ] {
        let page = app.get_page(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(page.texts("h1"), ["Page not found"], "{path}");
        assert!(page.body.contains("<html lang=\"en-GB\">"));
    }
}

#[actix_web::test]
async fn a_bad_page_cursor_is_a_400_with_a_message() {
    let app = TestApp::with_demo_content().await;
    let page = app.get_page(&format!("{MAIN_STORY}?before=abc")).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("before must be an update number"));
}

#[actix_web::test]
async fn healthz_answers_ok_when_the_database_does() {
    let app = TestApp::spawn().await;
    let page = app.get_page("/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.body, "ok\ndatabase: answering\n",
        "nothing else is configured"
    );
    app.room.db.close().await;
    assert_eq!(
        app.get_page("/healthz").await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
}

#[actix_web::test]
async fn server_faults_show_a_500_page_without_internals() {
    let app = TestApp::with_demo_content().await;
    app.room.db.close().await;
    app.room.pages.clear();
    let page = app.get_page(MAIN_STORY).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(page.texts("h1"), ["Something went wrong"]);
    assert!(
        !page.body.to_lowercase().contains("sqlx") && !page.body.contains("pool"),
        "{}",
        page.body
    );
}

#[actix_web::test]
async fn robots_txt_points_crawlers_at_the_sitemap() {
    let app = TestApp::spawn().await;
    let page = app.get_page("/robots.txt").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Sitemap: https://news.example/sitemap.xml")
    );
    assert!(page.body.contains("Disallow: /admin"));
}

#[actix_web::test]
async fn pages_are_cached_with_etags_and_revalidate_to_304() {
    let app = TestApp::with_demo_content().await;
    let first = app.get_page(MAIN_STORY).await;
    let etag = first.header("etag").expect("an ETag");
    assert!(
        first
            .header("content-security-policy")
            .unwrap()
            .contains("script-src 'self'")
    );
    let again = app.get_with(MAIN_STORY, &[("If-None-Match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

#[actix_web::test]
async fn stylesheet_is_served_with_a_long_lived_cache() {
    let app = TestApp::spawn().await;
    let home = app.get_page("/").await;
    let css = home.attrs("link[rel=stylesheet]", "href").remove(0);
    assert!(css.starts_with("/static/site.css?v="), "{css}");
    let page = app.get_page(&css).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.header("cache-control")
            .unwrap()
            .contains("max-age=31536000")
    );
    assert!(page.header("content-type").unwrap().starts_with("text/css"));
}

#[actix_web::test]
async fn no_search_query_gets_a_server_error() {
    let app = TestApp::with_demo_content().await;
    let hostile = [
        "%00",
        "a%00b",
        "%01%02",
        "%0D%0A",
        "%7F",
        "%22",
        "%22%22%22",
        "*",
        "a*",
        "NEAR(a",
        "-a",
        "^a",
        "a%20OR",
        "AND",
        "(",
        ")",
        ":",
        "title:",
        "%E2%80%8F",
        "%FF",
        "%C3%28",
        "+",
        "%2B%2B",
        "'",
        "\\",
        "%5C%00",
    ];
    for q in hostile {
        let page = app.get_page(&format!("/search?q={q}")).await;
        assert!(
            page.status == StatusCode::OK || page.status == StatusCode::BAD_REQUEST,
            "/search?q={q} answered {}",
            page.status
        );
    }
    let nul = app.get_page("/search?q=choir%00sings").await;
    assert!(
        !nul.body.contains('\0'),
        "no control character reaches the page"
    );
    assert!(
        !nul.attrs(".search-results a", "href").is_empty(),
        "the words around it still search"
    );
}

#[actix_web::test]
async fn search_finds_stories_and_updates() {
    let app = TestApp::with_demo_content().await;
    let page = app.get_page("/search?q=choir").await;
    assert_eq!(page.status, StatusCode::OK);
    let links = page.attrs(".search-results a", "href");
    assert!(
        links
            .iter()
            .any(|l| l == "/news/nhs-choir-sings-at-great-ormond-street"),
        "{links:?}"
    );
    assert!(
        links
            .iter()
            .any(|l| l.starts_with("/news/junior-doctors-strike-live?update=")),
        "{links:?}"
    );
    let odd = app.get_page("/search?q=%22unbalanced%20AND%20(").await;
    assert_eq!(odd.status, StatusCode::OK);
}

#[actix_web::test]
async fn a_write_from_another_process_reaches_cached_pages_within_seconds() {
    let app = TestApp::with_demo_content().await;
    assert!(app.get_page(MAIN_STORY).await.texts("h1")[0].starts_with("Junior doctors"));
    // As an operator's fix in the sqlite3 shell would: straight to the
    // database, with nothing in the change log.
    sqlx::query("UPDATE stories SET headline = 'Changed by another process' WHERE slug = 'junior-doctors-strike-live'")
        .execute(&app.room.db)
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.get_page(MAIN_STORY).await.texts("h1") != ["Changed by another process"] {
        assert!(
            std::time::Instant::now() < deadline,
            "the cached page never changed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[actix_web::test]
async fn head_requests_get_the_headers_without_the_body() {
    let app = TestApp::with_demo_content().await;
    for path in ["/", MAIN_STORY, "/feed.xml"] {
        // Identity: the test client would try to inflate an empty gzip body.
        let request = awc::Client::new()
            .head(app.url(path))
            .insert_header(("Accept-Encoding", "identity"));
        let mut response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers().contains_key("etag"), "{path}");
        assert!(response.body().await.unwrap().is_empty(), "{path}");
    }
}
