-- Expiring single-use links, one table for every purpose: the first-run setup
-- link now, editor invitations and password resets after it. Only the
-- SHA-256 of each token is kept, so a leaked database holds no usable link.
CREATE TABLE single_use_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL CHECK (purpose IN ('setup')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

-- The old setup links never expired. An unused one is dropped rather than
-- given an expiry: `newsdesk serve` prints a fresh link at its next start
-- whenever no editor exists, so nobody is locked out.
DROP TABLE setup_tokens;
