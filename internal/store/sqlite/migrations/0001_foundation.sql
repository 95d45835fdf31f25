-- 0001: cases, exhibits, files, custody events and the audit trail.
CREATE TABLE cases (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    agency      TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    operation   TEXT NOT NULL DEFAULT '',
    legal_ref   TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

CREATE TABLE exhibits (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    label           TEXT NOT NULL,
    type            TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    make            TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    serial          TEXT NOT NULL DEFAULT '',
    imei            TEXT NOT NULL DEFAULT '',
    seized_at       TEXT NOT NULL DEFAULT '',
    seized_where    TEXT NOT NULL DEFAULT '',
    seized_by       TEXT NOT NULL DEFAULT '',
    legal_authority TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    UNIQUE (case_id, label)
);

CREATE TABLE files (
    id          INTEGER PRIMARY KEY,
    exhibit_id  INTEGER NOT NULL REFERENCES exhibits(id),
    path        TEXT NOT NULL,
    size        INTEGER NOT NULL DEFAULT 0,
    mtime       TEXT NOT NULL DEFAULT '',
    media_type  TEXT NOT NULL DEFAULT '',
    md5         TEXT NOT NULL DEFAULT '',
    sha1        TEXT NOT NULL DEFAULT '',
    sha256      TEXT NOT NULL DEFAULT '',
    pdq         TEXT NOT NULL DEFAULT '',
    pdq_quality INTEGER NOT NULL DEFAULT -1,
    status      TEXT NOT NULL DEFAULT 'unknown',
    error       TEXT NOT NULL DEFAULT '',
    warnings    TEXT NOT NULL DEFAULT '',
    UNIQUE (exhibit_id, path)
);
CREATE INDEX files_sha256 ON files (sha256);
CREATE INDEX files_md5 ON files (md5);

CREATE TABLE custody_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    exhibit_id  INTEGER REFERENCES exhibits(id),
    event       TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    digests     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE audit (
    seq           INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    object        TEXT NOT NULL,
    before_digest TEXT NOT NULL DEFAULT '',
    after_digest  TEXT NOT NULL DEFAULT '',
    detail        TEXT NOT NULL DEFAULT '',
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
