-- Indexes for a newsroom's real size (100,000 stories, a million updates):
-- every statement a page, feed, search or stream runs finds its rows through
-- an index rather than a scan (tests/query_plans.rs checks each one).

-- The search index is keyed by rowid: an update's own id, a story's id
-- negated. Its story_id and update_id columns are UNINDEXED, so deleting an
-- entry by them scanned the whole index on every publish.
CREATE VIRTUAL TABLE search_index_by_rowid USING fts5 (
    story_id UNINDEXED,
    update_id UNINDEXED,
    title,
    body,
    tokenize = 'porter unicode61'
);
INSERT INTO search_index_by_rowid (rowid, story_id, update_id, title, body)
    SELECT COALESCE(update_id, -story_id), story_id, update_id, title, body FROM search_index;
DROP TABLE search_index;
ALTER TABLE search_index_by_rowid RENAME TO search_index;

-- A story's live updates in page order, deleted ones left out: a page of
-- 50, the first or the hundredth, is a walk of 50 entries from its cursor.
CREATE INDEX updates_in_story_order ON updates (story_id, posted_at, id) WHERE deleted_at IS NULL;
-- Atom tombstones: a story's deleted updates, most recently deleted first.
CREATE INDEX updates_deleted ON updates (story_id, deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL;

-- Published stories newest first, ties by id as every list orders them
-- (front page after the live ones, feeds, sitemaps, topic pages).
CREATE INDEX stories_published ON stories (status, published_at DESC, id DESC);
DROP INDEX stories_by_publication;
-- The front page: live stories first, then newest first.
CREATE INDEX stories_front ON stories (status, live_state = 'live' DESC, published_at DESC, id DESC);
-- Every write resolves READ MORE links against the published headlines:
-- read from this index rather than from the stories' rows, bodies and all
-- (0.9 s for 100,000 stories, every publish and every start).
CREATE INDEX stories_headlines ON stories (status, slug, headline);
-- Whether the desk saved a story since its file was imported (every
-- changed file of every import asks).
CREATE INDEX story_revisions_by_story ON story_revisions (story_id, saved_at);
