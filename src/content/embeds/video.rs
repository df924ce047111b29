//! Which video an address names: YouTube and Vimeo addresses as editors
//! paste them, recognised by their shape alone (no request to either site).
//! Only the provider, an id that passed a strict check, a start time and
//! Vimeo's privacy hash are kept: every address the site writes is rebuilt
//! from them, so nothing else an author typed reaches the page.

use url::Url;

/// A site whose videos play in a click-to-load frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    YouTube,
    Vimeo,
}

impl Provider {
    /// The site's name, as readers know it.
    pub fn name(self) -> &'static str {
        match self {
            Provider::YouTube => "YouTube",
            Provider::Vimeo => "Vimeo",
        }
    }

    /// The value of `data-video-provider`, which `static/embeds.js` reads.
    pub fn key(self) -> &'static str {
        match self {
            Provider::YouTube => "youtube",
            Provider::Vimeo => "vimeo",
        }
    }

    /// The origin of its privacy-enhanced player: the only frames a page
    /// with videos may load (`crate::csp`).
    pub fn player_origin(self) -> &'static str {
        match self {
            Provider::YouTube => "https://www.youtube-nocookie.com",
            Provider::Vimeo => "https://player.vimeo.com",
        }
    }

    /// Every provider.
    pub const ALL: [Provider; 2] = [Provider::YouTube, Provider::Vimeo];
}

/// A video on YouTube or Vimeo, its id checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Video {
    pub provider: Provider,
    /// YouTube: 11 of `[A-Za-z0-9_-]`; Vimeo: 1 to 12 digits.
    id: String,
    /// Where to start playing, in seconds.
    start: Option<u32>,
    /// An unlisted Vimeo video's hash (hex), which its player needs.
    hash: Option<String>,
}

/// Longest address looked at: an editor's paste, not a document.
const MAX_URL_BYTES: usize = 2048;

/// The latest start time honoured, in seconds (a day): beyond it the
/// address is still a video, played from the beginning.
const MAX_START_SECONDS: u32 = 24 * 3600;

impl Video {
    /// The video `text` is the address of, if it is one: an `http(s)` URL
    /// with nothing around it, on exactly one of the providers' hosts (no
    /// user name, no port), in one of their video address shapes.
    pub fn from_url(text: &str) -> Option<Video> {
        let url = parse_web_url(text)?;
        let host = url.host_str()?;
        let segments: Vec<&str> = url
            .path_segments()?
            .filter(|segment| !segment.is_empty())
            .collect();
        match host {
            "youtu.be" => match segments[..] {
                [id] => youtube(id, &url),
                _ => None,
            },
            "youtube.com" | "www.youtube.com" | "m.youtube.com" => match segments[..] {
                ["watch"] => youtube(&query(&url, "v")?, &url),
                ["shorts" | "live" | "embed", id] => youtube(id, &url),
                _ => None,
            },
            "youtube-nocookie.com" | "www.youtube-nocookie.com" => match segments[..] {
                ["embed", id] => youtube(id, &url),
                _ => None,
            },
            "vimeo.com" | "www.vimeo.com" => match segments[..] {
                [id] | ["channels", _, id] | ["groups", _, "videos", id] => vimeo(id, None, &url),
                [id, hash] => vimeo(id, Some(hash.to_owned()), &url),
                _ => None,
            },
            "player.vimeo.com" => match segments[..] {
                ["video", id] => vimeo(id, query(&url, "h"), &url),
                _ => None,
            },
            _ => None,
        }
    }

    /// The checked id (`data-video-id`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Where to start, in seconds (`data-video-start`).
    pub fn start(&self) -> Option<u32> {
        self.start
    }

    /// An unlisted Vimeo video's hash (`data-video-hash`).
    pub fn hash(&self) -> Option<&str> {
        self.hash.as_deref()
    }

    /// The video's page on its own site: where a reader without JavaScript goes.
    pub fn watch_url(&self) -> String {
        match self.provider {
            Provider::YouTube => {
                let start = self.start.map(|s| format!("&t={s}s")).unwrap_or_default();
                format!("https://www.youtube.com/watch?v={}{start}", self.id)
            }
            Provider::Vimeo => {
                let hash = self
                    .hash
                    .as_ref()
                    .map(|h| format!("/{h}"))
                    .unwrap_or_default();
                let start = self.start.map(|s| format!("#t={s}s")).unwrap_or_default();
                format!("https://vimeo.com/{}{hash}{start}", self.id)
            }
        }
    }

    /// The privacy-enhanced player's address, as `static/embeds.js` builds
    /// it from the facade's data attributes when the reader presses play.
    pub fn player_url(&self) -> String {
        let origin = self.provider.player_origin();
        match self.provider {
            Provider::YouTube => {
                let start = self
                    .start
                    .map(|s| format!("&start={s}"))
                    .unwrap_or_default();
                format!("{origin}/embed/{}?autoplay=1{start}", self.id)
            }
            Provider::Vimeo => {
                let hash = self
                    .hash
                    .as_ref()
                    .map(|h| format!("&h={h}"))
                    .unwrap_or_default();
                let start = self.start.map(|s| format!("#t={s}s")).unwrap_or_default();
                format!("{origin}/video/{}?dnt=1&autoplay=1{hash}{start}", self.id)
            }
        }
    }
}

