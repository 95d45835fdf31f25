-- 0024: video hash lists in banks and video matches. A bank record may
-- carry a video's vPDQ (bank_records.vpdq: its frames in the reference
-- text form, frame,quality,pdqHex,timestamp lines); a file's vPDQ match
-- records the share of its frames near the video's (query_percent) and
-- the share of the video's frames near its own (compared_percent), -1 for
-- matches of other kinds.
ALTER TABLE bank_records ADD COLUMN vpdq TEXT NOT NULL DEFAULT '';
ALTER TABLE file_matches ADD COLUMN query_percent REAL NOT NULL DEFAULT -1;
ALTER TABLE file_matches ADD COLUMN compared_percent REAL NOT NULL DEFAULT -1;
