-- revision: a1
INSERT INTO audit_log (actor, action, detail) VALUES ('x', 'y', 'z');
-- +upgrade
