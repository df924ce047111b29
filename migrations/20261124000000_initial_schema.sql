-- The whole data model of DESIGN.md. Times are UTC, stored as RFC 3339 text.

CREATE TABLE stories (
    id              INTEGER PRIMARY KEY,
    slug            TEXT    NOT NULL UNIQUE,
    headline        TEXT    NOT NULL,
    standfirst      TEXT    NOT NULL,
    byline          TEXT    NOT NULL,
    body_md         TEXT    NOT NULL,
    -- Rendered and sanitised once, at write time: a page view parses no Markdown.
    body_html       TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    live_state      TEXT    NOT NULL DEFAULT 'none' CHECK (live_state IN ('none', 'live', 'ended')),
    published_at    TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    live_ended_at   TEXT,
    -- Optimistic concurrency: every save bumps it; a save from an older version is refused.
    version         INTEGER NOT NULL DEFAULT 1,
    pinned_update_id INTEGER REFERENCES updates (id) ON DELETE SET NULL
);
CREATE INDEX stories_by_publication ON stories (status, published_at DESC);

CREATE TABLE story_revisions (
    id          INTEGER PRIMARY KEY,
    story_id    INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    headline    TEXT    NOT NULL,
    standfirst  TEXT    NOT NULL,
    body_md     TEXT    NOT NULL,
    editor_id   INTEGER REFERENCES editors (id),
    saved_at    TEXT    NOT NULL
);

CREATE TABLE topics (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE story_topics (
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (story_id, topic_id)
);
CREATE INDEX story_topics_by_topic ON story_topics (topic_id);

CREATE TABLE updates (
    id              INTEGER PRIMARY KEY,
    story_id        INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    posted_at       TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('update', 'picket', 'statement', 'figures')),
    body_md         TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    author          TEXT    NOT NULL,
    key_event       INTEGER NOT NULL DEFAULT 0 CHECK (key_event IN (0, 1)),
    -- Kind-specific fields: place (picket, figures), who (statement),
    -- number, what and source (figures).
    place           TEXT,
    who             TEXT,
    figure_number   INTEGER CHECK (figure_number IS NULL OR figure_number >= 0),
    figure_what     TEXT,
    figure_source   TEXT,
    edited_at       TEXT,
    deleted_at      TEXT,
    -- Set for updates that came from content/: the update's time in its file,
    -- which makes re-importing an upsert rather than a duplicate.
    import_key      TEXT,
    UNIQUE (story_id, import_key)
);
CREATE INDEX updates_by_story ON updates (story_id, id);

CREATE TABLE update_revisions (
    id          INTEGER PRIMARY KEY,
    update_id   INTEGER NOT NULL REFERENCES updates (id) ON DELETE CASCADE,
    body_md     TEXT    NOT NULL,
    editor_id   INTEGER REFERENCES editors (id),
    revised_at  TEXT    NOT NULL
);

-- READ MORE links: a headline change re-renders every story that points at it.
CREATE TABLE story_links (
    from_story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    to_story_id   INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    PRIMARY KEY (from_story_id, to_story_id)
);
CREATE INDEX story_links_by_target ON story_links (to_story_id);

CREATE TABLE editors (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token: a stolen database holds no usable session.
    token_hash  TEXT    PRIMARY KEY,
    editor_id   INTEGER NOT NULL REFERENCES editors (id) ON DELETE CASCADE,
    csrf_token  TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL
);

CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    used_at    TEXT
);

CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    editor_id   INTEGER REFERENCES editors (id),
    action      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    at          TEXT NOT NULL
);

-- Full-text search over stories and live updates (kept in step by src/db/search.rs).
CREATE VIRTUAL TABLE search_index USING fts5 (
    story_id UNINDEXED,
    update_id UNINDEXED,
    title,
    body,
    tokenize = 'porter unicode61'
);
