//! A signed-in editor for the admin tests: keeps the session cookie and the
//! CSRF token the way a browser would, and posts forms like one.

use awc::http::StatusCode;
use chrono::Utc;
use newsdesk::{auth, db};

use crate::helpers::{Page, TestApp};

pub const PASSWORD: &str = "a long enough password";

/// An editor's browser, signed in.
pub struct EditorSession<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    /// Creates an editor account directly in the store; returns its id.
    pub async fn create_editor(&self, username: &str) -> i64 {
        let mut conn = self.room.db.acquire().await.unwrap();
        let hash = auth::hash_password(PASSWORD).unwrap();
        db::editors::insert(&mut conn, username, &hash, Utc::now())
            .await
            .unwrap()
            .expect("new username")
    }

    /// The login form's CSRF cookie and token, as a browser gets them.
    pub async fn login_form(&self) -> (String, String) {
        let page = self.get_page("/admin/login").await;
        let cookie = set_cookie(&page, "newsdesk_login_csrf").expect("login CSRF cookie");
        let token = page.attrs("input[name=csrf_token]", "value").remove(0);
        (cookie, token)
    }

    /// Submits the sign-in form.
    pub async fn post_login(&self, username: &str, password: &str) -> Page {
        self.post_login_via(username, password, None).await
    }

    /// Submits the sign-in form through a proxy that says it came from `forwarded_for`.
    pub async fn post_login_via(
        &self,
        username: &str,
        password: &str,
        forwarded_for: Option<&str>,
    ) -> Page {
        let (cookie, token) = self.login_form().await;
        let mut headers = vec![("Cookie", cookie.as_str())];
        headers.extend(forwarded_for.map(|address| ("X-Forwarded-For", address)));
        let fields = [
            ("username", username),
            ("password", password),
            ("csrf_token", &token),
            ("next", "/admin"),
        ];
        self.post_form_with("/admin/login", &headers, &fields).await
    }

    /// Creates an editor and signs in as them.
    pub async fn sign_in(&self, username: &str) -> EditorSession<'_> {
        self.create_editor(username).await;
        self.sign_in_again(username).await
    }

    /// Signs in as an editor who already exists.
    pub async fn sign_in_again(&self, username: &str) -> EditorSession<'_> {
        let page = self.post_login(username, PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let cookie = set_cookie(&page, "newsdesk_session").expect("session cookie");
        let desk = self.get_with("/admin", &[("Cookie", &cookie)]).await;
        let csrf = desk.attrs("input[name=csrf_token]", "value").remove(0);
        EditorSession {
            app: self,
            cookie,
            csrf,
        }
    }
}

/// `name=value` of a cookie the response sets.
pub fn set_cookie(page: &Page, name: &str) -> Option<String> {
    page.headers
        .get_all("set-cookie")
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

impl EditorSession<'_> {
    pub async fn get(&self, path: &str) -> Page {
        self.app.get_with(path, &[("Cookie", &self.cookie)]).await
    }

    /// Posts a form with this session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all = fields.to_vec();
        all.push(("csrf_token", &self.csrf));
        self.app.post_form(path, &self.cookie, &all).await
    }

    /// Creates a story through the form and returns its slug.
    pub async fn create_story(&self, headline: &str, body: &str) -> String {
        let fields = [
            ("headline", headline),
            ("standfirst", "Standfirst."),
            ("body", body),
            ("topics", "Doctors' strike"),
            ("byline", "Desk"),
            ("status", "published"),
            ("live", "none"),
            ("action", "save"),
        ];
        let page = self.post("/admin/stories/new", &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let location = page.header("location").unwrap();
        location.trim_start_matches("/admin/stories/").to_owned()
    }

    /// Publishes an update through the story's desk form.
    pub async fn publish_update(&self, slug: &str, fields: &[(&str, &str)]) -> Page {
        self.post(&format!("/admin/stories/{slug}/updates"), fields)
            .await
    }
}
