-- 0036: platform identifiers without a foreign key on their user.
-- Checking it cost a lookup in platform_users per identifier of imports
-- with millions of them; the import resolves every user before it writes
-- a row naming it (as for activity, 0033). (On SQLite the table is also
-- rebuilt WITHOUT ROWID; PostgreSQL keeps a table and its key's index.)
ALTER TABLE platform_identifiers DROP CONSTRAINT platform_identifiers_user_id_fkey;
