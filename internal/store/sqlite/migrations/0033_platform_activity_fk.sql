-- 0033: activity rows without a foreign key on their user. Checking it
-- cost a lookup in platform_users per row of imports with millions of
-- uploads and views (as logins, 0030); the import resolves every user
-- before it writes a row naming it. SQLite cannot drop a constraint: the
-- table is copied into one without it.
CREATE TABLE platform_activity_0033 (
    id           INTEGER PRIMARY KEY,
    platform_id  INTEGER NOT NULL REFERENCES platforms(id),
    ref          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    user_id      INTEGER NOT NULL,
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
INSERT INTO platform_activity_0033 SELECT id, platform_id, ref, kind, user_id, other_id, at, sha256, sha1, md5, name, size, upload_ref,
    address, amount, txid, status, matched FROM platform_activity;
DROP TABLE platform_activity;
ALTER TABLE platform_activity_0033 RENAME TO platform_activity;
CREATE INDEX platform_activity_user ON platform_activity (user_id, kind);
