-- 0017: deconfliction. Agencies gain a contact (whom another agency calls
-- about a match). Identifiers are indexed by key across cases, so one
-- case's identifiers join every other case's in one statement. A notice
-- tells a case that another case (of another agency) holds identifiers of
-- one kind it holds too; its matches are the notified case's own keys.
-- Hubs keep one OPRF key per operation and count every evaluation.
ALTER TABLE agencies ADD COLUMN contact TEXT NOT NULL DEFAULT '';
CREATE INDEX identifiers_key ON identifiers (key, case_id);

CREATE TABLE deconfliction_notices (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    other_case_id INTEGER NOT NULL REFERENCES cases(id),
    kind          TEXT NOT NULL,
    matches       INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    acked_at      TEXT NOT NULL DEFAULT '',
    acked_by      TEXT NOT NULL DEFAULT '',
    UNIQUE (case_id, other_case_id, kind)
);

CREATE TABLE deconfliction_matches (
    notice_id INTEGER NOT NULL REFERENCES deconfliction_notices(id),
    key       TEXT NOT NULL,
    found_at  TEXT NOT NULL,
    PRIMARY KEY (notice_id, key)
);

CREATE TABLE oprf_keys (
    operation   TEXT PRIMARY KEY,
    private_key TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

CREATE TABLE oprf_evaluations (
    id        INTEGER PRIMARY KEY,
    principal TEXT NOT NULL,
    operation TEXT NOT NULL,
    at        TEXT NOT NULL,
    count     INTEGER NOT NULL
);
CREATE INDEX oprf_evaluations_principal ON oprf_evaluations (principal, at);
