//! Content-Security-Policy: every response gets [`DEFAULT`] (set by the
//! middleware in `lib.rs`); a page that shows a video facade, or may be
//! sent one while open, says so with [`PagePolicy::VideoPlayers`] and
//! carries [`WITH_VIDEO_PLAYERS`] instead, which also lets the two
//! privacy-enhanced players be framed, and nothing else.

/// No inline script or style, nothing from elsewhere, no frames.
pub const DEFAULT: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// [`DEFAULT`], and frames from exactly the video players' origins
/// (`content::embeds::Provider::player_origin`).
pub const WITH_VIDEO_PLAYERS: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; \
    frame-src https://www.youtube-nocookie.com https://player.vimeo.com";

/// Which policy a rendered page needs, decided when it is rendered and kept
/// with it in the page cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PagePolicy {
    /// The site's policy for every response.
    #[default]
    Default,
    /// The page shows a video facade, or live updates may bring one.
    VideoPlayers,
}

impl PagePolicy {
    /// The header a page with this policy needs besides the middleware's:
    /// `None` leaves it to the middleware, which does not override a header
    /// a handler set.
    pub fn header_value(self) -> Option<&'static str> {
        match self {
            PagePolicy::Default => None,
            PagePolicy::VideoPlayers => Some(WITH_VIDEO_PLAYERS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::embeds::Provider;

    #[test]
    fn the_wider_policy_is_the_default_plus_exactly_the_players_frames() {
        let players: Vec<&str> = Provider::ALL.iter().map(|p| p.player_origin()).collect();
        assert_eq!(
            WITH_VIDEO_PLAYERS,
            format!("{DEFAULT}; frame-src {}", players.join(" "))
        );
        assert!(!DEFAULT.contains("frame-src"));
    }
}
