-- Uploaded photos and videos, one row per distinct upload: the same bytes
-- uploaded twice are one row (sha256 is UNIQUE). Rows and files are never
-- deleted with the update or story that shows them; a clean-up may one day
-- remove what nothing refers to.
CREATE TABLE media (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('image', 'video')),
    -- SHA-256 of the uploaded bytes, lowercase hex: the files' names start with it.
    sha256     TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64),
    -- Upright size in pixels; NULL only for a video whose container does not say.
    width      INTEGER CHECK (width > 0),
    height     INTEGER CHECK (height > 0),
    -- Size of the upload itself, in bytes.
    bytes      INTEGER NOT NULL CHECK (bytes > 0),
    created_at TEXT    NOT NULL,
    CHECK (kind = 'video' OR (width IS NOT NULL AND height IS NOT NULL))
);

-- Every file in the media directory belongs to one row here: a photo's
-- JPEG and WebP at each width, a video's file as uploaded. Its name is
-- the file name (content-addressed, so unique by construction).
CREATE TABLE media_files (
    name     TEXT    PRIMARY KEY,
    media_id INTEGER NOT NULL REFERENCES media (id),
    format   TEXT    NOT NULL CHECK (format IN ('jpeg', 'webp', 'mp4', 'webm')),
    width    INTEGER CHECK (width > 0),
    height   INTEGER CHECK (height > 0),
    bytes    INTEGER NOT NULL CHECK (bytes > 0)
) WITHOUT ROWID;

CREATE INDEX media_files_by_media ON media_files (media_id, width);
