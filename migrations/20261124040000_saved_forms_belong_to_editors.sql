-- A kept form belongs to the editor whose session expired; only they get it back.
DELETE FROM saved_forms;
ALTER TABLE saved_forms ADD COLUMN editor_id INTEGER NOT NULL REFERENCES editors (id) ON DELETE CASCADE;
