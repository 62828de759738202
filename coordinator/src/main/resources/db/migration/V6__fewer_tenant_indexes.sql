-- Issue 9: the projection writes a tenant's row on every report, and every index on the
-- table is one more write each time (three secondary indexes cost ~13 µs of a report's
-- ~50 µs of server time at 100,000 tenants). Kept: what a query can use.
-- - tenants_heads: nothing filters on heads alone with a usable plan (the tenant list
--   filters the fleet_tenants view, the fleet counts come from fleet_counts);
-- - tenants_rollout: rollout wave counts scan every tenant (a wave is an expression);
-- - tenants_state: most tenants are converged most of the time, and the queries that
--   select by state look for the others (failed tenants for the metrics and a wave's
--   halt reason), so only those are indexed.
DROP INDEX tenants_heads;
DROP INDEX tenants_rollout;
DROP INDEX tenants_state;
CREATE INDEX tenants_unsettled ON tenants (state, rollout_id) WHERE state <> 'converged';
