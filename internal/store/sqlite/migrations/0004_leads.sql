-- 0004: stealer-log leads.
CREATE TABLE leads (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    log_id      TEXT NOT NULL,
    family      TEXT NOT NULL DEFAULT '',
    source_path TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    hwid        TEXT NOT NULL DEFAULT '',
    machine     TEXT NOT NULL DEFAULT '',
    os_user     TEXT NOT NULL DEFAULT '',
    watched_sites INTEGER NOT NULL DEFAULT 0,
    profile     TEXT NOT NULL DEFAULT '',
    imported_at TEXT NOT NULL,
    UNIQUE (case_id, log_id)
);
