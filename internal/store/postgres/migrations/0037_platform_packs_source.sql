-- 0037: login and activity packs without a foreign key on their source.
-- Checking it cost a lookup in platform_sources per pack; the import
-- creates each source before the packs that name it, as it resolves
-- every user before a row naming it (0033, 0036). (On SQLite the key
-- also made every multi-row INSERT of packs copy the pages it changed
-- into a statement journal; there the tables are rebuilt.)
ALTER TABLE platform_login_packs DROP CONSTRAINT platform_login_packs_source_id_fkey;
ALTER TABLE platform_activity_packs DROP CONSTRAINT platform_activity_packs_source_id_fkey;
