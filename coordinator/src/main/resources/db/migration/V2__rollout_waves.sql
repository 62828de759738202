-- Staged rollouts (docs/rollouts.md): the rollout engine's state, every column derived
-- from the rollouts topic, so a replay rebuilds it like everything else.

-- A rollout's state: running | paused | halted | aborted | completed | superseded.
UPDATE rollouts SET state = 'running' WHERE state = 'started';
ALTER TABLE rollouts ADD COLUMN admitted    integer      NOT NULL DEFAULT 0;  -- waves admitted so far
ALTER TABLE rollouts ADD COLUMN halt_reason text;
ALTER TABLE rollouts ADD COLUMN halted_wave varchar(128);
ALTER TABLE rollouts ADD COLUMN ended_at    timestamptz;                      -- halted, aborted, completed, superseded

-- When each wave was admitted and converged (its soak starts then).
CREATE TABLE rollout_waves (
    rollout_id   varchar(128) NOT NULL,
    idx          integer      NOT NULL,
    name         varchar(128) NOT NULL,
    admitted_at  timestamptz  NOT NULL,
    converged_at timestamptz,
    PRIMARY KEY (rollout_id, idx)
);

-- What waves select on, from the tenant's newest report.
ALTER TABLE tenants ADD COLUMN labels jsonb NOT NULL DEFAULT '{}';
ALTER TABLE tenants ADD COLUMN bucket smallint;
CREATE INDEX tenants_rollout ON tenants (rollout_id, state);

-- Pinned tenants ignore rollouts until unpinned.
CREATE TABLE pins (
    tenant       varchar(255) PRIMARY KEY,
    destination  text         NOT NULL,
    pinned_at    timestamptz  NOT NULL,
    requested_by text         NOT NULL
);
