package io.schemafleet.coordinator.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Refuses (400 {@code InvalidRequest}) a request whose decoded path or query parameters
 * contain a control character ({@code %00}, {@code %0a}, ...). No tenant, revision,
 * rollout or label name has one, and PostgreSQL cannot even compare a text with a NUL
 * (it fails the query): refused here, such values never reach a handler or the database.
 * Runs after the token check, so that an anonymous caller learns nothing but 401.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class ControlCharacterFilter implements Ordered {
    /** A percent-encoded C0 control character or DEL: {@code %00} to {@code %1F}, {@code %7F}. */
    private static final Pattern ENCODED_CONTROL = Pattern.compile("%(?:[01][0-9a-fA-F]|7[fF])");

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        String path = request.getPath();
        // The path as it came may still be percent-encoded (%00): its route parameters are decoded later.
        String where = offending(path, "the path") != null || ENCODED_CONTROL.matcher(path).find() ? "the path" : null;
        for (Map.Entry<String, List<String>> parameter : request.getParameters()) {
            if (where == null) {
                where = offending(parameter.getKey(), "a query parameter's name");
            }
            for (String value : parameter.getValue()) {
                if (where == null) {
                    where = offending(value, "query parameter '" + parameter.getKey() + "'");
                }
            }
        }
        if (where == null) {
            return null;
        }
        return HttpResponse.<ApiError>status(HttpStatus.BAD_REQUEST).contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(ApiError.of("InvalidRequest", where + " contains a control character; no name in"
                        + " Schemafleet has one"));
    }

    /** {@code what} if {@code text} holds a C0 control character or DEL; null otherwise. */
    private static String offending(String text, String what) {
        return text.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? what : null;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }
}
