-- Issue 9: every step an agent names by its row in the tenant's history table, once.
-- Agents report a step as it commits and again in the tenant's final report, and send
-- steps again where they cannot know a report was heard (after a restart, after a report
-- the broker did not take); a report the producer gave up on may also arrive after all,
-- next to its resend. Counting rows here, not steps in reports, counts each step once.
-- Derived like every table here: a replay rebuilds it. Steps from agents that do not
-- name their rows are counted from their `applying` reports and are not in it. Upgrade
-- the coordinator before the agents: steps named in reports an older coordinator
-- projected are not here until a rebuild reads the log again.
CREATE TABLE tenant_steps (
    tenant      varchar(255) NOT NULL,
    history_id  bigint       NOT NULL,  -- its row's id in the tenant's history table
    started_at  timestamptz  NOT NULL,  -- and that row's started_at: ids start over when the tables are made again
    revision    varchar(64)  NOT NULL,
    direction   varchar(9)   NOT NULL,
    duration_ms bigint       NOT NULL,
    agent       varchar(255) NOT NULL,  -- the agent whose report named it first
    partition   integer      NOT NULL,  -- that report's place in the reports topic
    "offset"    bigint       NOT NULL,
    PRIMARY KEY (tenant, history_id, started_at)
);
