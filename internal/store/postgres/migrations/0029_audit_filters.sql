-- 0029: indexes for the audit log's filters (GET /api/v1/audit, vibora
-- audit log): who acted, exactly; the action and the object by prefix (a
-- case's records are those whose object starts with "case:NAME"). Each ends
-- in seq, so a filtered page reads its rows in order from the index. The
-- prefix columns are indexed in byte order (COLLATE "C"), the order the
-- prefix ranges of the queries use whatever the database's collation.
CREATE INDEX audit_actor ON audit (actor, seq);
CREATE INDEX audit_action ON audit (action COLLATE "C", seq);
CREATE INDEX audit_object ON audit (object COLLATE "C", seq);
