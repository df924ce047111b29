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
