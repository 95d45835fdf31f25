-- 0031: the person an exhibit (a seized device) is attributed to, as the
-- person ID of the suspect ranking (P12, L3, A7, U4): each names one
-- source of the person (a participant, a stealer-log lead, a full-account
-- export's exhibit, a platform user), so that the attribution follows the
-- source when later evidence joins it to other sources. Empty: no owner.
ALTER TABLE exhibits ADD COLUMN owner TEXT NOT NULL DEFAULT '';
