-- revision: c8626eb4ecaa
-- down_revision: 9a2355b7dd59
-- message: index audit_log by user without locking writes
-- transactional: false
-- +upgrade
CREATE INDEX CONCURRENTLY ix_audit_log_app_user_id ON audit_log (app_user_id);
-- +downgrade
DROP INDEX CONCURRENTLY ix_audit_log_app_user_id;
