package io.schemafleet.agent.tenant;

import io.schemafleet.protocol.event.Names;
import io.schemafleet.protocol.SchemafleetException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Labels for rollout waves, from the agent's configuration: labels for every tenant of
 * the agent ({@code region=eu}) and labels for the tenants whose id matches a glob
 * ({@code tenant_00*:tier=canary}, {@code *} any run of characters, {@code ?} one).
 * A tenant gets the agent-wide labels, then every matching rule's in order; a later
 * value for the same key wins. Immutable.
 */
public final class LabelRules {

    private final Map<String, String> everyTenant;
    private final List<Rule> rules;

    private record Rule(String glob, Pattern pattern, Map<String, String> labels) {
    }

    private LabelRules(Map<String, String> everyTenant, List<Rule> rules) {
        this.everyTenant = Map.copyOf(everyTenant);
        this.rules = List.copyOf(rules);
    }

    /** No labels at all. */
    public static final LabelRules NONE = new LabelRules(Map.of(), List.of());

    /**
     * @param everyTenant {@code KEY=VALUE} items, each possibly a comma-separated list
     * @param perTenant   {@code GLOB:KEY=VALUE[,KEY=VALUE...]} items
     * @throws SchemafleetException naming the item that does not parse
     */
    public static LabelRules parse(List<String> everyTenant, List<String> perTenant) {
        Map<String, String> all = new LinkedHashMap<>();
        for (String item : everyTenant) {
            all.putAll(pairs(item, item));
        }
        List<Rule> rules = new ArrayList<>();
        for (String item : perTenant) {
            int colon = item.indexOf(':');
            if (colon <= 0) {
                throw new SchemafleetException("tenant label rule '" + item + "' must look like GLOB:KEY=VALUE[,KEY=VALUE]"
                        + ", e.g. tenant_00*:tier=canary");
            }
            String glob = item.substring(0, colon);
            rules.add(new Rule(glob, glob(glob), pairs(item.substring(colon + 1), item)));
        }
        return new LabelRules(all, rules);
    }

    /** The labels of the tenant with this id, on top of {@code own} (what its source gave it). */
    public Map<String, String> labelsFor(String tenantId, Map<String, String> own) {
        if (everyTenant.isEmpty() && rules.isEmpty()) {
            return own;
        }
        Map<String, String> out = new LinkedHashMap<>(own);
        out.putAll(everyTenant);
        for (Rule rule : rules) {
            if (rule.pattern().matcher(tenantId).matches()) {
                out.putAll(rule.labels());
            }
        }
        return out;
    }

    /** {@code source} with these labels on every tenant it finds. */
    public TenantSource applyTo(TenantSource source) {
        if (everyTenant.isEmpty() && rules.isEmpty()) {
            return source;
        }
        return new TenantSource() {
            @Override
            public List<Tenant> tenants() {
                return discover().tenants();
            }

            @Override
            public Discovery discover() {
                Discovery found = source.discover();
                return new Discovery(found.tenants().stream().map(t -> new Tenant(t.id(), t.kind(), t.jdbcUrl(),
                        t.schema(), labelsFor(t.id(), t.labels()))).toList(), found.refused());
            }
        };
    }

    private static Map<String, String> pairs(String text, String item) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? "" : pair.substring(0, eq).strip();
            if (!Names.isLabelKey(key)) {
                throw new SchemafleetException("label '" + pair + "' in '" + item + "' must be KEY=VALUE with a key of "
                        + Names.LABEL_KEY_RULE);
            }
            String value = pair.substring(eq + 1).strip();
            if (value.length() > 255 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new SchemafleetException("label value of '" + key + "' in '" + item
                        + "' must be at most 255 characters without control characters");
            }
            out.put(key, value);
        }
        return out;
    }

    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            regex.append(switch (c) {
                case '*' -> ".*";
                case '?' -> ".";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return Pattern.compile(regex.toString());
    }
}
