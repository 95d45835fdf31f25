-- 0009: every entry a source yields is its own file row. A file is
-- identified by its source root, its raw member path and the occurrence of
-- that name in its archive (seq), not by its display path; each row keeps
-- the ingest and batch that stored it, whose audit record seals it; each
-- ingest keeps the display label of each root and the process running it.
ALTER TABLE files ADD COLUMN root TEXT NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN member TEXT NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE files ADD COLUMN ingest_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE files ADD COLUMN batch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ingests ADD COLUMN labels TEXT NOT NULL DEFAULT '';
-- host and process running an ingest: a running row whose process is gone
-- was interrupted.
ALTER TABLE ingests ADD COLUMN owner TEXT NOT NULL DEFAULT '';

-- Existing rows: the member is the path they were stored under (the raw
-- name was not kept), the root the ingested root whose base name starts
-- that path.
UPDATE files SET member = path;
UPDATE files SET root = COALESCE((
    SELECT r.root FROM ingests i,
        LATERAL (SELECT j AS root, regexp_replace(j, '^.*/', '') AS base FROM json_array_elements_text(i.roots::json) j) r
    WHERE i.exhibit_id = files.exhibit_id
      AND (files.path = r.base OR left(files.path, length(r.base) + 1) = r.base || '/' OR left(files.path, length(r.base) + 2) = r.base || '!/')
    ORDER BY i.id LIMIT 1), '');

CREATE UNIQUE INDEX files_identity ON files (exhibit_id, root, member, seq);
CREATE INDEX files_ingest_batch ON files (ingest_id, batch);
