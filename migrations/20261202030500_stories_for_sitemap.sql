-- The sitemap's pages and index read only this index (never the stories'
-- rows, whose Markdown and HTML sit before updated_at): a page is a range
-- of ids, so a page of 50,000 stories is one range search, and the index's
-- last-modified time per page one walk over it.
CREATE INDEX stories_for_sitemap ON stories (status, id, updated_at, slug);
