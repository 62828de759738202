-- revision: 2d12193b6184
-- down_revision: 360b16ba22c2
-- message: add ON DELETE CASCADE for user foreign keys
-- transactional: true
-- +upgrade
ALTER TABLE refresh_tokens DROP CONSTRAINT fk_refresh_tokens_user_id_users;
ALTER TABLE refresh_tokens ADD CONSTRAINT fk_refresh_tokens_user_id_users
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
-- +downgrade
ALTER TABLE refresh_tokens DROP CONSTRAINT fk_refresh_tokens_user_id_users;
ALTER TABLE refresh_tokens ADD CONSTRAINT fk_refresh_tokens_user_id_users
    FOREIGN KEY (user_id) REFERENCES users (id);
