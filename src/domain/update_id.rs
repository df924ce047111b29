use std::fmt;

/// A live update's number as addresses carry it: a non-negative integer.
/// Ids come from SQLite's rowid, which newsdesk never lets go below zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UpdateId(i64);

impl UpdateId {
    /// Accepts `text` only if it is a whole number of zero or more.
    pub fn parse(text: &str) -> Option<UpdateId> {
        text.parse::<i64>().ok().filter(|id| *id >= 0).map(UpdateId)
    }

    /// The number itself, as the database stores it.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for UpdateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::UpdateId;

    #[test]
    fn only_whole_non_negative_numbers_are_update_ids() {
        assert_eq!(UpdateId::parse("42").map(UpdateId::get), Some(42));
        assert_eq!(UpdateId::parse("0").map(UpdateId::get), Some(0));
        for bad in ["-1", "4.5", "", "x", "99999999999999999999"] {
            assert!(UpdateId::parse(bad).is_none(), "{bad:?} accepted");
        }
    }
}
