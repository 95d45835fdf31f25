-- 0030: a seized platform's logins as rows (user, IP, time, user agent)
-- with the source row behind each: the file and table it came from
-- (platform_sources) and its byte offset and line there. The offset
-- within a source keys a login, so a rerun stores nothing twice; the
-- rows are written in that order, so the key only ever grows at its end.
-- User agents are stored once per platform (platform_agents). The user
-- column carries no foreign key: checking it would cost a lookup in
-- platform_users per row of dumps with tens of millions of logins; the
-- import resolves every user before it writes a login.
CREATE TABLE platform_sources (
    id           INTEGER PRIMARY KEY,
    platform_id  INTEGER NOT NULL REFERENCES platforms(id),
    file         TEXT NOT NULL,
    tbl          TEXT NOT NULL,
    UNIQUE (platform_id, file, tbl)
);

CREATE TABLE platform_agents (
    id           INTEGER PRIMARY KEY,
    platform_id  INTEGER NOT NULL REFERENCES platforms(id),
    agent        TEXT NOT NULL,
    UNIQUE (platform_id, agent)
);

CREATE TABLE platform_logins (
    source_id  INTEGER NOT NULL REFERENCES platform_sources(id),
    off        INTEGER NOT NULL,
    line       INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    ip         TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL DEFAULT '',
    agent_id   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source_id, off)
) WITHOUT ROWID;
