package io.schemafleet.agent.tenant;

import io.schemafleet.protocol.SchemafleetException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcUrlsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "jdbc:postgresql://db.example:5432/postgres?user=u&sslmode=require"
                    + " | jdbc:postgresql://db.example:5432/tenant_1?user=u&sslmode=require",
            "jdbc:postgresql://localhost/postgres | jdbc:postgresql://localhost/tenant_1",
            "jdbc:postgresql://localhost:5432/ | jdbc:postgresql://localhost:5432/tenant_1",
            "jdbc:postgresql://localhost:5432 | jdbc:postgresql://localhost:5432/tenant_1",
            "jdbc:postgresql://localhost:5432?user=u | jdbc:postgresql://localhost:5432/tenant_1?user=u",
            "jdbc:postgresql://h1:5432,h2:5433/app?targetServerType=primary"
                    + " | jdbc:postgresql://h1:5432,h2:5433/tenant_1?targetServerType=primary",
            "jdbc:postgresql://[::1]:5432/app | jdbc:postgresql://[::1]:5432/tenant_1",
            "jdbc:postgresql:app?user=u | jdbc:postgresql:tenant_1?user=u",
    })
    void replacesTheDatabaseAndKeepsTheRest(String url, String expected) {
        assertThat(JdbcUrls.withDatabase(url, "tenant_1")).isEqualTo(expected);
    }

    @Test
    void refusesAnUnsafeDatabaseName() {
        assertThatThrownBy(() -> JdbcUrls.withDatabase("jdbc:postgresql://h/postgres", "x?user=admin"))
                .isInstanceOf(SchemafleetException.class);
    }

    @Test
    void refusesOtherDriversAndDatabaseParameters() {
        assertThatThrownBy(() -> JdbcUrls.withDatabase("jdbc:mysql://h/db", "t"))
                .hasMessageContaining("not a PostgreSQL JDBC URL");
        assertThatThrownBy(() -> JdbcUrls.withDatabase("jdbc:postgresql://h/db?ssl=true&PGDBNAME=other", "t"))
                .hasMessageContaining("PGDBNAME");
    }

    @Test
    void redactsPasswords() {
        assertThat(JdbcUrls.redact("jdbc:postgresql://h/db?user=u&password=s3cr%26t&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=****&ssl=true");
        assertThat(JdbcUrls.redact("jdbc:postgresql://h/db?PASSWORD=x"))
                .isEqualTo("jdbc:postgresql://h/db?PASSWORD=****");
        assertThatThrownBy(() -> JdbcUrls.withDatabase("jdbc:mysql://h/db?password=hunter2", "t"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void aLibpqUrlIsRefusedSayingHowToWriteItWithoutShowingItsPassword() {
        assertThatThrownBy(() -> JdbcUrls.requirePostgres("postgres://app:hunter2@db:5432/app"))
                .hasMessage("not a PostgreSQL JDBC URL (jdbc:postgresql://HOST[:PORT]/DATABASE):"
                        + " postgres://****@db:5432/app; that is libpq's form: write jdbc:postgresql://… instead,"
                        + " with the user and password in SCHEMAFLEET_DB_USER and SCHEMAFLEET_DB_PASSWORD");
        assertThat(JdbcUrls.redact("postgresql://app:a/b@c@db/app")).as("a password holding / and @")
                .isEqualTo("postgresql://****@db/app");
        JdbcUrls.requirePostgres("jdbc:postgresql://db:5432/app");
    }
}
