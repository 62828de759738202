-- revision: a1
-- +downgrade
DROP TABLE t;
-- +upgrade
CREATE TABLE t (id int);
