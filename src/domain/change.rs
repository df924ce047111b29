//! What can happen to a story that open pages must be told: the entries of the
//! change log, whose sequence numbers are the live stream's cursor.

/// One change to a story or one of its live updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Published(i64),
    Edited(i64),
    Deleted(i64),
    Pinned(i64),
    Unpinned,
    LiveEnded,
    /// The story itself was saved (headline, body, topics, state).
    StorySaved,
}

impl Change {
    /// The update the change is about, if it is about one.
    pub fn update_id(self) -> Option<i64> {
        match self {
            Change::Published(id)
            | Change::Edited(id)
            | Change::Deleted(id)
            | Change::Pinned(id) => Some(id),
            Change::Unpinned | Change::LiveEnded | Change::StorySaved => None,
        }
    }

    /// The name the change log stores it under.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Published(_) => "update",
            Change::Edited(_) => "edit",
            Change::Deleted(_) => "delete",
            Change::Pinned(_) => "pin",
            Change::Unpinned => "unpin",
            Change::LiveEnded => "end-live",
            Change::StorySaved => "story",
        }
    }

    /// The change stored as `name` about `update_id`; `None` for a name or an
    /// update id that do not go together.
    pub fn parse(name: &str, update_id: Option<i64>) -> Option<Change> {
        Some(match (name, update_id) {
            ("update", Some(id)) => Change::Published(id),
            ("edit", Some(id)) => Change::Edited(id),
            ("delete", Some(id)) => Change::Deleted(id),
            ("pin", Some(id)) => Change::Pinned(id),
            ("unpin", None) => Change::Unpinned,
            ("end-live", None) => Change::LiveEnded,
            ("story", None) => Change::StorySaved,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_reads_back_as_itself() {
        let all = [
            Change::Published(1),
            Change::Edited(2),
            Change::Deleted(3),
            Change::Pinned(4),
            Change::Unpinned,
            Change::LiveEnded,
            Change::StorySaved,
        ];
        for change in all {
            assert_eq!(
                Change::parse(change.as_str(), change.update_id()),
                Some(change)
            );
        }
        assert_eq!(Change::parse("update", None), None);
        assert_eq!(Change::parse("story", Some(1)), None);
    }
}
