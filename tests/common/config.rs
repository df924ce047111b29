//! The settings every test server starts from: a fresh database and media
//! directory inside the test's own temporary directory, no content to import,
//! every limit that would get in a test's way off. Tests change what they
//! exercise on top of it, so a new setting is added here once.

use std::path::Path;

use newsdesk::config::{self, Config};

/// Settings for a server whose files live in `dir`, its database named `database_file`.
pub fn test_config(dir: &Path, database_file: &str) -> Config {
    Config {
        bind: "127.0.0.1:0".into(),
        database: format!("sqlite://{}", dir.join(database_file).display()),
        content: dir.join("no-content"),
        media: dir.join("media"),
        site_url: Some("https://news.example".into()),
        site_name: config::DEFAULT_SITE_NAME.into(),
        site_description: config::DEFAULT_SITE_DESCRIPTION.into(),
        websub_hub: None,
        trusted_proxy: Vec::new(),
        max_streams_per_address: 0,
        max_streams: Some(0),
        page_cache_mib: 16,
        session_seconds: 12 * 3600,
        purge_url: Vec::new(),
        shared_max_age: None,
        grip_url: None,
        sitemap_page_urls: config::SITEMAP_PAGE_URLS,
    }
}
