package io.schemafleet.protocol.event;

import io.schemafleet.protocol.topic.Topics;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DescribeEventsTest {
    private static final Instant AT = Instant.parse("2024-05-01T12:00:00Z");
    private static final String SHA = "a".repeat(64);

    @Test
    void descriptionsKeepTheirLineBreaksThroughTheWire() {
        var body = new TenantDescribed("d-1", "tenant_1", "agent-1", SHA, "table t\n  column a integer\n", AT);
        byte[] wire = EventCodec.encode(Envelopes.of(body, "agent:agent-1"));
        var decoded = (Decoded.Event) EventCodec.decode(wire);
        assertThat(decoded.body()).isEqualTo(body);
    }

    @Test
    void descriptionsRefuseOtherControlCharactersAndHugeText() {
        assertThatThrownBy(() -> new TenantDescribed("d-1", "t", "a", SHA, "table t\u0000", AT))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("description contains control");
        String huge = "x".repeat(TenantDescribed.MAX_DESCRIPTION + 1);
        assertThatThrownBy(() -> new TenantDescribed("d-1", "t", "a", SHA, huge, AT))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("longer than");
    }

    @Test
    void aRequestNamesOneToAHundredValidTenants() {
        assertThatThrownBy(() -> new DescribeRequested("d-1", List.of(), "alice", AT))
                .hasMessageContaining("1 to 100 tenants");
        assertThatThrownBy(() -> new DescribeRequested("d-1", Collections.nCopies(101, "t"), "alice", AT))
                .hasMessageContaining("got 101");
        assertThatThrownBy(() -> new DescribeRequested("d-1", List.of("t'; DROP"), "alice", AT))
                .hasMessageContaining("tenants[]");
    }

    @Test
    void requestsGoToTheRolloutsTopicAndAnswersToTheReportsTopic() {
        Topics topics = new Topics("sf", 3);
        assertThat(topics.topicFor(EventType.DESCRIBE_REQUESTED)).isEqualTo("sf.rollouts");
        assertThat(topics.topicFor(EventType.TENANT_DESCRIBED)).isEqualTo("sf.reports");
        assertThat(Topics.keyFor(new DescribeRequested("d-1", List.of("t"), "alice", AT))).isEqualTo("describe:d-1");
        assertThat(Topics.keyFor(new TenantDescribed("d-1", "t", "a", SHA, "", AT))).isEqualTo("describe:t");
    }
}
