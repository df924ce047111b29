//! Which social network a post's address belongs to. Each network's post
//! addresses have a known shape on known hosts (Mastodon's on any host, as
//! it is federated); the link the site writes is rebuilt from the checked
//! parts, without tracking parameters or fragments.

use url::Url;

use super::video::{Video, parse_web_url, query};

/// A network whose posts can be quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    X,
    Twitter,
    Bluesky,
    Mastodon,
    Facebook,
    Instagram,
    TikTok,
    YouTube,
}

impl Network {
    /// The network's name, as readers know it.
    pub fn name(self) -> &'static str {
        match self {
            Network::X => "X",
            Network::Twitter => "Twitter",
            Network::Bluesky => "Bluesky",
            Network::Mastodon => "Mastodon",
            Network::Facebook => "Facebook",
            Network::Instagram => "Instagram",
            Network::TikTok => "TikTok",
            Network::YouTube => "YouTube",
        }
    }
}

/// What an editor is told when an address is not a post.
pub const KNOWN_NETWORKS: &str =
    "X (Twitter), Bluesky, Mastodon, Facebook, Instagram, TikTok or YouTube";

/// The address of one post, on a known network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostUrl {
    pub network: Network,
    /// Rebuilt from the checked parts: `https`, the host, the path and only
    /// the query parameters that name the post.
    pub href: String,
}

/// Hosts that are their networks' own: never taken for a Mastodon server.
const NETWORK_HOSTS: &[&str] = &[
    "x.com",
    "twitter.com",
    "bsky.app",
    "facebook.com",
    "fb.com",
    "instagram.com",
    "tiktok.com",
    "youtube.com",
    "youtu.be",
];

impl PostUrl {
    /// The post `text` is the address of, if it is one.
    pub fn recognise(text: &str) -> Option<PostUrl> {
        let url = parse_web_url(text)?;
        let host = url.host_str()?.to_owned();
        let segments: Vec<&str> = url
            .path_segments()?
            .filter(|segment| !segment.is_empty())
            .collect();
        let bare = host
            .strip_prefix("www.")
            .or_else(|| host.strip_prefix("mobile."))
            .or_else(|| host.strip_prefix("m."))
            .unwrap_or(&host);
        let (network, kept_query) = match bare {
            "x.com" if is_tweet(&segments) => (Network::X, Vec::new()),
            "twitter.com" if is_tweet(&segments) => (Network::Twitter, Vec::new()),
            "bsky.app" if is_skeet(&segments) => (Network::Bluesky, Vec::new()),
            "facebook.com" => (Network::Facebook, facebook(&segments, &url)?),
            "instagram.com" if is_instagram(&segments) => (Network::Instagram, Vec::new()),
            "tiktok.com" if is_tiktok(&segments) => (Network::TikTok, Vec::new()),
            "youtube.com" | "youtu.be" => return youtube(&segments, &url),
            other if is_toot(&segments) && !is_network_host(other) => {
                (Network::Mastodon, Vec::new())
            }
            _ => return None,
        };
        let mut href = format!("https://{host}/{}", segments.join("/"));
        for (i, (name, value)) in kept_query.iter().enumerate() {
            href.push(if i == 0 { '?' } else { '&' });
            href.push_str(&format!("{name}={value}"));
        }
        // Every part was checked against a narrow alphabet; this is the last word.
        href.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/:.-_~@?=&".contains(c))
            .then_some(PostUrl { network, href })
    }
}

