package io.schemafleet.coordinator.publish;

/**
 * What a retry request did.
 *
 * @param eventId the {@code TenantRetryRequested} event's id
 * @param applied whether the projection applied it before the answer, so that reads show
 *                it; false if that took longer than {@code schemafleet.await-projection}
 *                (it is in the log all the same and shows once the projection gets there)
 */
public record RetryResult(String eventId, boolean applied) {
}
