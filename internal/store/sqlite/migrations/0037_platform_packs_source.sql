-- 0037: login and activity packs without a foreign key on their source.
-- A multi-row INSERT into a table with an immediate foreign key may have
-- to undo itself halfway, so SQLite copies every stored page it changes
-- into a statement journal first; the import writes packs by the
-- thousand a statement (with OR FAIL, which needs no undo, once the key
-- is gone) and creates each source before the packs that name it, as it
-- resolves every user before a row naming it (0033, 0036). SQLite cannot
-- drop a foreign key in place: the tables are copied.
CREATE TABLE platform_login_packs_0037 (
    source_id  INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    first_off  INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    first_at   INTEGER,
    last_at    INTEGER,
    logins     BLOB NOT NULL,
    ips        BLOB NOT NULL,
    PRIMARY KEY (source_id, user_id, first_off)
) WITHOUT ROWID;
INSERT INTO platform_login_packs_0037 (source_id, user_id, first_off, n, first_at, last_at, logins, ips)
    SELECT source_id, user_id, first_off, n, first_at, last_at, logins, ips FROM platform_login_packs;
DROP TABLE platform_login_packs;
ALTER TABLE platform_login_packs_0037 RENAME TO platform_login_packs;

CREATE TABLE platform_activity_packs_0037 (
    source_id  INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    n          INTEGER NOT NULL,
    matched    INTEGER NOT NULL,
    unknown    INTEGER NOT NULL,
    ignorable  INTEGER NOT NULL,
    other      INTEGER NOT NULL,
    other_statuses TEXT,
    last_at    TEXT,
    acts       BLOB NOT NULL,
    PRIMARY KEY (source_id, user_id, kind)
);
INSERT INTO platform_activity_packs_0037 (source_id, user_id, kind, n, matched, unknown, ignorable, other, other_statuses, last_at, acts)
    SELECT source_id, user_id, kind, n, matched, unknown, ignorable, other, other_statuses, last_at, acts FROM platform_activity_packs;
DROP TABLE platform_activity_packs;
ALTER TABLE platform_activity_packs_0037 RENAME TO platform_activity_packs;
