//! What a single-use link is for, and so how long it lives.

use chrono::Duration;

/// The purpose of an expiring single-use link; a token redeemed for one
/// purpose is never accepted for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// The first-run link that creates the first editor account.
    Setup,
}

impl TokenPurpose {
    /// How long a link for this purpose works after it is issued. A setup
    /// link is printed to the operator who is starting the server: a day
    /// covers "set it up tomorrow morning" without leaving a stray link in a
    /// log alive for ever.
    pub fn lifetime(self) -> Duration {
        match self {
            TokenPurpose::Setup => Duration::hours(24),
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Setup => "setup",
        }
    }

    /// The purpose stored as `text`, if any.
    pub fn parse(text: &str) -> Option<TokenPurpose> {
        match text {
            "setup" => Some(TokenPurpose::Setup),
            _ => None,
        }
    }
}
