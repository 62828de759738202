package io.schemafleet.coordinator.security;

import io.micronaut.context.annotation.Context;
import io.schemafleet.protocol.SchemafleetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The configured token hashes, checked once at start ({@link Context}: a coordinator with
 * auth on and no token, or with a malformed hash, does not start). Lookups hash the
 * presented token and compare it with every configured hash in constant time, so
 * neither the answer's timing nor any log line tells anything about a token.
 */
@Context
public class ApiTokens {
    private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);
    private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{64}");

    private final boolean enabled;
    private final List<Entry> entries = new ArrayList<>();

    public ApiTokens(AuthConfig config) {
        this.enabled = config.isEnabled();
        add(Role.OPERATOR, "schemafleet.auth.operator-tokens", config.getOperatorTokens());
        add(Role.READ_ONLY, "schemafleet.auth.read-only-tokens", config.getReadOnlyTokens());
        add(Role.OPERATOR, "schemafleet.auth.operator-tokens-file", read(config.getOperatorTokensFile(),
                "schemafleet.auth.operator-tokens-file"));
        add(Role.READ_ONLY, "schemafleet.auth.read-only-tokens-file", read(config.getReadOnlyTokensFile(),
                "schemafleet.auth.read-only-tokens-file"));
        if (!enabled) {
            LOG.warn("!!! API AUTH IS OFF (schemafleet.auth.enabled=false): anyone who can reach this coordinator's"
                    + " port can read the fleet and publish revisions, start rollouts and retry tenants !!!");
        } else if (entries.isEmpty()) {
            throw new SchemafleetException("API auth is on but no token is configured: set"
                    + " schemafleet.auth.operator-tokens (env SCHEMAFLEET_AUTH_OPERATOR_TOKENS) and/or"
                    + " schemafleet.auth.read-only-tokens (SCHEMAFLEET_AUTH_READ_ONLY_TOKENS), or their *-file"
                    + " variants, to SHA-256 hex hashes of tokens (`schemafleet token generate` makes one);"
                    + " or set schemafleet.auth.enabled=false to run without auth");
        } else {
            LOG.info("API auth on: {} operator and {} read-only token(s)", count(Role.OPERATOR), count(Role.READ_ONLY));
        }
    }

    /** Whether tokens are checked at all. */
    public boolean enabled() {
        return enabled;
    }

    /** The role of {@code token}, if it is one of the configured tokens. */
    public Optional<Role> roleOf(String token) {
        byte[] hash = Tokens.sha256(token);
        Role found = null;
        for (Entry e : entries) {
            // No early exit: every comparison runs, whatever matches.
            if (MessageDigest.isEqual(hash, e.hash()) && found == null) {
                found = e.role();
            }
        }
        return Optional.ofNullable(found);
    }

    private long count(Role role) {
        return entries.stream().filter(e -> e.role() == role).count();
    }

    private void add(Role role, String setting, List<String> hashes) {
        for (String raw : hashes) {
            String hash = raw.strip();
            if (hash.isEmpty()) {
                continue;
            }
            if (!HASH.matcher(hash).matches()) {
                // Never echo the value: it may be a token pasted where its hash belongs.
                throw new SchemafleetException(setting + " holds a value of " + hash.length() + " characters that is"
                        + " not a SHA-256 hex hash (64 hex digits); configure the hash of a token, never the token"
                        + " itself (`schemafleet token generate` prints both)");
            }
            entries.add(new Entry(role, HexFormat.of().parseHex(hash.toLowerCase())));
        }
    }

    private static List<String> read(String file, String setting) {
        if (file == null || file.isBlank()) {
            return List.of();
        }
        try {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of(file))) {
                String content = line.replaceFirst("#.*", "");
                for (String part : content.split(",")) {
                    out.add(part);
                }
            }
            return out;
        } catch (IOException e) {
            throw new SchemafleetException(setting + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    private record Entry(Role role, byte[] hash) {
    }
}
