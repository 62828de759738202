package io.schemafleet.coordinator.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Which requests need which role, by path alone (so routes added later are covered
 * without touching this): everything under {@code /api/} and the metrics need a token,
 * writes under {@code /api/} need an operator, except the writes listed in
 * {@link #READS_BY_POST}; the dashboard, the health endpoints and the OpenAPI document are open.
 */
public final class AccessRules {
    /** The hand-written API description: public, so the dashboard can link to it. */
    static final String OPENAPI = "/api/openapi.yml";
    static final String METRICS = "/prometheus";
    /**
     * POSTs that only read, so a read-only token may send them: {@code /api/drift/diff}
     * only asks agents to describe schemas (its body does not fit a GET). Exact paths: a
     * route added below one of them is still a write.
     */
    static final Set<String> READS_BY_POST = Set.of("/api/drift/diff");

    private AccessRules() {
    }

    /** What a request needs. */
    public enum Need {
        NOTHING, READ, OPERATE
    }

    /**
     * What a {@code method} request on {@code rawPath} (as sent, still percent-encoded) needs.
     * A path that is under {@code /api} as sent is never open, even where decoding takes it out
     * ({@code /api/rollouts/..%2F..%2Fx/abort}): a router may match it as sent, with the
     * {@code ..%2F} inside a path variable.
     */
    public static Need need(String method, String rawPath) {
        Need decoded = needOf(method, normalize(rawPath));
        String sent = rawPath == null ? "/" : rawPath.replaceAll("/{2,}", "/").toLowerCase(Locale.ROOT);
        boolean apiAsSent = sent.startsWith("/api/") || sent.equals("/api");
        return decoded == Need.NOTHING && apiAsSent ? needOf(method, sent) : decoded;
    }

    private static Need needOf(String method, String path) {
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (path.equals(METRICS) || path.startsWith(METRICS + "/")) {
            return Need.READ;
        }
        if (!path.equals("/api") && !path.startsWith("/api/")) {
            return Need.NOTHING;
        }
        if (read && path.equals(OPENAPI)) {
            return Need.NOTHING;
        }
        if (method.equals("POST") && READS_BY_POST.contains(path)) {
            return Need.READ;
        }
        return read ? Need.READ : Need.OPERATE;
    }

    /**
     * The path as a router would see it: decoded, dot segments resolved, repeated slashes
     * collapsed, lower case (so {@code //api/..%2Fapi/x} or {@code /API/x} cannot slip past the
     * prefix test). Undecodable paths count as API paths: refused, not let through.
     */
    static String normalize(String rawPath) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        try {
            String decoded = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
            path = new URI(null, null, decoded.replaceAll("/{2,}", "/"), null).normalize().getPath();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return "/api/unparseable";
        }
        path = path.replaceAll("/{2,}", "/").toLowerCase(Locale.ROOT);
        while (path.startsWith("/..")) {
            path = path.substring(3);
        }
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
