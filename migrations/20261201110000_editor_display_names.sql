-- The name readers see on an editor's updates, kept apart from the login
-- username, which is half of a credential and never published. NULL means
-- not set yet: such an editor's updates are signed with the publication's
-- name. Updates already signed with a username keep it; a migration cannot
-- tell a username from a name, and rewriting bylines would rewrite history.
ALTER TABLE editors ADD COLUMN display_name TEXT;
