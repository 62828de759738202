package io.schemafleet.coordinator.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No connection to the coordinator's own database within the pool's
 * {@code connection-timeout}: 503 {@code DatabaseUnavailable} with {@code Retry-After},
 * a condition to wait out and not a bug, so logged in one line rather than with a stack
 * trace per request as an unexpected error would be.
 */
@Produces
@Singleton
@Requires(classes = {CannotGetJdbcConnectionException.class, ExceptionHandler.class})
public class DatabaseUnavailableHandler
        implements ExceptionHandler<CannotGetJdbcConnectionException, HttpResponse<ApiError>> {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseUnavailableHandler.class);
    /** Seconds a client should wait before asking again: about one pool connection timeout. */
    static final int RETRY_AFTER_SECONDS = 5;

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, CannotGetJdbcConnectionException e) {
        String cause = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
        LOG.warn("{} {}: the coordinator's database is unavailable: {}", request.getMethod(), request.getPath(), cause);
        return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS))
                .body(ApiError.of("DatabaseUnavailable", "the coordinator's database is unavailable (" + cause
                        + "); the event log keeps everything meanwhile, so try again shortly"));
    }
}
