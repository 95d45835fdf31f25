-- 0033: activity rows without a foreign key on their user. Checking it
-- cost a lookup in platform_users per row of imports with millions of
-- uploads and views (as logins, 0030); the import resolves every user
-- before it writes a row naming it.
ALTER TABLE platform_activity DROP CONSTRAINT platform_activity_user_id_fkey;
