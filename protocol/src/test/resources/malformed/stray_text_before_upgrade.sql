-- revision: a1

hello
-- +upgrade
SELECT 1;
