package io.schemafleet.agent.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaEnvironmentTest {
    @Test
    void prefixedVariablesBecomeKafkaPropertiesAndOthersAreIgnored() {
        Map<String, String> env = Map.of(
                "SCHEMAFLEET_KAFKA_PROP_SECURITY_PROTOCOL", "SASL_SSL",
                "SCHEMAFLEET_KAFKA_PROP_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required;",
                "SCHEMAFLEET_KAFKA_PROP_", "ignored: no name",
                "SCHEMAFLEET_KAFKA_BOOTSTRAP", "kafka:9092",
                "PATH", "/usr/bin");

        assertThat(KafkaEnvironment.properties(env)).containsExactly(
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;"),
                Map.entry("security.protocol", "SASL_SSL"));
    }
}
