-- A tenant's last report names the newest retry request its agent had acted on, by that
-- request's offset in the rollouts topic (null: none). A retry request clears a failure
-- only if the failure answers an older request or none: ordered by the log, not by the
-- agent's clock against the coordinator's. Nullable, no default: no table rewrite.
ALTER TABLE tenants ADD COLUMN retry_offset bigint;
