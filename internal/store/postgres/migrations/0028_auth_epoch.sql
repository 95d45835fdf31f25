-- 0028: the auth epoch, one counter that every change to who may do what
-- bumps inside that change's own transaction: an API token revoked,
-- expired or removed; a user disabled, removed, renamed, moved to another
-- agency, or given another role, password or OIDC identity; an agency
-- renamed or removed; a session ended; a case membership or share added,
-- changed or revoked. A server caches what a credential grants and reads
-- this one row per request: a changed counter drops the cache, so a change
-- made by any process on the store takes effect on the next request.
-- Triggers keep the counter right whichever code path makes the change.
CREATE TABLE auth_epoch (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   BIGINT NOT NULL
);
INSERT INTO auth_epoch (id, n) VALUES (1, 0);

CREATE FUNCTION auth_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER api_tokens_auth_epoch AFTER UPDATE OF user_id, secret_sha256, expires_at, revoked_at OR DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER users_auth_epoch AFTER UPDATE OF name, agency_id, role, password_hash, disabled, oidc_issuer, oidc_subject OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER agencies_auth_epoch AFTER UPDATE OF name OR DELETE ON agencies
    FOR EACH ROW EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER sessions_auth_epoch AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER case_members_auth_epoch AFTER INSERT OR UPDATE OR DELETE ON case_members
    FOR EACH ROW EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER case_shares_auth_epoch AFTER INSERT OR UPDATE OR DELETE ON case_shares
    FOR EACH ROW EXECUTE FUNCTION auth_epoch_bump();
