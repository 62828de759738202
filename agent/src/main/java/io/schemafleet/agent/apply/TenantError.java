package io.schemafleet.agent.apply;

/**
 * Why a tenant is not at its destination, in terms an operator can act on.
 *
 * @param code     stable code: {@code sql_failed}, {@code checksum_mismatch},
 *                 {@code unknown_revision}, {@code dirty}, {@code unreachable},
 *                 {@code plan_failed}, {@code setup_failed}
 * @param revision the revision involved, if any
 * @param sqlState the SQLSTATE, for database errors
 * @param message  one line
 */
public record TenantError(String code, String revision, String sqlState, String message) {
}
