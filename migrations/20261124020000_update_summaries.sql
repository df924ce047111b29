-- The first words of an update as plain text, made when it is written: key
-- event lists and feed titles show it without parsing Markdown on a view.
ALTER TABLE updates ADD COLUMN summary TEXT NOT NULL DEFAULT '';
