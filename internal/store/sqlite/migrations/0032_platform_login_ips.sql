-- 0032: compact logins. A login's IP is stored once per platform
-- (platform_ips, with its identifier kind and key) and named by its id;
-- its time is Unix seconds (NULL unknown) instead of text. The IPs a
-- user logged in from, with the first and last time seen, are one row
-- per IP and user in platform_login_ips, keyed by integers, instead of
-- an identifier row with a text key: an import folds its logins into it
-- with one grouped statement, in key order (new IPs and users only ever
-- append). Keyed by IP first, it needs no second index: it is read by
-- platform (through its IPs) or by IP key, never by user alone. Readers
-- of a platform's identifiers read both tables. IP identifiers folded
-- before this migration stay in platform_identifiers (they cannot be
-- told from a user row's IP); the stored logins are folded here too, and
-- readers merge the two.
CREATE TABLE platform_ips (
    id           INTEGER PRIMARY KEY,
    platform_id  INTEGER NOT NULL REFERENCES platforms(id),
    ip           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    key          TEXT NOT NULL,
    UNIQUE (platform_id, ip)
);
CREATE INDEX platform_ips_key ON platform_ips (key);

INSERT INTO platform_ips (platform_id, ip, kind, key)
SELECT DISTINCT s.platform_id, l.ip, CASE WHEN l.ip LIKE '%:%' THEN 'ipv6' ELSE 'ipv4' END,
    CASE WHEN l.ip LIKE '%:%' THEN 'ipv6:' ELSE 'ipv4:' END || l.ip
FROM platform_logins l JOIN platform_sources s ON s.id = l.source_id WHERE l.ip <> '';

CREATE TABLE platform_logins_0032 (
    source_id  INTEGER NOT NULL REFERENCES platform_sources(id),
    off        INTEGER NOT NULL,
    line       INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    ip_id      INTEGER NOT NULL DEFAULT 0,
    at         INTEGER,
    agent_id   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source_id, off)
) WITHOUT ROWID;

INSERT INTO platform_logins_0032 (source_id, off, line, user_id, ip_id, at, agent_id)
SELECT l.source_id, l.off, l.line, l.user_id, COALESCE(i.id, 0), CAST(strftime('%s', NULLIF(l.at, '')) AS INTEGER), l.agent_id
FROM platform_logins l JOIN platform_sources s ON s.id = l.source_id
LEFT JOIN platform_ips i ON i.platform_id = s.platform_id AND i.ip = l.ip;

DROP TABLE platform_logins;
ALTER TABLE platform_logins_0032 RENAME TO platform_logins;

CREATE TABLE platform_login_ips (
    user_id   INTEGER NOT NULL,
    ip_id     INTEGER NOT NULL,
    first_at  INTEGER,
    last_at   INTEGER,
    PRIMARY KEY (ip_id, user_id)
) WITHOUT ROWID;

INSERT INTO platform_login_ips (user_id, ip_id, first_at, last_at)
SELECT user_id, ip_id, MIN(at), MAX(at) FROM platform_logins WHERE ip_id <> 0 GROUP BY ip_id, user_id;
