package io.schemafleet.coordinator.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.JacksonExceptionHandler;
import io.micronaut.http.server.exceptions.JsonExceptionHandler;
import io.micronaut.json.JsonSyntaxException;
import io.schemafleet.coordinator.publish.RequestRefused;
import jakarta.inject.Singleton;

import java.util.regex.Pattern;

/**
 * A request body that is not JSON: 400 {@code BadRequest}, {@code request body is not valid
 * JSON: Unexpected character ('x' (code 120)): … at line 1, column 2}, in place of
 * Micronaut's {@code Invalid JSON: …} with Jackson's location
 * ({@code [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); …]})
 * and feature names. Micronaut raises either Jackson's exception or its own wrapper, so
 * there is a handler for each; both answer the same, and so do the controllers that read
 * their body themselves ({@link #refusal}).
 */
public final class InvalidJsonAnswer {
    static final String PREFIX = "request body is not valid JSON";
    /** A location Jackson writes into a message: {@code [Source: …; line: 1, column: 2]}. */
    private static final Pattern LOCATION = Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)]");
    /** Clauses naming Jackson's settings: {@code , from `StreamReadConstraints.getMaxNestingDepth()`}, {@code : enable `JsonReadFeature.X` to allow}. */
    private static final Pattern SETTING = Pattern.compile("(, from|[:;,]? *enable) `[^`]*`( to allow)?");
    /** Anything still naming Jackson after the above: then its text is left out altogether. */
    private static final Pattern INTERNALS = Pattern.compile("com\\.fasterxml|REDACTED|\\[Source|`|Stream(Read|Write)|JsonReadFeature");

    private InvalidJsonAnswer() {
    }

    /** The answer's message for a body Jackson could not read. */
    static String message(Throwable error) {
        JsonProcessingException jackson = jacksonCause(error);
        if (jackson == null) {
            return PREFIX;
        }
        if (wrongShape(jackson)) {
            return ConversionErrorAnswer.bodyMismatch(jackson);
        }
        String text = jackson.getOriginalMessage() == null ? "" : jackson.getOriginalMessage().strip();
        text = LOCATION.matcher(text).replaceAll("line $1, column $2");
        text = SETTING.matcher(text).replaceAll("");
        if (INTERNALS.matcher(text).find()) {
            text = "";
        }
        JsonLocation at = jackson.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr()
                + (at.getColumnNr() < 1 ? "" : ", column " + at.getColumnNr());
        return PREFIX + (text.isEmpty() ? "" : ": " + text) + where;
    }

    /**
     * The same refusal for a controller that reads its body itself: {@code BadRequest},
     * {@link #message}, then what the route expects.
     */
    static RequestRefused refusal(JsonProcessingException error, String expected) {
        return new RequestRefused(RequestRefused.Reason.INVALID, "BadRequest", message(error) + "; expected " + expected);
    }

    /** Valid JSON of the wrong shape (normally a ConversionErrorException, answered by ConversionErrorAnswer). */
    private static boolean wrongShape(JsonProcessingException jackson) {
        return jackson instanceof JsonMappingException mapping && !(mapping.getCause() instanceof JsonProcessingException);
    }

    private static JsonProcessingException jacksonCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JsonProcessingException jackson) {
                return jackson;
            }
        }
        return null;
    }

    private static HttpResponse<ApiError> answer(Throwable error) {
        JsonProcessingException jackson = jacksonCause(error);
        // The same type as ConversionErrorAnswer gives a body of the wrong shape.
        String type = jackson != null && wrongShape(jackson) ? "InvalidRequest" : "BadRequest";
        return HttpResponse.<ApiError>status(HttpStatus.BAD_REQUEST).body(ApiError.of(type, message(error)));
    }

    /** Jackson's own exception, as the body binding raises it. */
    @Produces
    @Singleton
    @Replaces(JacksonExceptionHandler.class)
    public static class FromJackson implements ExceptionHandler<JsonProcessingException, HttpResponse<ApiError>> {
        @Override
        public HttpResponse<ApiError> handle(HttpRequest request, JsonProcessingException e) {
            return answer(e);
        }
    }

    /** Micronaut's wrapper around it. */
    @Produces
    @Singleton
    @Replaces(JsonExceptionHandler.class)
    public static class FromMicronaut implements ExceptionHandler<JsonSyntaxException, HttpResponse<ApiError>> {
        @Override
        public HttpResponse<ApiError> handle(HttpRequest request, JsonSyntaxException e) {
            return answer(e);
        }
    }
}
