-- Drift detection (see docs/drift.md). Numbered 3: 2 belongs to the rollout engine's tables.

-- The newest schema description each tenant's agent sent on request (TenantDescribed).
CREATE TABLE tenant_descriptions (
    tenant       varchar(255) PRIMARY KEY,
    request_id   varchar(128) NOT NULL,
    fingerprint  char(64)     NOT NULL,
    description  text         NOT NULL,
    agent        varchar(255) NOT NULL,
    described_at timestamptz  NOT NULL
);

-- Converged tenants at the same heads should have the same schema. Per heads, the
-- fingerprint most converged tenants share, when one fingerprint has a strict majority
-- of the plurality (a tie names no majority: nobody can say who drifted).
CREATE VIEW majority_fingerprints AS
WITH g AS (
    SELECT heads, fingerprint, count(*) AS n
    FROM tenants
    WHERE state = 'converged' AND fingerprint IS NOT NULL
    GROUP BY heads, fingerprint
), r AS (
    SELECT heads, fingerprint, n, rank() OVER (PARTITION BY heads ORDER BY n DESC) AS rk,
           sum(n) OVER (PARTITION BY heads) AS converged, count(*) OVER (PARTITION BY heads) AS variants
    FROM g
)
SELECT heads, min(fingerprint) AS fingerprint, max(n) AS tenants, max(converged) AS converged,
       max(variants) AS variants
FROM r WHERE rk = 1 GROUP BY heads HAVING count(*) = 1;

-- Tenants as the API shows them: a converged tenant whose fingerprint differs from its
-- heads' majority is 'drifted'; reported_state keeps what its agent said. Recreate this
-- view when tenants gains columns the API reads.
CREATE VIEW fleet_tenants AS
SELECT t.id, t.heads,
       CASE WHEN t.state = 'converged' AND t.fingerprint IS NOT NULL AND t.fingerprint <> m.fingerprint
            THEN 'drifted' ELSE t.state END AS state,
       t.state AS reported_state, t.destination, t.rollout_id, t.error_code, t.error_revision, t.error_sqlstate,
       t.error_message, t.fingerprint, m.fingerprint AS majority_fingerprint, t.attempts, t.agent,
       t.last_report_at, t.last_seen_at
FROM tenants t LEFT JOIN majority_fingerprints m ON m.heads = t.heads;
