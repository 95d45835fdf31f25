-- 0008: audit records name the principal that acted: its id, agency, roles,
-- authentication method and the request, hashed from record version 2 on.
-- Existing records are version 1 and keep the hash they were written with.
ALTER TABLE audit ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit ADD COLUMN actor_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN agency TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN roles TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN auth_method TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
