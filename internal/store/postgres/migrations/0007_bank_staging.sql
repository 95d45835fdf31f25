-- 0007: a bank import writes its records under a staging row in batched
-- transactions and switches it in at the end; the replaced version is
-- retired and its records deleted in batches. staged_for names the bank a
-- staging or retired row belongs to ('' for a live bank), and only live
-- banks are listed or matched.
ALTER TABLE banks ADD COLUMN staged_for TEXT NOT NULL DEFAULT '';
