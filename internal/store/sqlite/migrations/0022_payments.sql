-- 0022: payment events of a case: who paid whom, how much, when, by what
-- means, and the message or dump row behind it. A party is an identifier
-- key (iban:…, btc:…, card:visa:1111, paypal:…) and/or a person source
-- (participant, lead, account or platform user row) with the name the
-- source shows. Amounts are exact decimal text ("150.00"), never floats.
-- A card number is only ever its brand and last four digits.
-- (case_id, source_kind, source_ref) names one event: recording it again
-- changes nothing.
CREATE TABLE payments (
    id                 INTEGER PRIMARY KEY,
    case_id            INTEGER NOT NULL REFERENCES cases(id),
    source_kind        TEXT NOT NULL,
    source_ref         TEXT NOT NULL,
    conversation_id    INTEGER REFERENCES conversations(id),
    message_ext_id     TEXT NOT NULL DEFAULT '',
    exhibit_id         INTEGER REFERENCES exhibits(id),
    payer_key          TEXT NOT NULL DEFAULT '',
    payer_subject_type TEXT NOT NULL DEFAULT '',
    payer_subject_id   INTEGER NOT NULL DEFAULT 0,
    payer_name         TEXT NOT NULL DEFAULT '',
    payee_key          TEXT NOT NULL DEFAULT '',
    payee_subject_type TEXT NOT NULL DEFAULT '',
    payee_subject_id   INTEGER NOT NULL DEFAULT 0,
    payee_name         TEXT NOT NULL DEFAULT '',
    amount             TEXT NOT NULL DEFAULT '',
    currency           TEXT NOT NULL DEFAULT '',
    at_utc             TEXT NOT NULL DEFAULT '',
    method             TEXT NOT NULL DEFAULT '',
    txid               TEXT NOT NULL DEFAULT '',
    evidence           TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    UNIQUE (case_id, source_kind, source_ref)
);
CREATE INDEX payments_payer ON payments (case_id, payer_key);
CREATE INDEX payments_payee ON payments (case_id, payee_key);
