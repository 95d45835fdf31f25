-- 0010: agencies, accounts, API tokens, sessions, case memberships and
-- shares of cases to other agencies. A case's owning agency stays the name
-- in cases.agency; a local store without agencies works as before.
CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    country     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

-- Users: role is one of hub-admin, agency-admin, analyst, viewer;
-- password_hash an argon2id PHC string ('' for no password login);
-- failed_logins counts failures since the last success or lockout, and
-- locked_until ends a lockout (UTC, audit time format; '' none).
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    agency_id      INTEGER NOT NULL REFERENCES agencies(id),
    role           TEXT NOT NULL,
    password_hash  TEXT NOT NULL DEFAULT '',
    disabled       INTEGER NOT NULL DEFAULT 0,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL
);
CREATE INDEX users_agency ON users (agency_id);

-- API tokens: only the SHA-256 of the secret is kept (hex).
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL DEFAULT '',
    secret_sha256 TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    expires_at    TEXT NOT NULL DEFAULT '',
    revoked_at    TEXT NOT NULL DEFAULT '',
    last_used_at  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Server-side sessions, keyed by the SHA-256 of the opaque cookie value.
CREATE TABLE sessions (
    id_sha256     TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    remote_addr   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A user's role on one case: viewer, analyst or admin.
CREATE TABLE case_members (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_members_user ON case_members (user_id);

-- A case shared with another agency: viewer or analyst.
CREATE TABLE case_shares (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    agency_id   INTEGER NOT NULL REFERENCES agencies(id),
    role        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (case_id, agency_id)
);
CREATE INDEX case_shares_agency ON case_shares (agency_id);
CREATE INDEX cases_agency ON cases (agency);
