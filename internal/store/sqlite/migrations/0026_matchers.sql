-- 0026: the sharded PDQ matcher. bank_record_removals is the tombstone
-- log of records removed from a live bank (matchers tail it past their
-- watermark and drop those records without a rebuild); matchers is the
-- registry of matcher processes: where each listens, which of the P
-- virtual partitions it holds, and its last heartbeat (Unix ms).
CREATE TABLE bank_record_removals (
    seq         INTEGER PRIMARY KEY,
    bank_id     INTEGER NOT NULL,
    record_id   INTEGER NOT NULL,
    removed_at  TEXT NOT NULL
);

CREATE TABLE matchers (
    name          TEXT PRIMARY KEY,
    addr          TEXT NOT NULL,
    partitions    TEXT NOT NULL,
    of_total      INTEGER NOT NULL,
    started_at    TEXT NOT NULL,
    heartbeat_ms  INTEGER NOT NULL
);

-- (SQLite's bank_records_bank index already orders by rowid = id within
-- a bank, which is what the tail reads.)
