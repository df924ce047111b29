-- The SHA-256 of each content file as last imported. A file that has not
-- changed since is skipped, so restarting the server (which imports content/)
-- never undoes what editors did to an imported story at the desk.
CREATE TABLE content_files (
    slug        TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
