-- Every change open pages are told about, in order: a page that reconnects
-- is replayed the changes it missed (new updates, edits and deletions alike).
CREATE TABLE live_changes (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id  INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    update_id INTEGER NOT NULL REFERENCES updates (id) ON DELETE CASCADE,
    event     TEXT    NOT NULL CHECK (event IN ('update', 'edit', 'delete'))
);
CREATE INDEX live_changes_by_story ON live_changes (story_id, seq);
CREATE INDEX live_changes_by_update ON live_changes (update_id, seq);
