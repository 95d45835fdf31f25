-- 0029: indexes for the audit log's filters (GET /api/v1/audit, vibora
-- audit log): who acted, exactly; the action and the object by prefix (a
-- case's records are those whose object starts with "case:NAME"). Each ends
-- in seq, so a filtered page reads its rows in order from the index.
CREATE INDEX audit_actor ON audit (actor, seq);
CREATE INDEX audit_action ON audit (action, seq);
CREATE INDEX audit_object ON audit (object, seq);
