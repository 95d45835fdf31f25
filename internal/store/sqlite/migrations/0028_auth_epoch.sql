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
    n   INTEGER NOT NULL
);
INSERT INTO auth_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER api_tokens_auth_epoch_update AFTER UPDATE OF user_id, secret_sha256, expires_at, revoked_at ON api_tokens
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER api_tokens_auth_epoch_delete AFTER DELETE ON api_tokens
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER users_auth_epoch_update AFTER UPDATE OF name, agency_id, role, password_hash, disabled, oidc_issuer, oidc_subject ON users
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER users_auth_epoch_delete AFTER DELETE ON users
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER agencies_auth_epoch_update AFTER UPDATE OF name ON agencies
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER agencies_auth_epoch_delete AFTER DELETE ON agencies
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER sessions_auth_epoch_delete AFTER DELETE ON sessions
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER case_members_auth_epoch_insert AFTER INSERT ON case_members
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER case_members_auth_epoch_update AFTER UPDATE ON case_members
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER case_members_auth_epoch_delete AFTER DELETE ON case_members
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER case_shares_auth_epoch_insert AFTER INSERT ON case_shares
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER case_shares_auth_epoch_update AFTER UPDATE ON case_shares
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER case_shares_auth_epoch_delete AFTER DELETE ON case_shares
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
