-- revision: 9a2355b7dd59
-- down_revision: 5e656b9e303b
-- message: add audit_log with ON DELETE SET NULL
-- transactional: true
-- +upgrade
CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    app_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    action varchar(64) NOT NULL,
    detail jsonb,
    at timestamptz NOT NULL DEFAULT now()
);
-- +downgrade
DROP TABLE audit_log;
