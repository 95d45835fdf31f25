-- 0017: what a case dashboard and the files table read without scanning a
-- case's files. Each file row names its case (files_case_* indexes page a
-- case's files by status in id, path or size order at any depth), and the
-- counts of files per exhibit and status, and of matched files per exhibit,
-- bank, category and series, are kept as files are stored (files are never
-- changed or removed).
ALTER TABLE files ADD COLUMN case_id INTEGER NOT NULL DEFAULT 0;
UPDATE files SET case_id = (SELECT e.case_id FROM exhibits e WHERE e.id = files.exhibit_id);
CREATE INDEX files_case_status_id ON files (case_id, status, id);
CREATE INDEX files_case_status_path ON files (case_id, status, path, id);
CREATE INDEX files_case_status_size ON files (case_id, status, size, id);

-- bytes counts the bytes read (files with a SHA-256); warned the files
-- with warnings.
CREATE TABLE file_counts (
    exhibit_id  INTEGER NOT NULL REFERENCES exhibits(id),
    status      TEXT NOT NULL,
    files       INTEGER NOT NULL DEFAULT 0,
    bytes       INTEGER NOT NULL DEFAULT 0,
    warned      INTEGER NOT NULL DEFAULT 0,
    pdq         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (exhibit_id, status)
);
INSERT INTO file_counts (exhibit_id, status, files, bytes, warned, pdq)
SELECT exhibit_id, status, COUNT(*), SUM(CASE WHEN sha256 <> '' THEN size ELSE 0 END),
       SUM(CASE WHEN warnings <> '' THEN 1 ELSE 0 END), SUM(CASE WHEN pdq <> '' THEN 1 ELSE 0 END)
FROM files GROUP BY exhibit_id, status;

-- A file counts once per bank, category (the normalised one when there is
-- one) and series it matched: exact when one of those matches is on a
-- digest, near when all are by PDQ.
CREATE TABLE match_counts (
    exhibit_id  INTEGER NOT NULL REFERENCES exhibits(id),
    bank        TEXT NOT NULL,
    bank_kind   TEXT NOT NULL,
    category    TEXT NOT NULL,
    series      TEXT NOT NULL,
    files       INTEGER NOT NULL DEFAULT 0,
    exact       INTEGER NOT NULL DEFAULT 0,
    near        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (exhibit_id, bank, category, series)
);
INSERT INTO match_counts (exhibit_id, bank, bank_kind, category, series, files, exact, near)
SELECT exhibit_id, bank, MIN(bank_kind), category, series, COUNT(*), SUM(ex), COUNT(*) - SUM(ex) FROM (
    SELECT f.exhibit_id AS exhibit_id, m.file_id AS file_id, m.bank AS bank, MIN(m.bank_kind) AS bank_kind,
           CASE WHEN m.norm_category <> '' THEN m.norm_category ELSE m.category END AS category, m.series AS series,
           MAX(CASE WHEN m.kind <> 'pdq' THEN 1 ELSE 0 END) AS ex
    FROM file_matches m JOIN files f ON f.id = m.file_id
    GROUP BY f.exhibit_id, m.file_id, m.bank, CASE WHEN m.norm_category <> '' THEN m.norm_category ELSE m.category END, m.series
) t GROUP BY exhibit_id, bank, category, series;