/// `text` as an `http`/`https` URL, if it is one as an editor pastes it:
/// starting with the scheme, no whitespace or control characters, no user
/// name or password, no port.
pub(super) fn parse_web_url(text: &str) -> Option<Url> {
    let text = text.trim();
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    let scheme_first = lower.starts_with("https://") || lower.starts_with("http://");
    if !scheme_first
        || text.len() > MAX_URL_BYTES
        || text.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let url = Url::parse(text).ok()?;
    let plain = matches!(url.scheme(), "http" | "https")
        && url.username().is_empty()
        && url.password().is_none()
        && url.port().is_none();
    plain.then_some(url)
}

/// The first value of query parameter `name`, percent-decoded.
pub(super) fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// A YouTube id is 11 characters of the URL-safe base64 alphabet.
pub fn is_youtube_id(id: &str) -> bool {
    id.len() == 11
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A Vimeo id is a number: 1 to 12 digits.
pub fn is_vimeo_id(id: &str) -> bool {
    (1..=12).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

/// An unlisted Vimeo video's hash: 6 to 20 lowercase hex digits.
pub fn is_vimeo_hash(hash: &str) -> bool {
    (6..=20).contains(&hash.len())
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn youtube(id: &str, url: &Url) -> Option<Video> {
    is_youtube_id(id).then(|| Video {
        provider: Provider::YouTube,
        id: id.to_owned(),
        start: query(url, "t")
            .or_else(|| query(url, "start"))
            .and_then(|t| seconds(&t)),
        hash: None,
    })
}

fn vimeo(id: &str, hash: Option<String>, url: &Url) -> Option<Video> {
    if !is_vimeo_id(id) || hash.as_deref().is_some_and(|h| !is_vimeo_hash(h)) {
        return None;
    }
    let start = url
        .fragment()
        .and_then(|f| f.strip_prefix("t="))
        .and_then(seconds);
    Some(Video {
        provider: Provider::Vimeo,
        id: id.to_owned(),
        start,
        hash,
    })
}

/// A start time as the sites write it: `90`, `90s`, `1m30s`, `1h2m3s`;
/// `None` for anything else, zero, or more than a day.
pub(super) fn seconds(text: &str) -> Option<u32> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse()
            .ok()
            .filter(|s| (1..=MAX_START_SECONDS).contains(s));
    }
    let mut total: u32 = 0;
    let mut number = String::new();
    for c in text.chars() {
        match c {
            '0'..='9' if number.len() < 6 => number.push(c),
            'h' | 'm' | 's' if !number.is_empty() => {
                let unit = match c {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                total = total.checked_add(number.parse::<u32>().ok()?.checked_mul(unit)?)?;
                number.clear();
            }
            _ => return None,
        }
    }
    (number.is_empty() && (1..=MAX_START_SECONDS).contains(&total)).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "dQw4w9WgXcQ";

    fn youtube_id(url: &str) -> Option<String> {
        Video::from_url(url)
            .filter(|v| v.provider == Provider::YouTube)
            .map(|v| v.id)
    }

    #[test]
    fn youtube_addresses_as_editors_paste_them() {
        for url in [
            format!("https://www.youtube.com/watch?v={ID}"),
            format!("https://youtube.com/watch?v={ID}&feature=share"),
            format!("https://m.youtube.com/watch?feature=x&v={ID}"),
            format!("http://www.youtube.com/watch?v={ID}"),
            format!("HTTPS://WWW.YOUTUBE.COM/watch?v={ID}"),
            format!("https://youtu.be/{ID}"),
            format!("https://youtu.be/{ID}?si=abc"),
            format!("https://www.youtube.com/shorts/{ID}"),
            format!("https://www.youtube.com/live/{ID}?feature=shared"),
            format!("https://www.youtube.com/embed/{ID}"),
            format!("https://www.youtube-nocookie.com/embed/{ID}"),
            format!("  https://youtu.be/{ID}/  "),
        ] {
            assert_eq!(youtube_id(&url).as_deref(), Some(ID), "{url}");
        }
    }

    #[test]
    fn vimeo_addresses_as_editors_paste_them() {
        let cases = [
            ("https://vimeo.com/76979871", None),
            ("https://www.vimeo.com/76979871/", None),
            ("https://vimeo.com/channels/staffpicks/76979871", None),
            ("https://vimeo.com/groups/shortfilms/videos/76979871", None),
            ("https://vimeo.com/76979871/abcdef1234", Some("abcdef1234")),
            (
                "https://player.vimeo.com/video/76979871?h=abcdef1234",
                Some("abcdef1234"),
            ),
        ];
        for (url, hash) in cases {
            let video = Video::from_url(url).unwrap_or_else(|| panic!("{url}"));
            assert_eq!((video.provider, video.id()), (Provider::Vimeo, "76979871"));
            assert_eq!(video.hash(), hash, "{url}");
        }
    }

    #[test]
    fn start_times_are_honoured_in_the_sites_own_notations() {
        let start = |url: &str| Video::from_url(url).and_then(|v| v.start());
        assert_eq!(start(&format!("https://youtu.be/{ID}?t=42")), Some(42));
        assert_eq!(start(&format!("https://youtu.be/{ID}?t=1m30s")), Some(90));
        assert_eq!(
            start(&format!("https://www.youtube.com/watch?v={ID}&t=1h2m3s")),
            Some(3723)
        );
        assert_eq!(
            start(&format!("https://www.youtube.com/embed/{ID}?start=15")),
            Some(15)
        );
        assert_eq!(start("https://vimeo.com/76979871#t=65s"), Some(65));
        // Nonsense times leave the video, played from the start.
        for odd in ["-5", "1x", "99999999", "0", "1m1m1m1m1m1m1m1m1m1m9999999h"] {
            let url = format!("https://youtu.be/{ID}?t={odd}");
            assert_eq!(youtube_id(&url).as_deref(), Some(ID), "{url}");
            assert_eq!(start(&url), None, "{url}");
        }
    }

    #[test]
    fn addresses_are_rebuilt_from_the_checked_parts() {
        let video = Video::from_url(&format!("https://youtu.be/{ID}?t=42&si=track")).unwrap();
        assert_eq!(
            video.watch_url(),
            format!("https://www.youtube.com/watch?v={ID}&t=42s")
        );
        assert_eq!(
            video.player_url(),
            format!("https://www.youtube-nocookie.com/embed/{ID}?autoplay=1&start=42")
        );
        let video = Video::from_url("https://vimeo.com/76979871/abcdef1234#t=5s").unwrap();
        assert_eq!(
            video.watch_url(),
            "https://vimeo.com/76979871/abcdef1234#t=5s"
        );
        assert_eq!(
            video.player_url(),
            "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1&h=abcdef1234#t=5s"
        );
    }

    #[test]
    fn hostile_and_lookalike_addresses_are_not_videos() {
        for url in [
            format!("javascript:alert(1)//https://youtu.be/{ID}"),
            format!("javascript://www.youtube.com/watch?v={ID}"),
            format!("data:text/html,https://youtu.be/{ID}"),
            format!("//www.youtube.com/watch?v={ID}"),
            format!("www.youtube.com/watch?v={ID}"),
            format!("ftp://www.youtube.com/watch?v={ID}"),
            format!("https://youtube.com.evil.example/watch?v={ID}"),
            format!("https://evil.example/youtube.com/watch?v={ID}"),
            format!("https://evilyoutube.com/watch?v={ID}"),
            format!("https://www.youtube.com.@evil.example/watch?v={ID}"),
            format!("https://www.youtube.com@evil.example/watch?v={ID}"),
            format!("https://user:pw@www.youtube.com/watch?v={ID}"),
            format!("https://www.youtube.com:8443/watch?v={ID}"),
            format!("https://www.youtube.com./watch?v={ID}"),
            format!("https://xn--outube-vfg.com/watch?v={ID}"),
            format!("https://уoutube.com/watch?v={ID}"),
            format!("https://youtu.be/{ID} and more"),
            format!("https://youtu.be/{ID}\u{0}"),
            "https://vimeo.com.evil.example/76979871".to_owned(),
            "https://player.vimeo.com.evil.example/video/76979871".to_owned(),
            "https://notvimeo.com/76979871".to_owned(),
        ] {
            assert_eq!(Video::from_url(&url), None, "{url}");
        }
    }

    #[test]
    fn odd_ids_never_reach_an_attribute() {
        for url in [
            "https://www.youtube.com/watch?v=dQw4w9WgXc\"",
            "https://www.youtube.com/watch?v=dQw4w9WgXc%22",
            "https://www.youtube.com/watch?v=%22onmouseover%3Dx",
            "https://www.youtube.com/watch?v=dQw4w9%20gXcQ",
            "https://www.youtube.com/watch?v=dQw4w9+gXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXc",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXc<",
            "https://www.youtube.com/watch",
            "https://youtu.be/dQw4w9WgXc'",
            "https://youtu.be/dQw4w9WgX%63Q",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ/extra",
            "https://www.youtube.com/channel/UCxyz",
            "https://www.youtube.com/@TheBMA",
            "https://vimeo.com/7697987a",
            "https://vimeo.com/1234567890123",
            "https://vimeo.com/76979871/NOTHEX",
            "https://vimeo.com/76979871/abc\"def",
            "https://player.vimeo.com/video/76979871?h=%22x",
        ] {
            assert_eq!(Video::from_url(url), None, "{url}");
        }
    }

    #[test]
    fn a_percent_encoded_id_counts_only_as_what_it_decodes_to() {
        // `%63` is `c`: the decoded id is a valid one, and only it is kept.
        let video = Video::from_url("https://www.youtube.com/watch?v=dQw4w9WgX%63Q").unwrap();
        assert_eq!(video.id(), ID);
    }
}
