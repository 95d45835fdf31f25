-- 0023: the files table filtered by a rare category reads that category's
-- matches first instead of scanning every matched file of the case.
CREATE INDEX file_matches_category ON file_matches (category, file_id);
CREATE INDEX file_matches_norm_category ON file_matches (norm_category, file_id);
