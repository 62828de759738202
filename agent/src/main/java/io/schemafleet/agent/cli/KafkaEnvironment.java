package io.schemafleet.agent.cli;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka client properties from the environment, for containers where options are
 * awkward: {@code SCHEMAFLEET_KAFKA_PROP_SASL_JAAS_CONFIG=...} becomes
 * {@code sasl.jaas.config=...} (lower case, {@code _} to {@code .}).
 */
final class KafkaEnvironment {
    static final String PREFIX = "SCHEMAFLEET_KAFKA_PROP_";

    private KafkaEnvironment() {
    }

    static Map<String, String> properties(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(PREFIX) && name.length() > PREFIX.length()) {
                out.put(name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return out;
    }
}
