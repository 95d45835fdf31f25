-- 0036: platform identifiers in one B-tree, without a foreign key on
-- their user. A rowid table with a primary key is two B-trees, the rows
-- and an index holding their key again, and an import writes millions of
-- identifiers into both, each checked against platform_users; the import
-- resolves every user before it writes a row naming it (as for activity,
-- 0033). WITHOUT ROWID stores each identifier once, in the order of its
-- primary key. SQLite can change neither in place: the table is copied.
CREATE TABLE platform_identifiers_0036 (
    user_id     INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    first_seen  TEXT NOT NULL DEFAULT '',
    last_seen   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
INSERT INTO platform_identifiers_0036 SELECT user_id, kind, key, first_seen, last_seen FROM platform_identifiers;
DROP TABLE platform_identifiers;
ALTER TABLE platform_identifiers_0036 RENAME TO platform_identifiers;
CREATE INDEX platform_identifiers_key ON platform_identifiers (key);
