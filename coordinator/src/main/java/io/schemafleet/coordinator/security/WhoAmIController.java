package io.schemafleet.coordinator.security;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/** {@code GET /api/auth/whoami}: the caller's role, so a client can show or hide what it may not do. */
@Controller("/api/auth/whoami")
public class WhoAmIController {
    /** @param role {@code operator} or {@code read-only} */
    public record WhoAmI(String role) {
    }

    @Get
    public WhoAmI whoami(HttpRequest<?> request) {
        // The filter lets only callers with a role get here (with auth off, it sets operator).
        Role role = request.getAttribute(AuthFilter.ROLE_ATTRIBUTE, Role.class)
                .orElseThrow(() -> new IllegalStateException("a request reached whoami without a role"));
        return new WhoAmI(role.code());
    }
}
