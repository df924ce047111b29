-- READ MORE links in live updates, by target slug (slugs never change), so a
-- headline change reaches updates too, even ones imported before their target.
CREATE TABLE update_links (
    update_id INTEGER NOT NULL REFERENCES updates (id) ON DELETE CASCADE,
    to_slug   TEXT    NOT NULL,
    PRIMARY KEY (update_id, to_slug)
);
CREATE INDEX update_links_by_target ON update_links (to_slug);
