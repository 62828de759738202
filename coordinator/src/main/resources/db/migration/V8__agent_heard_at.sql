-- When the broker appended an agent's newest heartbeat (the reports topic stamps records
-- with the broker's time), so that an agent's age is never read from its own clock. Rows
-- from before take the heartbeat's own time until the agent's next one.
ALTER TABLE agents ADD COLUMN heard_at timestamptz;
UPDATE agents SET heard_at = last_heartbeat_at;
ALTER TABLE agents ALTER COLUMN heard_at SET NOT NULL;
