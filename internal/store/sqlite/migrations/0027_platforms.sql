-- 0027: seized platform databases. A platform is imported into a case
-- under a name; its users (by the platform's own id), their identifiers
-- (e-mail, phone, platform username, IPs with the first and last time
-- seen, wallets), their activity (uploads, downloads, views, messages,
-- payments, deposit addresses; one row per dump row, keyed by table and
-- row so that a rerun stores nothing twice) and every row that could not
-- be read.
CREATE TABLE platforms (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    name            TEXT NOT NULL,
    mapping_sha256  TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    UNIQUE (case_id, name)
);

CREATE TABLE platform_users (
    id            INTEGER PRIMARY KEY,
    platform_id   INTEGER NOT NULL REFERENCES platforms(id),
    ext_id        TEXT NOT NULL,
    username      TEXT NOT NULL DEFAULT '',
    display_name  TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT '',
    country       TEXT NOT NULL DEFAULT '',
    created       TEXT NOT NULL DEFAULT '',
    UNIQUE (platform_id, ext_id)
);

CREATE TABLE platform_identifiers (
    user_id     INTEGER NOT NULL REFERENCES platform_users(id),
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    first_seen  TEXT NOT NULL DEFAULT '',
    last_seen   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, key)
);
CREATE INDEX platform_identifiers_key ON platform_identifiers (key);

CREATE TABLE platform_activity (
    id           INTEGER PRIMARY KEY,
    platform_id  INTEGER NOT NULL REFERENCES platforms(id),
    ref          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES platform_users(id),
    other_id     INTEGER,
    at           TEXT NOT NULL DEFAULT '',
    sha256       TEXT NOT NULL DEFAULT '',
    sha1         TEXT NOT NULL DEFAULT '',
    md5          TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL DEFAULT '',
    size         INTEGER NOT NULL DEFAULT 0,
    upload_ref   TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    amount       TEXT NOT NULL DEFAULT '',
    txid         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT '',
    matched      TEXT NOT NULL DEFAULT '',
    UNIQUE (platform_id, ref)
);
CREATE INDEX platform_activity_user ON platform_activity (user_id, kind);

CREATE TABLE platform_errors (
    platform_id  INTEGER NOT NULL REFERENCES platforms(id),
    file         TEXT NOT NULL,
    tbl          TEXT NOT NULL,
    line         INTEGER NOT NULL,
    col          TEXT NOT NULL,
    message      TEXT NOT NULL,
    skipped      INTEGER NOT NULL,
    PRIMARY KEY (platform_id, file, line, tbl, col, message)
);
