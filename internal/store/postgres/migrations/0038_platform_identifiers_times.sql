-- 0038: a platform identifier's first and last times as Unix seconds
-- (NULL unknown) instead of RFC 3339 text, and its kind taken from its
-- key (the text before the first colon, as identifier.Key writes it)
-- instead of written by the import: fewer and smaller values an
-- identifier, of which an import writes millions (see the SQLite
-- migration). A time not in the RFC 3339 UTC form imports write becomes
-- unknown rather than failing the migration.
ALTER TABLE platform_identifiers ADD COLUMN first_at BIGINT, ADD COLUMN last_at BIGINT;
UPDATE platform_identifiers SET
    first_at = CASE WHEN first_seen ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$'
        THEN floor(extract(epoch FROM first_seen::timestamptz))::bigint END,
    last_at = CASE WHEN last_seen ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$'
        THEN floor(extract(epoch FROM last_seen::timestamptz))::bigint END;
ALTER TABLE platform_identifiers DROP COLUMN first_seen, DROP COLUMN last_seen, DROP COLUMN kind;
ALTER TABLE platform_identifiers ADD COLUMN kind TEXT GENERATED ALWAYS AS (split_part(key, ':', 1)) STORED;
