-- revision: a1
-- +Upgrade
SELECT 1;