fn is_network_host(host: &str) -> bool {
    NETWORK_HOSTS
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

/// Letters, digits and `_`, 1 to `max` of them.
fn is_word(text: &str, max: usize) -> bool {
    (1..=max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Digits only, 1 to 25 of them (post ids are 64-bit numbers or less).
fn is_number(text: &str) -> bool {
    (1..=25).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// Letters, digits and `_-.`, 1 to `max` of them: handles, codes, slugs.
fn is_token(text: &str, max: usize) -> bool {
    (1..=max).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
}

/// `/{user}/status/{id}`, `/i/web/status/{id}`, with `/photo/1` and the like after.
fn is_tweet(segments: &[&str]) -> bool {
    match segments {
        ["i", "web", "status", id, ..] | ["i", "status", id, ..] => is_number(id),
        [user, "status" | "statuses", id, ..] => is_word(user, 15) && is_number(id),
        _ => false,
    }
}

/// `/profile/{handle or did}/post/{record key}`.
fn is_skeet(segments: &[&str]) -> bool {
    match segments {
        ["profile", who, "post", key] => {
            let did = who
                .strip_prefix("did:plc:")
                .or_else(|| who.strip_prefix("did:web:"));
            let who_ok = did.map_or_else(|| is_token(who, 253), |d| is_token(d, 253));
            who_ok && is_word(key, 64)
        }
        _ => false,
    }
}

/// `/@user/{id}` or `/@user@server/{id}`, and `/users/{user}/statuses/{id}`.
fn is_toot(segments: &[&str]) -> bool {
    match segments {
        [user, id] => {
            user.strip_prefix('@').is_some_and(|u| {
                let (name, server) = u.split_once('@').unwrap_or((u, "x"));
                is_word(name, 64) && is_token(server, 253)
            }) && is_number(id)
        }
        ["users", user, "statuses", id] => is_word(user, 64) && is_number(id),
        _ => false,
    }
}

/// Facebook's post shapes, and the query parameters that name the post.
fn facebook(segments: &[&str], url: &Url) -> Option<Vec<(&'static str, String)>> {
    let ok = match segments {
        [page, "posts" | "videos", id] => is_token(page, 100) && is_token(id, 100),
        ["reel" | "watch", id] => is_number(id),
        ["share", "p" | "v" | "r", id] => is_word(id, 40),
        ["watch"] => return kept(url, &["v"]),
        ["permalink.php" | "story.php"] => return kept(url, &["story_fbid", "id"]),
        _ => false,
    };
    ok.then(Vec::new)
}

/// The query parameters `names`, each present and a plain token.
fn kept(url: &Url, names: &[&'static str]) -> Option<Vec<(&'static str, String)>> {
    names
        .iter()
        .map(|name| {
            let value = query(url, name)?;
            is_token(&value, 100).then_some((*name, value))
        })
        .collect()
}

/// `/p/{code}`, `/reel/{code}`, `/tv/{code}`, also after a user name.
fn is_instagram(segments: &[&str]) -> bool {
    match segments {
        ["p" | "reel" | "reels" | "tv", code] => is_token(code, 64),
        [user, "p" | "reel", code] => is_token(user, 30) && is_token(code, 64),
        _ => false,
    }
}

/// `/@user/video/{id}` and `/@user/photo/{id}`.
fn is_tiktok(segments: &[&str]) -> bool {
    match segments {
        [user, "video" | "photo", id] => {
            user.strip_prefix('@').is_some_and(|u| is_token(u, 64)) && is_number(id)
        }
        _ => false,
    }
}

/// A YouTube video (any shape [`Video`] knows), or a community post.
fn youtube(segments: &[&str], url: &Url) -> Option<PostUrl> {
    if let Some(video) = Video::from_url(url.as_str()) {
        return Some(PostUrl {
            network: Network::YouTube,
            href: video.watch_url(),
        });
    }
    match segments {
        ["post", id] if is_token(id, 64) => Some(PostUrl {
            network: Network::YouTube,
            href: format!("https://www.youtube.com/post/{id}"),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(url: &str) -> Option<(Network, String)> {
        PostUrl::recognise(url).map(|p| (p.network, p.href))
    }

    #[test]
    fn posts_on_every_network_are_recognised_and_rebuilt_without_tracking() {
        let cases = [
            (
                "https://x.com/TheBMA/status/687200000000000000?s=20&t=abc",
                Network::X,
                "https://x.com/TheBMA/status/687200000000000000",
            ),
            (
                "https://twitter.com/TheBMA/status/687200000000000000/video/1",
                Network::Twitter,
                "https://twitter.com/TheBMA/status/687200000000000000/video/1",
            ),
            (
                "https://mobile.twitter.com/i/web/status/687200000000000000",
                Network::Twitter,
                "https://mobile.twitter.com/i/web/status/687200000000000000",
            ),
            (
                "https://bsky.app/profile/bma.bsky.social/post/3kabcde2xyz22",
                Network::Bluesky,
                "https://bsky.app/profile/bma.bsky.social/post/3kabcde2xyz22",
            ),
            (
                "https://bsky.app/profile/did:plc:abc123/post/3kabcde2xyz22",
                Network::Bluesky,
                "https://bsky.app/profile/did:plc:abc123/post/3kabcde2xyz22",
            ),
            (
                "https://mastodon.social/@nhsdoc/111222333444555666",
                Network::Mastodon,
                "https://mastodon.social/@nhsdoc/111222333444555666",
            ),
            (
                "https://toot.example/@nhsdoc@mastodon.social/111222333",
                Network::Mastodon,
                "https://toot.example/@nhsdoc@mastodon.social/111222333",
            ),
            (
                "https://www.facebook.com/TheBMA/posts/10153000000000000?__cft__=x",
                Network::Facebook,
                "https://www.facebook.com/TheBMA/posts/10153000000000000",
            ),
            (
                "https://m.facebook.com/permalink.php?story_fbid=123&id=456&ref=x",
                Network::Facebook,
                "https://m.facebook.com/permalink.php?story_fbid=123&id=456",
            ),
            (
                "https://www.instagram.com/p/C1a2B3c4D5e/?igsh=track",
                Network::Instagram,
                "https://www.instagram.com/p/C1a2B3c4D5e",
            ),
            (
                "https://www.tiktok.com/@nhschoir/video/7300000000000000000?lang=en",
                Network::TikTok,
                "https://www.tiktok.com/@nhschoir/video/7300000000000000000",
            ),
            (
                "https://youtu.be/dQw4w9WgXcQ?si=track",
                Network::YouTube,
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            ),
            (
                "https://www.youtube.com/post/UgkxAbCdEf",
                Network::YouTube,
                "https://www.youtube.com/post/UgkxAbCdEf",
            ),
        ];
        for (url, network, href) in cases {
            assert_eq!(post(url), Some((network, href.to_owned())), "{url}");
        }
    }

    #[test]
    fn profiles_lookalikes_and_hostile_addresses_are_not_posts() {
        for url in [
            "https://x.com/TheBMA",
            "https://x.com/TheBMA/status/12a",
            "https://x.com/The\"BMA/status/123",
            "https://x.com/TheBMA/status/123%22onclick",
            "https://x.com.evil.example/TheBMA/status/123",
            "https://evil.example/x.com/TheBMA/status/123",
            "https://x.com@evil.example/TheBMA/status/123",
            "javascript:alert(1)//x.com/TheBMA/status/123",
            "data:text/html,https://x.com/TheBMA/status/123",
            "https://x.com:444/TheBMA/status/123",
            "https://bsky.app/profile/bma.bsky.social",
            "https://www.facebook.com/TheBMA",
            "https://www.facebook.com/permalink.php?story_fbid=123",
            "https://www.facebook.com/permalink.php?story_fbid=1%3Cb&id=2",
            "https://www.instagram.com/thebma/",
            "https://www.tiktok.com/@nhschoir",
            "https://www.youtube.com/@TheBMA",
            // Mastodon's shape on a big network's own host is not Mastodon.
            "https://x.com/@someone/123",
            "https://evil.twitter.com/@someone/123",
            "https://mastodon.social/@nhsdoc",
            "https://mastodon.social/@nhs doc/123",
            "https://www.youtube.com/post/a\"b",
        ] {
            assert_eq!(post(url), None, "{url}");
        }
    }
}
