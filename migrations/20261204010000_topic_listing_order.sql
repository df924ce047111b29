-- A topic's published stories newest first, read from story_topics alone:
-- topic pages and a story's related stories walk this index and stop at
-- their LIMIT. Before it they walked every published story newest first and
-- probed story_topics for each: about twenty stories read per story listed
-- (a topic holds a twentieth of the archive), and a topic with few stories
-- read the whole archive.
--
-- The story's status and publication time are copied here and kept by the
-- triggers below, whichever code writes stories or their topics.
ALTER TABLE story_topics ADD COLUMN status TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE story_topics ADD COLUMN published_at TEXT NOT NULL DEFAULT '';
UPDATE story_topics SET (status, published_at) =
    (SELECT status, published_at FROM stories WHERE stories.id = story_topics.story_id);
CREATE INDEX story_topics_newest ON story_topics (topic_id, status, published_at DESC, story_id DESC);

CREATE TRIGGER story_topics_listed AFTER INSERT ON story_topics BEGIN
    UPDATE story_topics SET (status, published_at) =
        (SELECT status, published_at FROM stories WHERE id = NEW.story_id)
    WHERE story_id = NEW.story_id AND topic_id = NEW.topic_id;
END;
CREATE TRIGGER stories_listed_anew AFTER UPDATE OF status, published_at ON stories
WHEN NEW.status IS NOT OLD.status OR NEW.published_at IS NOT OLD.published_at BEGIN
    UPDATE story_topics SET status = NEW.status, published_at = NEW.published_at
    WHERE story_id = NEW.id;
END;
