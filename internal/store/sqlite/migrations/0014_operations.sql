-- 0014: operations across agencies. An operation has a lead agency and
-- partner agencies and coordinators (each with a contact), groups cases of
-- several agencies, and follows every suspect (a person of one of its
-- cases) through the statuses of internal/operation, with the history of
-- every change, and the devices seized and victims safeguarded.
CREATE TABLE operations (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    lead_agency  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);

-- The agencies taking part: role is lead, partner or coordinator.
CREATE TABLE operation_agencies (
    operation_id  INTEGER NOT NULL REFERENCES operations(id),
    agency        TEXT NOT NULL,
    role          TEXT NOT NULL,
    contact       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    PRIMARY KEY (operation_id, agency)
);
CREATE INDEX operation_agencies_agency ON operation_agencies (agency);

CREATE TABLE operation_cases (
    operation_id  INTEGER NOT NULL REFERENCES operations(id),
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    PRIMARY KEY (operation_id, case_id)
);
CREATE INDEX operation_cases_case ON operation_cases (case_id);

-- A suspect: one person of one case of the operation. status, country
-- and role repeat the newest history row for lists.
CREATE TABLE operation_suspects (
    id            INTEGER PRIMARY KEY,
    operation_id  INTEGER NOT NULL REFERENCES operations(id),
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    person        TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    country       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    UNIQUE (operation_id, case_id, person)
);

-- Every status change: who, when (recorded), the day it happened, why, the
-- evidence reference, and the facts its status needs.
CREATE TABLE operation_status_history (
    id          INTEGER PRIMARY KEY,
    suspect_id  INTEGER NOT NULL REFERENCES operation_suspects(id),
    status      TEXT NOT NULL,
    day         TEXT NOT NULL,
    why         TEXT NOT NULL,
    evidence    TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    channel     TEXT NOT NULL DEFAULT '',
    package     TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX operation_status_history_suspect ON operation_status_history (suspect_id, id);

-- Devices seized and victims safeguarded, against the operation and,
-- when suspect_id is set, one of its suspects.
CREATE TABLE operation_tallies (
    id            INTEGER PRIMARY KEY,
    operation_id  INTEGER NOT NULL REFERENCES operations(id),
    suspect_id    INTEGER REFERENCES operation_suspects(id),
    devices       INTEGER NOT NULL DEFAULT 0,
    victims       INTEGER NOT NULL DEFAULT 0,
    day           TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL
);
CREATE INDEX operation_tallies_operation ON operation_tallies (operation_id, id);
