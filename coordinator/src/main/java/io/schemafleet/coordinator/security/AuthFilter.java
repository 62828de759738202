package io.schemafleet.coordinator.security;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.schemafleet.coordinator.api.ApiError;

import java.security.Principal;
import java.util.Optional;

/**
 * Checks {@code Authorization: Bearer <token>} on every request {@link AccessRules} says
 * needs one: 401 {@code Unauthorized} without a valid token, 403 {@code Forbidden} for a
 * read-only token on a write. The role found is left on the request
 * ({@link #ROLE_ATTRIBUTE}) for {@code GET /api/auth/whoami}, and as its principal, which is
 * what lets {@code GET /health} show its details (the database's address, the disk) to a
 * token holder only ({@code endpoints.health.details-visible: AUTHENTICATED}). Nothing here
 * logs the header.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class AuthFilter implements Ordered {
    /** Request attribute holding the caller's {@link Role} (absent on open paths). */
    public static final String ROLE_ATTRIBUTE = "schemafleet.role";
    private static final String BEARER = "bearer ";

    private final ApiTokens tokens;

    public AuthFilter(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        if (!tokens.enabled()) {
            identify(request, Role.OPERATOR);
            return null;
        }
        AccessRules.Need need = AccessRules.need(request.getMethodName(), request.getUri().getRawPath());
        Optional<String> header = request.getHeaders().getAuthorization();
        Optional<Role> role = header.filter(h -> h.regionMatches(true, 0, BEARER, 0, BEARER.length()))
                .map(h -> h.substring(BEARER.length()).strip()).filter(t -> !t.isEmpty()).flatMap(tokens::roleOf);
        role.ifPresent(r -> identify(request, r));
        if (need == AccessRules.Need.NOTHING) {
            return null;
        }
        if (role.isEmpty()) {
            String message = header.isEmpty()
                    ? "this needs a token: send Authorization: Bearer <token> (docs/api.md, \"Authentication\")"
                    : "the token is not valid (unknown, or not a Bearer token)";
            return error(HttpStatus.UNAUTHORIZED, "Unauthorized", message).header(HttpHeaders.WWW_AUTHENTICATE,
                    header.isEmpty() ? "Bearer realm=\"schemafleet\""
                            : "Bearer realm=\"schemafleet\", error=\"invalid_token\"");
        }
        if (need == AccessRules.Need.OPERATE && role.get() != Role.OPERATOR) {
            return error(HttpStatus.FORBIDDEN, "Forbidden", request.getMethodName() + " " + request.getPath()
                    + " needs an operator token; this one is " + role.get().code());
        }
        return null;
    }

    private static void identify(HttpRequest<?> request, Role role) {
        request.setAttribute(ROLE_ATTRIBUTE, role);
        Principal principal = role::code;
        request.setUserPrincipal(principal);
    }

    private static io.micronaut.http.MutableHttpResponse<ApiError> error(HttpStatus status, String type, String message) {
        return HttpResponse.<ApiError>status(status).contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(ApiError.of(type, message));
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }
}
