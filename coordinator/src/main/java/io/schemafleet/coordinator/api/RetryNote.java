package io.schemafleet.coordinator.api;

import io.schemafleet.coordinator.store.FleetQueries;
import io.schemafleet.protocol.fleet.TenantState;

import java.util.Optional;

/**
 * What a retry request does not do, said to whoever asked for it: only a {@code failed}
 * tenant waits for a retry. A dirty tenant needs an operator where its agent runs, a
 * blocked one a fix to what blocks it (its agent tries it again at every resync anyway),
 * and any other tenant had nothing to retry. The request is written all the same, so
 * scripts that retry every stuck tenant keep working.
 */
final class RetryNote {
    private RetryNote() {
    }

    /** The note for a retry of {@code tenant} as it stood when asked; empty when it was failed. */
    static Optional<String> of(FleetQueries.Tenant tenant) {
        String id = tenant.id();
        TenantState state = TenantState.fromCode(tenant.state());
        return switch (state) {
            case FAILED -> Optional.empty();
            case DIRTY -> Optional.of(id + " is dirty: a step that is not transactional did not finish"
                    + revision(tenant) + ", and a retry does not settle that. Check the tenant's schema, then settle it"
                    + " where its agent runs: schemafleet resolve --db URL --tenant " + id + " --dir DIR"
                    + " --mark-applied (the step completed) or --mark-rolled-back (what it left is undone)");
            case BLOCKED -> Optional.of(id + " is blocked" + reason(tenant) + ": its agent looks at it again at every"
                    + " resync, so a retry adds nothing; fix what blocks it first (docs/agent.md, \"Refusing to"
                    + " run\")");
            default -> Optional.of(id + " is " + state.code() + ", not failed: there was nothing to retry");
        };
    }

    private static String revision(FleetQueries.Tenant tenant) {
        return tenant.error() == null || tenant.error().revision() == null ? ""
                : " (revision " + tenant.error().revision() + ")";
    }

    private static String reason(FleetQueries.Tenant tenant) {
        FleetQueries.TenantError e = tenant.error();
        return e == null ? "" : " (" + e.code() + (e.message() == null ? "" : ": " + e.message()) + ")";
    }
}
