-- revision: 360b16ba22c2
-- down_revision: 801b86be184b
-- message: add password_changed_at to users
-- transactional: true
-- +upgrade
ALTER TABLE users ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now();
-- +downgrade
ALTER TABLE users DROP COLUMN password_changed_at;
