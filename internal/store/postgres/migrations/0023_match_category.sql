-- 0023: the files table filtered by a rare category reads that category's
-- matches first instead of scanning every matched file of the case; with
-- the bank kind, it knows at once whether any ignorable file can be in it.
CREATE INDEX file_matches_category ON file_matches (category, bank_kind, file_id);
CREATE INDEX file_matches_norm_category ON file_matches (norm_category, bank_kind, file_id);
