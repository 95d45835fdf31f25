-- 0038: a platform identifier's first and last times as Unix seconds
-- (NULL unknown) instead of RFC 3339 text, and its kind taken from its
-- key (the text before the first colon, as identifier.Key writes it)
-- instead of stored. An import writes millions of identifiers, and each
-- text value bound costs the driver a copy, a lock and an unbind where an
-- integer costs the lock: three text values of five were the kind and
-- the two times, some 40 of an identifier's 85 bytes. The kind is a
-- virtual column, computed when read. A time the date functions cannot
-- read (a year past 9999, which no import writes: it stores the times it
-- parsed, in RFC 3339) becomes unknown. SQLite can change none of this in
-- place: the table is copied.
CREATE TABLE platform_identifiers_0038 (
    user_id   INTEGER NOT NULL,
    key       TEXT NOT NULL,
    first_at  INTEGER,
    last_at   INTEGER,
    kind      TEXT GENERATED ALWAYS AS (substr(key, 1, instr(key, ':') - 1)) VIRTUAL,
    PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
INSERT INTO platform_identifiers_0038 (user_id, key, first_at, last_at)
    SELECT user_id, key, unixepoch(NULLIF(first_seen, '')), unixepoch(NULLIF(last_seen, '')) FROM platform_identifiers;
DROP TABLE platform_identifiers;
ALTER TABLE platform_identifiers_0038 RENAME TO platform_identifiers;
CREATE INDEX platform_identifiers_key ON platform_identifiers (key);
