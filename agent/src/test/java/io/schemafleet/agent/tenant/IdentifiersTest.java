package io.schemafleet.agent.tenant;

import io.schemafleet.protocol.SchemafleetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentifiersTest {
    @ParameterizedTest
    @ValueSource(strings = {"tenant_a", "t", "_t", "Tenant_A", "a1", "acme$eu",
            "x23456789_123456789_123456789_123456789_123456789_123456789_123"}) // 63: the most PostgreSQL keeps
    void acceptsPlainIdentifiers(String name) {
        assertThat(Identifiers.requireSafe(name, "tenant id")).isEqualTo(name);
        assertThat(Identifiers.quote(name)).isEqualTo('"' + name + '"');
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "tenant\"a", "tenant_\"\"q", "a\"; DROP SCHEMA public CASCADE; --", "tenant;drop", "public.t", "two words",
            " lead", "trail ", "tab\tin", "new\nline", "pg_catalog", "pg_tenant", "1tenant", "$tenant", "tenant-a",
            "ténant", "tenant_ä", "租户", "tenant\u200b", "tenant\u0000", "a'b", "a\\b", "a%", "a*",
    })
    void refusesHostileOrUnusualNames(String name) {
        assertThatThrownBy(() -> Identifiers.requireSafe(name, "schema name"))
                .isInstanceOf(SchemafleetException.class)
                .hasMessageStartingWith("schema name ")
                .hasMessageContaining("is refused");
        assertThatThrownBy(() -> Identifiers.quote(name)).isInstanceOf(SchemafleetException.class);
    }

    @Test
    void refusesNamesPostgresWouldTruncate() {
        // PostgreSQL silently truncates identifiers to 63 bytes: two long names could
        // become one schema.
        String name = "t".repeat(64);
        assertThatThrownBy(() -> Identifiers.requireSafe(name, "tenant id")).isInstanceOf(SchemafleetException.class);
    }

    @Test
    void theMessageNamesTheWhatAndShowsControlCharactersEscaped() {
        assertThatThrownBy(() -> Identifiers.requireSafe("evil\nname\u001b[31m", "tenant id"))
                .hasMessageStartingWith("tenant id 'evil\\x0aname\\x1b[31m' is refused")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\u001b"));
    }

    @Test
    void theMessageSaysNullForNull() {
        assertThatThrownBy(() -> Identifiers.requireSafe(null, "tenant id")).hasMessageStartingWith("tenant id (null)");
    }

    @Test
    void theMessageShortensVeryLongNames() {
        assertThatThrownBy(() -> Identifiers.requireSafe("x".repeat(10_000) + ";", "tenant id"))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300).contains("..."));
    }
}
