//! Command-line flags and environment variables, in one documented `Config`.

use std::path::PathBuf;

use crate::proxies::IpRange;
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

    /// Directory of uploaded photos and videos, created at start. Its files
    /// are named by their content and never change or go away, so any copy
    /// of it is a good one; `newsdesk backup` copies it beside the database.
    #[arg(long, env = "NEWSDESK_MEDIA", default_value = "media", global = true)]
    pub media: PathBuf,

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

    /// Reverse proxies in front (addresses or CIDR ranges, comma-separated
    /// or the flag repeated: a load balancer pool), whose `X-Forwarded-For`
    /// names the real client for the sign-in throttle and the live-stream
    /// limits: the right-most address in it that is not itself one of these.
    /// None by default; the header is believed from these peers only.
    #[arg(
        long,
        env = "NEWSDESK_TRUSTED_PROXY",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxy: Vec<IpRange>,

    /// Live streams (`/news/{slug}/events`) one client address (an IPv6
    /// client's /64) may hold open at once; 0 turns the limit off, as a
    /// benchmark whose clients all share 127.0.0.1 needs. 32 leaves a
    /// household or small office behind one NAT address a few tabs per
    /// device while one machine cannot take every stream for itself.
    #[arg(
        long,
        env = "NEWSDESK_MAX_STREAMS_PER_ADDRESS",
        default_value_t = 32,
        global = true
    )]
    pub max_streams_per_address: usize,

    /// Live streams open at once in total (0: no bound); beyond it a page
    /// polls instead.
    /// [default: the process's open-file limit less room for the database,
    /// the media files and ordinary requests, read at start and logged].
    #[arg(long, env = "NEWSDESK_MAX_STREAMS", global = true)]
    pub max_streams: Option<usize>,

    /// An HTTP cache in front to purge after every write (an http:// URL,
    /// repeatable or comma-separated): newsdesk sends it `PURGE /` with an
    /// `xkey` header naming the surrogate keys that changed (Varnish's
    /// vmod_xkey; see `deploy/varnish.vcl`).
    #[arg(long, env = "NEWSDESK_PURGE_URL", value_delimiter = ',', global = true)]
    pub purge_url: Vec<String>,

    /// Seconds a shared cache in front may keep pages, feeds and data
    /// (`s-maxage`); browsers always revalidate. Safe only when every write
    /// reaches that cache as a purge, so 0 (tell it nothing) unless a
    /// `--purge-url` is given
    /// [default: 3600 with a --purge-url, else 0].
    #[arg(long, env = "NEWSDESK_SHARED_MAX_AGE", global = true)]
    pub shared_max_age: Option<u64>,

    /// A GRIP proxy holding the live streams (Pushpin, Fastly Fanout), as
    /// the GRIP libraries write it: its publish endpoint and the key that
    /// signs its `Grip-Sig`, e.g.
    /// `http://127.0.0.1:5561/?iss=pushpin&key=SECRET` (`key=base64:...`
    /// for a binary key). Streams requested through it are held there, and
    /// every change is published to it.
    #[arg(long, env = "NEWSDESK_GRIP_URL", global = true)]
    pub grip_url: Option<String>,

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

    /// Stories per sitemap page (`/sitemap-{n}.xml`): the protocol's limit.
    /// Not a flag: nothing but a test needs another.
    #[arg(skip = SITEMAP_PAGE_URLS)]
    pub sitemap_page_urls: i64,
}

/// The sitemap protocol's limit of URLs in one sitemap file.
pub const SITEMAP_PAGE_URLS: i64 = 50_000;

impl Config {
    /// Seconds shared caches may keep responses (`--shared-max-age`).
    pub fn shared_max_age(&self) -> u64 {
        self.shared_max_age
            .unwrap_or(if self.purge_url.is_empty() { 0 } else { 3600 })
    }

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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    #[test]
    fn trusted_proxies_are_a_comma_separated_or_repeated_list() {
        let cli = Cli::try_parse_from([
            "newsdesk",
            "--trusted-proxy",
            "10.0.0.0/8,127.0.0.1",
            "--trusted-proxy",
            "fd00::/8",
        ])
        .unwrap();
        let expected: Vec<IpRange> = ["10.0.0.0/8", "127.0.0.1", "fd00::/8"]
            .iter()
            .map(|r| r.parse().unwrap())
            .collect();
        assert_eq!(cli.config.trusted_proxy, expected);
        assert!(Cli::try_parse_from(["newsdesk", "--trusted-proxy", "proxy.lan"]).is_err());
    }
}
