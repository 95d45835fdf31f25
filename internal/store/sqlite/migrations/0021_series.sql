-- 0017: victim-identification series. An analyst turns a new-material
-- cluster of a case into a series (name, flags, country of production,
-- contact); its members are hashes only. A series may be shared with an
-- agency (a hub's victim-ID desk), and series of different cases whose
-- images match by PDQ are linked: each side sees the other's agency,
-- contact and flags, never its content.
CREATE TABLE series (
    id                   INTEGER PRIMARY KEY,
    case_id              INTEGER NOT NULL REFERENCES cases(id),
    name                 TEXT NOT NULL,
    victim_identified    INTEGER NOT NULL DEFAULT 0,
    offender_identified  INTEGER NOT NULL DEFAULT 0,
    baseline             INTEGER NOT NULL DEFAULT 0,
    country              TEXT NOT NULL DEFAULT '',
    contact              TEXT NOT NULL DEFAULT '',
    created_at           TEXT NOT NULL,
    created_by           TEXT NOT NULL,
    UNIQUE (case_id, name)
);

CREATE TABLE series_members (
    series_id    INTEGER NOT NULL REFERENCES series(id),
    sha256       TEXT NOT NULL,
    md5          TEXT NOT NULL DEFAULT '',
    sha1         TEXT NOT NULL DEFAULT '',
    pdq          TEXT NOT NULL DEFAULT '',
    pdq_quality  INTEGER NOT NULL DEFAULT 0,
    exhibit      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (series_id, sha256)
);

CREATE TABLE series_shares (
    series_id   INTEGER NOT NULL REFERENCES series(id),
    agency      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (series_id, agency)
);

-- A link between two series whose images match by PDQ (series_a < series_b).
CREATE TABLE series_links (
    series_a      INTEGER NOT NULL REFERENCES series(id),
    series_b      INTEGER NOT NULL REFERENCES series(id),
    matches       INTEGER NOT NULL,
    min_distance  INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (series_a, series_b)
);
CREATE INDEX series_links_b ON series_links (series_b);
