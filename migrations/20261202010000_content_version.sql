-- A counter of commits to what readers see, bumped by triggers, so the
-- server can tell a write that recorded no change (an operator's fix typed
-- into the sqlite3 shell) from the sign-ins, sessions and kept forms that
-- change nothing a page shows.
CREATE TABLE content_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 0);

CREATE TRIGGER stories_inserted AFTER INSERT ON stories BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER stories_updated AFTER UPDATE ON stories BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER stories_deleted AFTER DELETE ON stories BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER updates_inserted AFTER INSERT ON updates BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER updates_updated AFTER UPDATE ON updates BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER updates_deleted AFTER DELETE ON updates BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER topics_inserted AFTER INSERT ON topics BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER topics_updated AFTER UPDATE ON topics BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER topics_deleted AFTER DELETE ON topics BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER story_topics_inserted AFTER INSERT ON story_topics BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER story_topics_updated AFTER UPDATE ON story_topics BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER story_topics_deleted AFTER DELETE ON story_topics BEGIN UPDATE content_version SET version = version + 1; END;

-- The counter's value when the change log last recorded a change: a
-- counter ahead of it means content changed that no change names.
ALTER TABLE content_version ADD COLUMN logged INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER live_changes_logged AFTER INSERT ON live_changes BEGIN UPDATE content_version SET logged = version; END;
