package io.schemafleet.coordinator.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.schemafleet.coordinator.publish.RequestRefused;
import jakarta.inject.Singleton;

/** Turns a {@link RequestRefused} into 400, 409, 413 or 503 with an {@link ApiError} body. */
@Produces
@Singleton
@Requires(classes = {RequestRefused.class, ExceptionHandler.class})
public class RequestRefusedHandler implements ExceptionHandler<RequestRefused, HttpResponse<ApiError>> {
    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, RequestRefused e) {
        HttpStatus status = switch (e.reason()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case CONFLICT -> HttpStatus.CONFLICT;
            case TOO_LARGE -> HttpStatus.REQUEST_ENTITY_TOO_LARGE;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
        };
        return HttpResponse.<ApiError>status(status).body(ApiError.of(e.type(), e.getMessage()));
    }
}
