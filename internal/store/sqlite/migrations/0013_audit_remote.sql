-- 0013: audit records name the remote address a request came from, hashed
-- from record version 3 on. Existing records keep the hash they were
-- written with.
ALTER TABLE audit ADD COLUMN remote_addr TEXT NOT NULL DEFAULT '';
