//! `TestApp`: the very server `newsdesk serve` runs, on a random port and a
//! temporary database, with helpers named after what a test wants to do.

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use awc::http::StatusCode;
use newsdesk::Newsroom;
use newsdesk::config::Config;
use newsdesk::import::{ImportError, ImportReport, import_dir};
use scraper::{Html, Selector};
use tempfile::TempDir;

use crate::config::test_config;

pub struct TestApp {
    pub address: String,
    pub room: Newsroom,
    /// Holds the database file; removed when the test ends.
    _dir: TempDir,
    client: awc::Client,
}

/// A fetched page.
pub struct Page {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// Trimmed text of every element matching `selector`.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// Values of `attribute` on every element matching `selector`.
    pub fn attrs(&self, selector: &str, attribute: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&selector)
            .filter_map(|e| e.value().attr(attribute).map(str::to_owned))
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

/// The demo content shipped in `content/`.
pub fn demo_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

impl TestApp {
    /// The app on an empty database.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// The app on an empty database, its settings changed by `configure` first.
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        let address = format!("http://{}", listener.local_addr().unwrap());
        let mut config = test_config(dir.path(), "test.db");
        config.bind = listener.local_addr().unwrap().to_string();
        configure(&mut config);
        crate::statement_log::install(std::env::var_os(crate::statement_log::LOG_VARIABLE));
        let room = Newsroom::open(&config).await.expect("database opens");
        let server = newsdesk::http_server(room.clone(), listener).expect("server starts");
        actix_web::rt::spawn(server);
        let client = awc::Client::builder().disable_redirects().finish();
        TestApp {
            address,
            room,
            _dir: dir,
            client,
        }
    }

    /// A second server on this app's database with the page cache off
    /// (every request rendered afresh): what the cached app must answer.
    /// Built with the default settings of [`TestApp::spawn`].
    pub async fn uncached_twin(&self) -> TestApp {
        let database = self.database_url();
        TestApp::spawn_with(|config| {
            config.database = database;
            config.page_cache_mib = 0;
        })
        .await
    }

    /// A GET and how many pages the page cache rendered for it: 0 for a
    /// hit, 1 for a miss (and for every answer it does not keep, like a 404).
    pub async fn get_counting_renders(&self, path: &str) -> (Page, u64) {
        let before = self.room.pages.renders();
        let page = self.get_page(path).await;
        (page, self.room.pages.renders() - before)
    }

    /// The app with the demo strike coverage imported.
    pub async fn with_demo_content() -> TestApp {
        let app = TestApp::spawn().await;
        app.import_at_start(&demo_content()).await;
        app
    }

    /// Imports `dir` as `newsdesk serve` does before it serves: nobody is
    /// told of the changes, since nobody is reading yet.
    pub async fn import_at_start(&self, dir: &Path) {
        import_dir(
            &self.room.db,
            &self.room.media,
            dir,
            &self.room.site_url,
            false,
            self.room.clock.now(),
        )
        .await
        .expect("content imports");
        self.room.after_commit.skip_backlog().await.unwrap();
    }

    /// Imports `dir` as `newsdesk import` does, then lets the after-commit
    /// module handle it at once (the server would within a second).
    pub async fn import(&self, dir: &Path) -> Result<ImportReport, ImportError> {
        let report = import_dir(
            &self.room.db,
            &self.room.media,
            dir,
            &self.room.site_url,
            false,
            self.room.clock.now(),
        )
        .await;
        self.room.after_commit.catch_up().await;
        report
    }

    /// The database URL, for running the `newsdesk` binary against it.
    pub fn database_url(&self) -> String {
        format!("sqlite://{}", self._dir.path().join("test.db").display())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The status of a GET, or `None` when nothing answers (yet).
    pub async fn try_get(&self, path: &str) -> Option<StatusCode> {
        self.client
            .get(self.url(path))
            .send()
            .await
            .ok()
            .map(|r| r.status())
    }

    pub async fn get_page(&self, path: &str) -> Page {
        self.get_with(path, &[]).await
    }

    /// GET with extra request headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        read_page(request.send().await.expect("request sent")).await
    }
}

