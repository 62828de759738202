-- revision: a1
-- down_revision: a0
CREATE TABLE t (id int);
