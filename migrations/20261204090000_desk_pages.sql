-- The desk (/admin) lists stories a page at a time, most recently changed
-- first, with the live ones in a table of their own above.
CREATE INDEX stories_by_change ON stories (updated_at DESC, id DESC);
CREATE INDEX stories_live_by_change ON stories (updated_at DESC, id DESC) WHERE live_state = 'live';
