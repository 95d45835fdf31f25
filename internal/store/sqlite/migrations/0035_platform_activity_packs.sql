-- 0035: activity in packs. An import stores a platform's activity
-- (uploads, downloads, views, messages, payments, deposit addresses) as
-- one row per source, user and kind (platform_activity_packs): that
-- user's rows of the kind from that source (a file and a table), packed
-- (store/platform_activity_pack.go: varints, by offset in the dump),
-- with their count, the counts of files a bank matched, no bank knew and
-- a bank listed as ignorable, and of rows with another status (with those
-- statuses and their counts as lines of "count<TAB>status"), and the
-- newest time as columns. An import
-- spills activity to sorted runs in temporary files and merges them at
-- the end, so it writes one row per user and table where it wrote one per
-- dump row. A rerun of a source replaces its packs, so the bank matches
-- are those of the banks at the last import. Activity stored before this
-- migration stays in platform_activity, a platform that has such rows
-- keeps adding rows there, and readers read both. (Not WITHOUT ROWID in
-- SQLite: a pack of a few kilobytes would overflow an index page.)
CREATE TABLE platform_activity_packs (
    source_id  INTEGER NOT NULL REFERENCES platform_sources(id),
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
