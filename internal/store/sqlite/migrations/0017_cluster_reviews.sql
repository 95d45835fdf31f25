-- 0017: an analyst's verdict on a cluster of new material (reviewed, or
-- flagged for victim identification), with a note. Clusters are computed,
-- not stored, so a review is keyed by its case and its anchor: the file
-- that was the cluster's first member when it was marked. A cluster shows
-- the newest review whose anchor is among its members, so the review
-- survives re-clustering (new members, merged clusters) as long as that
-- image stays in it. Marking the same anchor again replaces the review;
-- the audit trail keeps every mark.
CREATE TABLE cluster_reviews (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    file_id    INTEGER NOT NULL REFERENCES files(id),
    state      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (case_id, file_id)
);
