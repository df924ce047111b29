-- A story's lead photo: the stored photo its body opens with, found when the
-- body is rendered (a save or an import), so the front page, topic pages,
-- social cards and feeds show it without reading the Markdown. NULL when the
-- body opens with anything else. Stories saved before this column existed
-- get theirs at their next save or changed import.
ALTER TABLE stories ADD COLUMN lead_photo_id INTEGER REFERENCES media (id);
-- The alt text written with it in the body (empty without a lead photo).
ALTER TABLE stories ADD COLUMN lead_photo_alt TEXT NOT NULL DEFAULT '';
