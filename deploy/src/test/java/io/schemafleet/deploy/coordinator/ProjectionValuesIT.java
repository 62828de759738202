package io.schemafleet.deploy.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.deploy.Resources;
import io.schemafleet.protocol.event.TenantReport;
import io.schemafleet.protocol.fleet.TenantState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The projection writes reports as COPY data it escapes itself: whatever characters a
 * report's values hold (quotes, backslashes, braces, commas, the word NULL, \N, an empty
 * text, tabs, line breaks, non-ASCII), they reach the tables as sent, and a time keeps its
 * microseconds.
 */
class ProjectionValuesIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String MESSAGE = "relation \"a,b\" {x} 'y' back\\slash \\\" NULL \\N \u00fcnic\u00f8de\ttab\nline\r\nend ";

    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void reportValuesArriveAsSentWhateverTheirCharacters() throws Exception {
        CoordinatorFixture coordinator = resources.add(new CoordinatorFixture("values"));
        coordinator.start();
        Instant at = Instant.parse("2026-11-21T10:15:30.123456Z");
        Map<String, String> labels = Map.of("team", "a\"b,c{d}\\e", "empty", "", "word", "NULL");
        coordinator.produce(new TenantReport("pv_odd", "a1", List.of(), TenantState.FAILED, "head", null, List.of(),
                new TenantReport.Failure("sql_failed", "9a2355b7dd59", "42P07", MESSAGE), null, 2, at, labels, 7),
                "agent:a1");
        coordinator.produce(new TenantReport("pv_word", "a1", List.of(), TenantState.FAILED, "head", null, List.of(),
                new TenantReport.Failure("sql_failed", null, null, "NULL"), null, 1, at, Map.of(), null), "agent:a1");
        await().atMost(DEADLINE).until(() -> coordinator.get("/api/fleet").json().path("tenants").asLong() == 2);

        JsonNode odd = coordinator.get("/api/tenants/pv_odd").json();
        assertThat(odd.path("tenant").path("error").path("message").asText()).as("%s", odd).isEqualTo(MESSAGE);
        assertThat(odd.path("history").get(0).path("error").path("message").asText()).isEqualTo(MESSAGE);
        JsonNode word = coordinator.get("/api/tenants/pv_word").json().path("tenant").path("error");
        assertThat(word.path("message").isTextual()).as("%s", word).isTrue();
        assertThat(word.path("message").asText()).isEqualTo("NULL");
        assertThat(word.path("revision").isNull()).as("%s", word).isTrue();
        try (Connection c = DriverManager.getConnection(coordinator.dbUrl);
             PreparedStatement s = c.prepareStatement("SELECT labels ->> 'team', labels ->> 'empty', labels ->> 'word',"
                     + " bucket, attempts, last_report_at, (SELECT at FROM tenant_events WHERE tenant = t.id)"
                     + " FROM tenants t WHERE id = 'pv_odd'");
             ResultSet rs = s.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("a\"b,c{d}\\e");
            assertThat(rs.getString(2)).isEmpty();
            assertThat(rs.getString(3)).isEqualTo("NULL");
            assertThat(rs.getInt(4)).isEqualTo(7);
            assertThat(rs.getInt(5)).isEqualTo(2);
            assertThat(rs.getTimestamp(6).toInstant()).isEqualTo(at);
            assertThat(rs.getTimestamp(7).toInstant()).isEqualTo(at);
        }
    }
}
