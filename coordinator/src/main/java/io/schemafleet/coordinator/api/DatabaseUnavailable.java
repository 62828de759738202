package io.schemafleet.coordinator.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.data.connection.exceptions.ConnectionException;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;

/**
 * The coordinator's own database out of reach: 503 {@code DatabaseUnavailable} with
 * {@code Retry-After}, a condition to wait out and not a bug, so logged in one line rather
 * than with a stack trace per request as an unexpected error would be. Two ways in: no
 * connection within the pool's {@code connection-timeout} (the database is down or
 * unreachable, or every pooled connection stayed busy), and a pooled connection found
 * broken as the request began (the database went away since it was last used).
 */
final class DatabaseUnavailable {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseUnavailable.class);
    /** Seconds a client should wait before asking again: about one pool connection timeout. */
    static final int RETRY_AFTER_SECONDS = 5;

    private DatabaseUnavailable() {
    }

    static HttpResponse<ApiError> answer(HttpRequest<?> request, RuntimeException e) {
        String cause = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
        LOG.warn("{} {}: the coordinator's database cannot be used: {}", request.getMethod(), request.getPath(),
                cause);
        return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS))
                .body(ApiError.of("DatabaseUnavailable", "the coordinator cannot use its database: it is down or"
                        + " unreachable, or every pooled connection stayed busy (" + cause + "); the event log keeps"
                        + " everything meanwhile, so try again shortly"));
    }

    /** No connection within the pool's timeout. */
    @Produces
    @Singleton
    @Requires(classes = {CannotGetJdbcConnectionException.class, ExceptionHandler.class})
    static class NoConnection implements ExceptionHandler<CannotGetJdbcConnectionException, HttpResponse<ApiError>> {
        @Override
        public HttpResponse<ApiError> handle(HttpRequest request, CannotGetJdbcConnectionException e) {
            return answer(request, e);
        }
    }

    /**
     * A pooled connection that broke before the request could use it: the driver's error is
     * the cause. Without one it is no outage but a bug (no connection bound where one should
     * be), answered as any unexpected error.
     */
    @Produces
    @Singleton
    @Requires(classes = {ConnectionException.class, ExceptionHandler.class})
    static class BrokenConnection implements ExceptionHandler<ConnectionException, HttpResponse<ApiError>> {
        @Override
        public HttpResponse<ApiError> handle(HttpRequest request, ConnectionException e) {
            if (e.getCause() instanceof SQLException) {
                return answer(request, e);
            }
            LOG.error("{} {} failed", request.getMethod(), request.getPath(), e);
            return HttpResponse.<ApiError>status(HttpStatus.INTERNAL_SERVER_ERROR)
                    .body(ApiError.of("InternalServerError", "Internal Server Error: " + e.getMessage()));
        }
    }
}
