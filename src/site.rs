//! The publication's identity as configured: its name and what it covers.

/// Who the site is, for page titles, the masthead, feeds, the news sitemap and
/// structured data. Made once from the [`crate::config::Config`] and shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The publication's name.
    pub name: String,
    /// One sentence on what it covers.
    pub description: String,
}
