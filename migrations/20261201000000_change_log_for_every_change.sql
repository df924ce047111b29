-- The change log becomes the one cursor for every change to a story: besides
-- new, edited and deleted updates it records pins, unpins, the end of live
-- coverage and saves of the story itself (rows without an update). SQLite
-- cannot alter a CHECK constraint in place, so the table is rebuilt.
CREATE TABLE live_changes_new (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id  INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    update_id INTEGER REFERENCES updates (id) ON DELETE CASCADE,
    event     TEXT    NOT NULL CHECK (event IN ('update', 'edit', 'delete', 'pin', 'unpin', 'end-live', 'story')),
    -- Changes to an update name it; changes to the story name none.
    CHECK ((update_id IS NOT NULL) = (event IN ('update', 'edit', 'delete', 'pin')))
);
INSERT INTO live_changes_new (seq, story_id, update_id, event)
    SELECT seq, story_id, update_id, event FROM live_changes ORDER BY seq;
DROP TABLE live_changes;
ALTER TABLE live_changes_new RENAME TO live_changes;
CREATE INDEX live_changes_by_story ON live_changes (story_id, seq);
CREATE INDEX live_changes_by_update ON live_changes (update_id, seq);

-- Updates imported before imports recorded their changes get one now, in
-- the order readers saw them, so that the cursor covers every update.
INSERT INTO live_changes (story_id, update_id, event)
    SELECT story_id, id, 'update' FROM updates
    WHERE deleted_at IS NULL
      AND id NOT IN (SELECT update_id FROM live_changes WHERE update_id IS NOT NULL)
    ORDER BY posted_at, id;
