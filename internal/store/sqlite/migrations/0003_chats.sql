-- 0003: chat exports (conversations, participants, messages, attachments,
-- membership events) and the identifiers that link people across sources.
CREATE TABLE conversations (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    exhibit_id    INTEGER REFERENCES exhibits(id),
    platform      TEXT NOT NULL,
    ext_id        TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    type          TEXT NOT NULL DEFAULT '',
    source_path   TEXT NOT NULL DEFAULT '',
    imported_at   TEXT NOT NULL,
    UNIQUE (case_id, platform, ext_id)
);

CREATE TABLE participants (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    ext_id          TEXT NOT NULL,
    display_name    TEXT NOT NULL DEFAULT '',
    names           TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    username        TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL DEFAULT '',
    UNIQUE (conversation_id, ext_id)
);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    ext_id          TEXT NOT NULL,
    at_utc          TEXT NOT NULL DEFAULT '',
    utc_offset      TEXT NOT NULL DEFAULT '',
    sender_id       INTEGER REFERENCES participants(id),
    service         INTEGER NOT NULL DEFAULT 0,
    action          TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL DEFAULT '',
    reply_to        TEXT NOT NULL DEFAULT '',
    forwarded_from  TEXT NOT NULL DEFAULT '',
    edited_at       TEXT NOT NULL DEFAULT '',
    UNIQUE (conversation_id, ext_id)
);
CREATE INDEX messages_sender ON messages (sender_id);

CREATE TABLE attachments (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    message_ext_id  TEXT NOT NULL,
    sender_id       INTEGER REFERENCES participants(id),
    kind            TEXT NOT NULL DEFAULT '',
    rel_path        TEXT NOT NULL DEFAULT '',
    file_name       TEXT NOT NULL DEFAULT '',
    present         INTEGER NOT NULL DEFAULT 0,
    file_id         INTEGER REFERENCES files(id),
    UNIQUE (conversation_id, message_ext_id, rel_path, file_name)
);

CREATE TABLE membership_events (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    message_ext_id  TEXT NOT NULL,
    at_utc          TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL,
    actor_id        INTEGER REFERENCES participants(id),
    target_id       INTEGER REFERENCES participants(id),
    detail          TEXT NOT NULL DEFAULT '',
    UNIQUE (conversation_id, message_ext_id, kind, detail)
);

CREATE TABLE identifiers (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    kind       TEXT NOT NULL,
    normalized TEXT NOT NULL,
    key        TEXT NOT NULL,
    UNIQUE (case_id, key)
);

CREATE TABLE identifier_links (
    identifier_id INTEGER NOT NULL REFERENCES identifiers(id),
    subject_type  TEXT NOT NULL,
    subject_id    INTEGER NOT NULL,
    source        TEXT NOT NULL,
    value         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (identifier_id, subject_type, subject_id, source)
);
CREATE INDEX identifier_links_subject ON identifier_links (subject_type, subject_id);
