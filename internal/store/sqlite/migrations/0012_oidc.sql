-- 0012: accounts may log in through their agency's OpenID Connect
-- provider. A user is linked to one identity, (issuer, subject), never to
-- an e-mail address; a session records how it was opened.
ALTER TABLE users ADD COLUMN oidc_issuer TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN oidc_subject TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX users_oidc ON users (oidc_issuer, oidc_subject) WHERE oidc_subject <> '';
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
