-- 0016: referral packages. An agency's Ed25519 signing keys (the private
-- key sealed under a passphrase when one was given; never exported), the
-- registry of the senders' public keys an agency trusts (holder: the
-- trusting agency, '' on a local store), and the packages sent, so that an
-- acknowledgement is matched to what was sent.
CREATE TABLE signing_keys (
    id           INTEGER PRIMARY KEY,
    agency       TEXT NOT NULL,
    name         TEXT NOT NULL,
    key_id       TEXT NOT NULL UNIQUE,
    public_key   TEXT NOT NULL,
    private_key  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    UNIQUE (agency, name)
);

CREATE TABLE trusted_keys (
    id           INTEGER PRIMARY KEY,
    holder       TEXT NOT NULL,
    key_id       TEXT NOT NULL,
    agency       TEXT NOT NULL,
    name         TEXT NOT NULL,
    public_key   TEXT NOT NULL,
    not_after    TEXT NOT NULL DEFAULT '',
    added_at     TEXT NOT NULL,
    added_by     TEXT NOT NULL,
    UNIQUE (holder, key_id)
);

CREATE TABLE referrals_sent (
    id                  INTEGER PRIMARY KEY,
    referral_id         TEXT NOT NULL,
    operation           TEXT NOT NULL DEFAULT '',
    source_case         TEXT NOT NULL DEFAULT '',
    country             TEXT NOT NULL,
    channel             TEXT NOT NULL DEFAULT '',
    tagmanifest_sha256  TEXT NOT NULL UNIQUE,
    key_id              TEXT NOT NULL,
    suspects            TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL
);

-- The suspects of a package received and imported into a case: document
-- is the suspect's JSON as the package holds it; their identifiers are
-- linked with subject_type 'referral'.
CREATE TABLE referral_suspects (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    referral_id  TEXT NOT NULL,
    suspect      TEXT NOT NULL,
    source_ref   TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    country      TEXT NOT NULL,
    score        DOUBLE PRECISION NOT NULL DEFAULT 0,
    document     TEXT NOT NULL,
    UNIQUE (case_id, referral_id, suspect)
);
