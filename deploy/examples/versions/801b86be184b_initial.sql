-- revision: 801b86be184b
-- down_revision:
-- message: initial users and refresh_tokens
-- transactional: true
-- +upgrade
CREATE TYPE userrole AS ENUM ('unknown', 'user', 'admin');

CREATE TABLE users (
    id uuid NOT NULL,
    email varchar(320) NOT NULL,
    hashed_password varchar(1024) NOT NULL,
    full_name varchar(255),
    is_active boolean NOT NULL,
    is_verified boolean NOT NULL,
    role userrole NOT NULL,
    token_version integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz,
    CONSTRAINT pk_users PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_users_email ON users (email);

CREATE TABLE refresh_tokens (
    id uuid NOT NULL,
    token_hash varchar(64) NOT NULL,
    user_id uuid NOT NULL,
    family_id uuid NOT NULL,
    device_id varchar(255),
    device_name varchar(100),
    ip_address varchar(45),
    expires_at timestamptz NOT NULL,
    is_revoked boolean NOT NULL,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz,
    CONSTRAINT pk_refresh_tokens PRIMARY KEY (id),
    CONSTRAINT fk_refresh_tokens_user_id_users FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE INDEX ix_refresh_tokens_expires_at ON refresh_tokens (expires_at);
CREATE INDEX ix_refresh_tokens_family_id ON refresh_tokens (family_id);
CREATE UNIQUE INDEX ix_refresh_tokens_token_hash ON refresh_tokens (token_hash);
CREATE INDEX ix_refresh_tokens_user_id ON refresh_tokens (user_id);
-- +downgrade
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TYPE userrole;
