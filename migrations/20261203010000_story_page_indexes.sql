-- What a story page lists beside its page of updates, each from its own
-- partial index rather than by reading every update of the story (5,000 on
-- a big day's live blog): its key events, newest first, and its figures.
CREATE INDEX updates_key_events ON updates (story_id, posted_at, id)
    WHERE key_event = 1 AND deleted_at IS NULL;
CREATE INDEX updates_figures ON updates (story_id)
    WHERE kind = 'figures' AND figure_number IS NOT NULL AND deleted_at IS NULL;
