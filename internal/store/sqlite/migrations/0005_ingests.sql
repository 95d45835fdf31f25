-- 0005: ingest runs (roots, manifest) and each file's path on disk.
ALTER TABLE files ADD COLUMN os_path TEXT NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;

CREATE TABLE ingests (
    id              INTEGER PRIMARY KEY,
    exhibit_id      INTEGER NOT NULL REFERENCES exhibits(id),
    roots           TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    finished_at     TEXT NOT NULL DEFAULT '',
    actor           TEXT NOT NULL,
    files           INTEGER NOT NULL DEFAULT 0,
    bytes           INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'running',
    manifest        TEXT NOT NULL DEFAULT '',
    manifest_sha256 TEXT NOT NULL DEFAULT ''
);
