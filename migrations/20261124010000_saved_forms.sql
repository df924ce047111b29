-- A form submitted after its editor's session expired, kept until they sign
-- in again and get it back filled: an editor never loses what they typed.
CREATE TABLE saved_forms (
    token_hash  TEXT PRIMARY KEY,
    path        TEXT NOT NULL,
    body        TEXT NOT NULL,
    saved_at    TEXT NOT NULL
);
