-- Issue 8 (signed events): what each agent refused, from its heartbeats.
ALTER TABLE agents
    ADD COLUMN refused_events bigint NOT NULL DEFAULT 0,  -- events refused since the agent started
    ADD COLUMN last_refusal   text;                       -- why the latest was refused (no event content)
