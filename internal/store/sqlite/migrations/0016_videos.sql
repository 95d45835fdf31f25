-- 0016: videos. What ffprobe declared about a video file and how its
-- frames were selected (file_videos), and its vPDQ: one row per hashed
-- frame (file_vpdq), frame number, PDQ quality, hash, timestamp.
CREATE TABLE file_videos (
    file_id          INTEGER PRIMARY KEY REFERENCES files(id),
    format           TEXT NOT NULL DEFAULT '',
    codec            TEXT NOT NULL DEFAULT '',
    width            INTEGER NOT NULL DEFAULT 0,
    height           INTEGER NOT NULL DEFAULT 0,
    fps              REAL NOT NULL DEFAULT 0,
    duration         REAL NOT NULL DEFAULT 0,
    seconds_per_hash REAL NOT NULL DEFAULT 0,
    frame_mod        INTEGER NOT NULL DEFAULT 1,
    frame_size       INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE file_vpdq (
    file_id  INTEGER NOT NULL REFERENCES files(id),
    frame    INTEGER NOT NULL,
    quality  INTEGER NOT NULL,
    pdq      TEXT NOT NULL,
    ts       REAL NOT NULL,
    PRIMARY KEY (file_id, frame)
);
