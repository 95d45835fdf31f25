-- 0025: AI generation. What image generators wrote into a file, one row
-- per generator record (file_generations: the summary fields and the whole
-- record as JSON), the models, LoRAs and other resources each record names
-- (file_generation_resources, with the hash as written, maybe a prefix),
-- and the hashes and training claims of model files (file_models). All are
-- claims of the file, never validated.
CREATE TABLE file_generations (
    file_id         BIGINT NOT NULL REFERENCES files(id),
    seq             INTEGER NOT NULL,
    generator       TEXT NOT NULL,
    version         TEXT NOT NULL DEFAULT '',
    seed            TEXT NOT NULL DEFAULT '',
    sampler         TEXT NOT NULL DEFAULT '',
    steps           TEXT NOT NULL DEFAULT '',
    width           INTEGER NOT NULL DEFAULT 0,
    height          INTEGER NOT NULL DEFAULT 0,
    workflow        TEXT NOT NULL DEFAULT '',
    source_type     TEXT NOT NULL DEFAULT '',
    ai_declared     INTEGER NOT NULL DEFAULT 0,
    user_name       TEXT NOT NULL DEFAULT '',
    record          TEXT NOT NULL,
    PRIMARY KEY (file_id, seq)
);
CREATE INDEX file_generations_workflow ON file_generations (workflow);
CREATE TABLE file_generation_resources (
    file_id   BIGINT NOT NULL REFERENCES files(id),
    seq       INTEGER NOT NULL,
    idx       INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    name      TEXT NOT NULL DEFAULT '',
    weight    TEXT NOT NULL DEFAULT '',
    hash      TEXT NOT NULL DEFAULT '',
    hash_kind TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (file_id, seq, idx)
);
CREATE INDEX file_generation_resources_hash ON file_generation_resources (hash);
CREATE TABLE file_models (
    file_id     BIGINT PRIMARY KEY REFERENCES files(id),
    format      TEXT NOT NULL,
    size        BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    autov1      TEXT NOT NULL DEFAULT '',
    autov2      TEXT NOT NULL,
    autov3      TEXT NOT NULL,
    blake3      TEXT NOT NULL,
    crc32       TEXT NOT NULL,
    tensors     INTEGER NOT NULL DEFAULT 0,
    output_name TEXT NOT NULL DEFAULT '',
    training    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX file_models_sha256 ON file_models (sha256);
CREATE INDEX file_models_autov3 ON file_models (autov3);
