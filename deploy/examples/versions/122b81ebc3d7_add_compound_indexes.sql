-- revision: 122b81ebc3d7
-- down_revision: 801b86be184b
-- branch_labels: perf
-- message: add compound indexes for performance
-- transactional: true
-- +upgrade
CREATE INDEX ix_refresh_tokens_user_expires ON refresh_tokens (user_id, expires_at);
CREATE INDEX ix_users_active_created ON users (is_active, created_at);
-- +downgrade
DROP INDEX ix_users_active_created;
DROP INDEX ix_refresh_tokens_user_expires;
