-- revision: a1
/* header */
-- +upgrade
