-- 0034: logins in packs. A platform's logins are stored as one row per
-- source, user and import (platform_login_packs): the user's logins from
-- that source in that import, packed (store/platform_pack.go: varints,
-- by time), with their count and first and last time as columns, and the
-- IPs they came from with the first and last time from each, packed
-- likewise. An import spills its logins to sorted runs in temporary files
-- and merges them at the end, so it writes one row per user where it
-- wrote one per login and one per user and IP. The offset of the last
-- login stored from a source is kept on the source (logins_off), for
-- reruns. Logins stored before this migration stay in platform_logins
-- and platform_login_ips, and readers read both.
CREATE TABLE platform_login_packs (
    source_id  INTEGER NOT NULL REFERENCES platform_sources(id),
    user_id    INTEGER NOT NULL,
    first_off  INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    first_at   INTEGER,
    last_at    INTEGER,
    logins     BLOB NOT NULL,
    ips        BLOB NOT NULL,
    PRIMARY KEY (source_id, user_id, first_off)
) WITHOUT ROWID;

ALTER TABLE platform_sources ADD COLUMN logins_off INTEGER NOT NULL DEFAULT -1;
