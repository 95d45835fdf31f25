-- 0002: hash banks, their records, and the matches of ingested files.
CREATE TABLE banks (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    source         TEXT NOT NULL DEFAULT '',
    file_name      TEXT NOT NULL DEFAULT '',
    file_sha256    TEXT NOT NULL DEFAULT '',
    format         TEXT NOT NULL DEFAULT '',
    format_version TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    imported_at    TEXT NOT NULL,
    imported_by    TEXT NOT NULL,
    record_count   INTEGER NOT NULL DEFAULT 0,
    rejected_count INTEGER NOT NULL DEFAULT 0,
    content_digest TEXT NOT NULL DEFAULT ''
);

CREATE TABLE bank_records (
    id                  INTEGER PRIMARY KEY,
    bank_id             INTEGER NOT NULL REFERENCES banks(id),
    md5                 TEXT NOT NULL DEFAULT '',
    sha1                TEXT NOT NULL DEFAULT '',
    sha256              TEXT NOT NULL DEFAULT '',
    pdq                 TEXT NOT NULL DEFAULT '',
    pdq_quality         INTEGER NOT NULL DEFAULT -1,
    photodna            TEXT NOT NULL DEFAULT '',
    category            TEXT NOT NULL DEFAULT '',
    profile             TEXT NOT NULL DEFAULT '',
    norm_category       TEXT NOT NULL DEFAULT '',
    series              TEXT NOT NULL DEFAULT '',
    victim_identified   TEXT NOT NULL DEFAULT '',
    offender_identified TEXT NOT NULL DEFAULT '',
    distributed         TEXT NOT NULL DEFAULT '',
    tags                TEXT NOT NULL DEFAULT '',
    source_id           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX bank_records_bank ON bank_records (bank_id);

CREATE TABLE file_matches (
    file_id   INTEGER NOT NULL REFERENCES files(id),
    bank      TEXT NOT NULL,
    bank_kind TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    hash      TEXT NOT NULL,
    distance  INTEGER NOT NULL DEFAULT 0,
    category  TEXT NOT NULL DEFAULT '',
    norm_category TEXT NOT NULL DEFAULT '',
    series    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (file_id, bank, record_id, kind)
);
