-- down_revision: a0
-- message: no id
-- +upgrade
SELECT 1;
