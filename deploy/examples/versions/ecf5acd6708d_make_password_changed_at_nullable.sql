-- revision: ecf5acd6708d
-- down_revision: 3cfc87221979
-- message: make password_changed_at nullable
-- transactional: true
-- +upgrade
ALTER TABLE users ALTER COLUMN password_changed_at DROP NOT NULL;
-- +downgrade
UPDATE users SET password_changed_at = now() WHERE password_changed_at IS NULL;
ALTER TABLE users ALTER COLUMN password_changed_at SET NOT NULL;