impl TestApp {
    /// POSTs a urlencoded form with a cookie header.
    pub async fn post_form(&self, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Page {
        self.post_form_with(path, &[("Cookie", cookie)], fields)
            .await
    }

    /// POSTs a urlencoded form with extra request headers.
    pub async fn post_form_with(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        fields: &[(&str, &str)],
    ) -> Page {
        let mut request = self.client.post(self.url(path));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        read_page(request.send_form(&fields).await.expect("request sent")).await
    }
}

impl TestApp {
    /// POSTs a `multipart/form-data` form as a browser does: text `fields`,
    /// then `files` as (field, file name, content type, bytes).
    pub async fn post_multipart(
        &self,
        path: &str,
        cookie: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> Page {
        const BOUNDARY: &str = "----newsdeskTestBoundary7MA4YWxkTrZu0gW";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, file_name, content_type, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                     filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        // A photo is processed before the answer (three widths, two
        // formats): seconds in a debug build on a busy machine, more than
        // the client's default 5 s.
        let client = awc::Client::builder()
            .disable_redirects()
            .timeout(std::time::Duration::from_secs(60))
            .finish();
        let request = client
            .post(self.url(path))
            .insert_header(("Cookie", cookie))
            .insert_header((
                "Content-Type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            ));
        read_page(request.send_body(body).await.expect("request sent")).await
    }
}

async fn read_page<S>(response: awc::ClientResponse<S>) -> Page
where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>> + Unpin,
{
    let raw = read_body(response).await;
    Page {
        status: raw.status,
        headers: raw.headers,
        body: String::from_utf8(raw.body).expect("utf-8 body"),
    }
}

/// Reads a response's body as bytes, up to 64 MiB.
async fn read_body<S>(mut response: awc::ClientResponse<S>) -> RawResponse
where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>> + Unpin,
{
    let body = response
        .body()
        .limit(64 * 1024 * 1024)
        .await
        .expect("body read");
    RawResponse {
        status: response.status(),
        headers: response.headers().clone(),
        body: body.to_vec(),
    }
}

/// Writes `files` (name, text) into a new directory for an import test.
pub fn content_dir(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write content file");
    }
    dir
}

/// A minimal valid story file.
pub fn story_file(headline: &str, body: &str) -> String {
    format!(
        "+++\nheadline = \"{headline}\"\nstandfirst = \"Standfirst.\"\nbyline = \"Desk\"\n\
         topics = [\"Doctors' strike\"]\npublished = 2016-01-12T07:30:00Z\n+++\n{body}\n"
    )
}

/// A story as typed into the desk's form: filed under `topics`, `status` "published" or "draft".
pub fn story_input(headline: &str, topics: &[&str], status: &str) -> newsdesk::domain::StoryInput {
    newsdesk::domain::StoryInput {
        headline: headline.into(),
        standfirst: "Standfirst.".into(),
        byline: "Desk".into(),
        body: "Body.".into(),
        topics: topics.iter().map(|t| (*t).to_owned()).collect(),
        status: status.into(),
        live: "none".into(),
        ..Default::default()
    }
}

/// A plain live update by "Live desk", ready to adjust with struct update syntax.
pub fn plain_update(body: &str) -> newsdesk::domain::UpdateInput {
    newsdesk::domain::UpdateInput {
        body: body.into(),
        kind: "update".into(),
        author: "Live desk".into(),
        ..Default::default()
    }
}

impl TestApp {
    /// A stored story, by slug.
    pub async fn story(&self, slug: &str) -> newsdesk::db::stories::StoryRow {
        let mut conn = self.room.db.acquire().await.unwrap();
        newsdesk::db::stories::find_by_slug(&mut conn, slug)
            .await
            .unwrap()
            .expect("story exists")
    }

    /// Publishes an update through the same functions the desk uses; returns its id.
    pub async fn publish(
        &self,
        slug: &str,
        update: newsdesk::domain::UpdateInput,
        posted_at: chrono::DateTime<chrono::Utc>,
    ) -> i64 {
        let draft = update.validate().expect("a valid update");
        self.publish_draft(slug, &draft, posted_at).await
    }

    /// Publishes a plain update without the desk's field checks, as data
    /// stored before those checks existed could be; returns its id.
    pub async fn publish_unchecked(
        &self,
        slug: &str,
        body: &str,
        posted_at: chrono::DateTime<chrono::Utc>,
    ) -> i64 {
        let draft = newsdesk::domain::UpdateDraft {
            body_md: body.to_owned(),
            details: newsdesk::domain::KindDetails::Update,
            author: "Live desk".to_owned(),
            key_event: false,
        };
        self.publish_draft(slug, &draft, posted_at).await
    }

    async fn publish_draft(
        &self,
        slug: &str,
        draft: &newsdesk::domain::UpdateDraft,
        posted_at: chrono::DateTime<chrono::Utc>,
    ) -> i64 {
        let story = self.story(slug).await;
        let (id, committed) = newsdesk::publishing::publish_update(
            &self.room.db,
            story.id,
            draft,
            posted_at,
            None,
            &self.room.site_url,
        )
        .await
        .expect("published")
        .expect("no missing READ MORE target");
        self.room.after_commit.committed(Some(committed)).await;
        id
    }

    /// The cursor of the story's latest change: the SSE `id:` a page last got.
    pub async fn cursor(&self, slug: &str) -> i64 {
        let story = self.story(slug).await;
        let mut conn = self.room.db.acquire().await.unwrap();
        newsdesk::db::live_changes::latest(&mut conn, story.id)
            .await
            .unwrap()
    }
}

/// The desk's writes, through the very functions its handlers call, each
/// followed by the after-commit module as the handlers do.
impl TestApp {
    /// Creates a published story with no updates, as an editor at the desk; returns its slug.
    pub async fn create_story(&self, headline: &str, editor: i64) -> String {
        let input = newsdesk::domain::StoryInput {
            headline: headline.into(),
            standfirst: "Standfirst.".into(),
            byline: "Desk".into(),
            body: "Body.".into(),
            status: "published".into(),
            live: "none".into(),
            ..Default::default()
        };
        self.save_story(input, editor).await
    }

    /// Saves a new story as typed into the desk's form; returns its slug.
    pub async fn save_story(&self, input: newsdesk::domain::StoryInput, editor: i64) -> String {
        let draft = input.validate().expect("a valid story");
        let committed = newsdesk::publishing::save_story(
            &self.room.db,
            &draft,
            None,
            editor,
            chrono::Utc::now(),
            &self.room.site_url,
        )
        .await
        .expect("saved")
        .expect("not refused");
        self.room.after_commit.committed(Some(committed)).await;
        draft.slug.to_string()
    }

    /// Saves story `slug` again as typed into the desk's form over its
    /// current version (`input.slug` is set to `slug`).
    pub async fn resave_story(&self, slug: &str, input: newsdesk::domain::StoryInput, editor: i64) {
        let current = self.story(slug).await;
        let input = newsdesk::domain::StoryInput {
            slug: slug.into(),
            ..input
        };
        let draft = input.validate().expect("a valid story");
        let committed = newsdesk::publishing::save_story(
            &self.room.db,
            &draft,
            Some(current.version),
            editor,
            chrono::Utc::now(),
            &self.room.site_url,
        )
        .await
        .expect("saved")
        .expect("not refused");
        self.room.after_commit.committed(Some(committed)).await;
    }

    /// Corrects update `id` of story `slug` to `body`, keeping its time.
    pub async fn edit(&self, slug: &str, id: i64, body: &str, editor: i64) {
        let story = self.story(slug).await;
        let posted_at = {
            let mut conn = self.room.db.acquire().await.unwrap();
            newsdesk::db::updates::find_live(&mut conn, story.id, id)
                .await
                .unwrap()
                .expect("a live update to edit")
                .posted_at
        };
        let draft = plain_update(body).validate().expect("a valid update");
        let committed = newsdesk::publishing::edit_update(
            &self.room.db,
            story.id,
            id,
            &draft,
            posted_at,
            editor,
            chrono::Utc::now(),
            &self.room.site_url,
        )
        .await
        .expect("edited")
        .expect("no missing READ MORE target");
        self.room.after_commit.committed(Some(committed)).await;
    }

    /// Deletes update `id` of story `slug`.
    pub async fn delete(&self, slug: &str, id: i64, editor: i64) {
        let story = self.story(slug).await;
        let committed = newsdesk::publishing::delete_update(
            &self.room.db,
            &story,
            id,
            editor,
            chrono::Utc::now(),
        )
        .await
        .expect("deleted");
        self.room.after_commit.committed(committed).await;
    }

    /// Pins update `id` (or unpins, with `None`).
    pub async fn pin(&self, slug: &str, id: Option<i64>, editor: i64) {
        let story = self.story(slug).await;
        let committed =
            newsdesk::publishing::pin_update(&self.room.db, &story, id, editor, chrono::Utc::now())
                .await
                .expect("pinned");
        self.room.after_commit.committed(Some(committed)).await;
    }

    /// Ends the story's live coverage.
    pub async fn end_live(&self, slug: &str, editor: i64) {
        let story = self.story(slug).await;
        let committed = newsdesk::publishing::end_live_coverage(
            &self.room.db,
            &story,
            editor,
            chrono::Utc::now(),
        )
        .await
        .expect("ended");
        self.room.after_commit.committed(Some(committed)).await;
    }
}

/// A response read as bytes: media files are not text.
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// The body decoded from its `Content-Encoding` (br, gzip or none),
    /// by the crates newsdesk encodes with.
    pub fn decoded(&self) -> Vec<u8> {
        let mut decoded = Vec::new();
        match self.header("content-encoding").as_deref() {
            Some("br") => {
                brotli::BrotliDecompress(&mut &self.body[..], &mut decoded).expect("valid brotli");
            }
            Some("gzip") => {
                std::io::Read::read_to_end(
                    &mut flate2::read::GzDecoder::new(&self.body[..]),
                    &mut decoded,
                )
                .expect("valid gzip");
            }
            None | Some("identity") => decoded.clone_from(&self.body),
            Some(other) => panic!("unexpected Content-Encoding {other}"),
        }
        decoded
    }
}

impl TestApp {
    /// GET with extra request headers, the body kept as bytes (gzip decoded
    /// by the client, as a browser would).
    pub async fn get_raw(&self, path: &str, headers: &[(&str, &str)]) -> RawResponse {
        read_raw(self.get_request(path, headers)).await
    }

    /// GET with extra request headers, the body kept as sent: compressed
    /// when the response says so (see [`RawResponse::decoded`]).
    pub async fn get_encoded(&self, path: &str, headers: &[(&str, &str)]) -> RawResponse {
        read_raw(self.get_request(path, headers).no_decompress()).await
    }

    fn get_request(&self, path: &str, headers: &[(&str, &str)]) -> awc::ClientRequest {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        request
    }
}

/// Sends `request` and reads the response's body as bytes.
pub async fn read_raw(request: awc::ClientRequest) -> RawResponse {
    read_body(request.send().await.expect("request sent")).await
}
