-- The coordinator's projection of the event log. Every row here is derived from the
-- three topics; dropping the tables (flyway_schema_history included) and restarting
-- rebuilds them by replaying the log from the beginning.

-- Published revisions (revisions topic). seq = the record's offset: the topic's total order.
CREATE TABLE revisions (
    id             varchar(64) PRIMARY KEY,
    seq            bigint      NOT NULL UNIQUE,
    down_revisions text        NOT NULL,   -- comma-separated, '' for a base
    branch_labels  text        NOT NULL,
    depends_on     text        NOT NULL,
    message        text        NOT NULL,
    transactional  boolean     NOT NULL,
    upgrade        text        NOT NULL,
    downgrade      text        NOT NULL,
    checksum       char(64)    NOT NULL,
    published_at   timestamptz NOT NULL,   -- the event's `at`
    event_id       varchar(128) NOT NULL
);

-- Rollouts (rollouts topic), newest wins.
CREATE TABLE rollouts (
    id          varchar(128) PRIMARY KEY,
    seq         bigint       NOT NULL UNIQUE,
    destination text         NOT NULL,
    waves       text         NOT NULL,     -- the event's waves, JSON
    supersedes  varchar(128),
    started_at  timestamptz  NOT NULL,
    state       varchar(32)  NOT NULL      -- started | superseded
);

-- The fleet's destination: one row at most.
CREATE TABLE fleet (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    destination text         NOT NULL,
    rollout_id  varchar(128) NOT NULL
);

-- Where every tenant stands: its newest report.
CREATE TABLE tenants (
    id             varchar(255) PRIMARY KEY,
    heads          text         NOT NULL,  -- sorted, comma-separated; '' = nothing applied
    state          varchar(32)  NOT NULL,
    destination    text,
    rollout_id     varchar(128),
    error_code     varchar(64),
    error_revision varchar(64),
    error_sqlstate char(5),
    error_message  text,
    fingerprint    char(64),
    attempts       integer      NOT NULL,
    agent          varchar(255) NOT NULL,
    last_report_at timestamptz  NOT NULL,  -- the report's `at` (when the agent observed it)
    last_seen_at   timestamptz  NOT NULL   -- the newest event's envelope `at`
);
CREATE INDEX tenants_state ON tenants (state);
CREATE INDEX tenants_heads ON tenants (heads);

CREATE TABLE agents (
    id                varchar(255) PRIMARY KEY,
    tenants           integer      NOT NULL,
    started_at        timestamptz  NOT NULL,
    last_heartbeat_at timestamptz  NOT NULL,
    version           varchar(255) NOT NULL
);

-- Per-tenant history: every report and retry request, keyed by where it is in the log.
CREATE TABLE tenant_events (
    topic       varchar(249) NOT NULL,
    partition   integer      NOT NULL,
    "offset"    bigint       NOT NULL,
    tenant      varchar(255) NOT NULL,
    at          timestamptz  NOT NULL,
    type        varchar(64)  NOT NULL,
    state       varchar(32),
    heads       text,
    steps       text,                      -- JSON array of {revision, direction, duration_ms}
    error       text,                      -- JSON object {code, revision, sqlstate, message}
    agent       varchar(255),
    PRIMARY KEY (topic, partition, "offset")
);
CREATE INDEX tenant_events_tenant ON tenant_events (tenant, at);

-- Records that could not be projected (malformed, unknown schema, misplaced, conflicting).
CREATE TABLE poison_records (
    topic     varchar(249) NOT NULL,
    partition integer      NOT NULL,
    "offset"  bigint       NOT NULL,
    kind      varchar(64)  NOT NULL,
    reason    text         NOT NULL,
    PRIMARY KEY (topic, partition, "offset")
);

-- Where the projection is in each partition, written in the same transaction as the rows.
CREATE TABLE consumed_offsets (
    topic       varchar(249) NOT NULL,
    partition   integer      NOT NULL,
    next_offset bigint       NOT NULL,
    PRIMARY KEY (topic, partition)
);
