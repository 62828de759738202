package io.schemafleet.coordinator.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

import java.util.stream.Collectors;

/**
 * Errors Micronaut itself answers (unparseable JSON, unknown route, wrong method, …) in
 * the same shape as the coordinator's own: {@code {"error":{"type","message"}}}, the type
 * being the status' reason phrase without spaces ({@code BadRequest}, {@code NotFound}).
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class ApiErrorResponseProcessor implements ErrorResponseProcessor<ApiError> {
    @Override
    public MutableHttpResponse<ApiError> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        String reason = response.getStatus().getReason();
        String message = context.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("\n"));
        ApiError body = ApiError.of(reason.replace(" ", ""), message.isEmpty() ? reason : message);
        if (context.getRequest().getMethod() == HttpMethod.HEAD) {
            return response.contentType(MediaType.APPLICATION_JSON_TYPE).body(null);
        }
        return response.contentType(MediaType.APPLICATION_JSON_TYPE).body(body);
    }
}
