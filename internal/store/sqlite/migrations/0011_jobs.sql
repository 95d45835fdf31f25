-- 0011: background jobs run by the server (vibora serve): one row per job,
-- the record the API shows. The job engine's own tables (river_*) are
-- migrated by the job package when it starts.
CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    case_id          INTEGER REFERENCES cases(id),
    params           TEXT NOT NULL,
    principal        TEXT NOT NULL,
    submitted_by     TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'queued',
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    progress         TEXT NOT NULL DEFAULT '',
    result           TEXT NOT NULL DEFAULT '',
    error            TEXT NOT NULL DEFAULT '',
    upload           TEXT NOT NULL DEFAULT '',
    ticket           INTEGER,
    runner           TEXT NOT NULL DEFAULT '',
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    started_at       TEXT NOT NULL DEFAULT '',
    finished_at      TEXT NOT NULL DEFAULT '',
    heartbeat_at     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_case ON jobs (case_id, id);
CREATE INDEX jobs_state ON jobs (state, id);
