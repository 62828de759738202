package io.schemafleet.coordinator.api;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ConversionErrorHandler;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.Map;

/**
 * A request value of the wrong type (a number where the body needs an object, a word in
 * {@code ?page=}): 400 {@code InvalidRequest} saying which value, where and what it
 * should be, in JSON's words ({@code files[0]: expected an object}), instead of Micronaut's
 * message with Java class names and the whole offending value.
 */
@Produces
@Singleton
@Replaces(ConversionErrorHandler.class)
public class ConversionErrorAnswer implements ExceptionHandler<ConversionErrorException, HttpResponse<ApiError>> {
    private static final int SHOWN = 60;

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, ConversionErrorException e) {
        Argument<?> argument = e.getArgument();
        String message;
        if (argument.getAnnotationMetadata().hasAnnotation(Body.class)) {
            message = bodyMismatch(e.getConversionError().getCause());
        } else {
            message = "parameter '" + argument.getName() + "' must be " + kind(argument.getType()) + ", not "
                    + shown(e.getConversionError().getOriginalValue().map(String::valueOf).orElse(""));
        }
        return HttpResponse.<ApiError>status(HttpStatus.BAD_REQUEST).body(ApiError.of("InvalidRequest", message));
    }

    /** {@code the body does not fit this request: files[0]: expected an object (docs/api.md)}. */
    static String bodyMismatch(Throwable cause) {
        String where = "the body";
        String expected = "another kind of value";
        if (cause instanceof MismatchedInputException mismatch) {
            where = path(mismatch).isEmpty() ? where : path(mismatch);
            expected = mismatch.getTargetType() == null ? expected : kind(mismatch.getTargetType());
        }
        return "the body does not fit this request: " + where + ": expected " + expected + " (docs/api.md)";
    }

    /** {@code files[0].name}: where in the body Jackson gave up. */
    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    /** A Java type in JSON's words. */
    private static String kind(Class<?> type) {
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return Map.class.isAssignableFrom(type) || !type.isPrimitive() ? "an object" : "a " + type.getSimpleName();
    }

    private static String shown(String value) {
        StringBuilder out = new StringBuilder("'");
        String cut = value.length() > SHOWN ? value.substring(0, SHOWN) : value;
        cut.chars().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : String.valueOf((char) c)));
        return out.append(value.length() > SHOWN ? "...'" : "'").toString();
    }
}
