-- 0006: the audit head row exists from the start, so that concurrent
-- first writers on a shared hub lock it (SELECT ... FOR UPDATE) instead of
-- racing to create it.
INSERT INTO audit_head (id, seq, hash) SELECT 1, 0, '' WHERE NOT EXISTS (SELECT 1 FROM audit_head WHERE id = 1);
