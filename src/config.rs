//! Command-line flags and environment variables, in one documented `Config`.

use std::path::PathBuf;

use crate::site::Site;

/// The name of the newsroom newsdesk was first built for.
pub const DEFAULT_SITE_NAME: &str = "Calder Valley Courier";
/// What that newsroom covers.
pub const DEFAULT_SITE_DESCRIPTION: &str =
    "The latest news from Huddersfield, Halifax and the Calder Valley.";

/// Settings every command shares; each flag can also come from its environment
/// variable (the flag wins).
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address and port to serve HTTP on. Loopback by default: put a reverse
    /// proxy in front to publish the site.
    #[arg(
        long,
        env = "NEWSDESK_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,

    /// SQLite database URL; the file is created if missing.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://newsdesk.db",
        global = true
    )]
    pub database: String,

    /// Directory of Markdown stories imported at start (and by `import`).
    #[arg(
        long,
        env = "NEWSDESK_CONTENT",
        default_value = "content",
        global = true
    )]
    pub content: PathBuf,

    /// Public base URL used for absolute links in feeds, sitemaps and meta tags
    /// [default: http://<bind>].
    #[arg(long, env = "NEWSDESK_SITE_URL", global = true)]
    pub site_url: Option<String>,

    /// The publication's name: page titles, masthead, feeds, the news sitemap
    /// and structured data. Defaults to the newsroom newsdesk was first built
    /// for, so an install that sets nothing looks as it always did.
    #[arg(
        long,
        env = "NEWSDESK_SITE_NAME",
        default_value = DEFAULT_SITE_NAME,
        global = true
    )]
    pub site_name: String,

    /// One sentence on what the site covers: the front page's meta
    /// description, the site feeds' description and the footer. Defaults to
    /// that same newsroom's, for the same reason as `--site-name`.
    #[arg(
        long,
        env = "NEWSDESK_SITE_DESCRIPTION",
        default_value = DEFAULT_SITE_DESCRIPTION,
        global = true
    )]
    pub site_description: String,

    /// WebSub hub (an http:// URL) that feeds advertise and that every publish
    /// pings, so subscribers hear of a live update at once instead of at their
    /// next poll. Off by default: pinging a hub is a choice of the operator.
    #[arg(long, env = "NEWSDESK_WEBSUB_HUB", global = true)]
    pub websub_hub: Option<String>,

    /// Address of the reverse proxy in front, whose `X-Forwarded-For` names
    /// the real client (for the per-address sign-in throttle). Off by default:
    /// the header is trusted from that address only, never from anyone else.
    #[arg(long, env = "NEWSDESK_TRUSTED_PROXY", global = true)]
    pub trusted_proxy: Option<std::net::IpAddr>,

    /// Memory for rendered pages kept between writes, in MiB (0 turns the
    /// page cache off). 128 MiB holds tens of thousands of story pages, far
    /// more than a news site's readers ask for between two updates.
    #[arg(
        long,
        env = "NEWSDESK_PAGE_CACHE_MIB",
        default_value_t = 128,
        global = true
    )]
    pub page_cache_mib: u64,

    /// How long an editor stays signed in, in seconds: a working shift
    /// (12 hours). After it the editor signs in again and gets back whatever
    /// form they were sending. Hidden: tests shorten it to see expiry happen
    /// in a real browser.
    #[arg(
        long,
        env = "NEWSDESK_SESSION_SECONDS",
        default_value_t = 12 * 3600,
        hide = true,
        global = true
    )]
    pub session_seconds: i64,
}

impl Config {
    /// The page cache's bound in bytes.
    pub fn page_cache_bytes(&self) -> u64 {
        self.page_cache_mib * 1024 * 1024
    }

    /// The publication's identity, as pages and feeds show it.
    pub fn site(&self) -> Site {
        Site {
            name: self.site_name.clone(),
            description: self.site_description.clone(),
        }
    }

    /// The public base URL without a trailing slash.
    pub fn site_url(&self) -> String {
        match &self.site_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }
}
