-- The search index follows the stories and live updates it indexes by
-- itself, as src/db/search.rs describes its rows: a story's entry at its id
-- negated (its headline; its standfirst, byline and body), a live update's
-- at its own id (its text), a deleted update's none. A write no longer
-- spends a statement on each entry (two to replace one), which an import of
-- thousands of files paid for every story and every update.
CREATE TRIGGER search_story_inserted AFTER INSERT ON stories BEGIN
    INSERT INTO search_index (rowid, story_id, update_id, title, body)
    VALUES (-new.id, new.id, NULL, new.headline,
            new.standfirst || char(10) || new.byline || char(10) || new.body_md);
END;
CREATE TRIGGER search_story_updated AFTER UPDATE OF headline, standfirst, byline, body_md ON stories BEGIN
    DELETE FROM search_index WHERE rowid = -old.id;
    INSERT INTO search_index (rowid, story_id, update_id, title, body)
    VALUES (-new.id, new.id, NULL, new.headline,
            new.standfirst || char(10) || new.byline || char(10) || new.body_md);
END;
CREATE TRIGGER search_update_inserted AFTER INSERT ON updates WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO search_index (rowid, story_id, update_id, title, body)
    VALUES (new.id, new.story_id, new.id, '', new.body_md);
END;
CREATE TRIGGER search_update_updated AFTER UPDATE OF body_md, deleted_at ON updates BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
    INSERT INTO search_index (rowid, story_id, update_id, title, body)
    SELECT new.id, new.story_id, new.id, '', new.body_md WHERE new.deleted_at IS NULL;
END;
