package io.schemafleet.protocol.topic;

import io.schemafleet.protocol.SchemafleetException;
import io.schemafleet.protocol.event.EventType;
import io.schemafleet.protocol.event.RevisionPublished;
import io.schemafleet.protocol.event.RolloutStarted;
import io.schemafleet.protocol.event.TenantRetryRequested;
import io.schemafleet.protocol.revision.Revision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicsTest {
    private static final Map<String, String> COMPACT = Map.of("cleanup.policy", "compact");

    @Test
    void defaultNames() {
        Topics topics = Topics.defaults();

        assertThat(topics.revisions()).isEqualTo("schemafleet.revisions");
        assertThat(topics.rollouts()).isEqualTo("schemafleet.rollouts");
        assertThat(topics.reports()).isEqualTo("schemafleet.reports");
    }

    @Test
    void specsForEveryTopic() {
        assertThat(Topics.defaults().specs()).containsExactly(
                new TopicSpec("schemafleet.revisions", 1, java.util.Map.of("cleanup.policy", "compact",
                        "max.message.bytes", "8454144")),
                new TopicSpec("schemafleet.rollouts", 1, COMPACT),
                new TopicSpec("schemafleet.reports", 6, java.util.Map.of("cleanup.policy", "compact",
                        "message.timestamp.type", "LogAppendTime")));
        assertThat(new Topics("test-42_x", 12).specs()).extracting(TopicSpec::name, TopicSpec::partitions)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("test-42_x.revisions", 1),
                        org.assertj.core.groups.Tuple.tuple("test-42_x.rollouts", 1),
                        org.assertj.core.groups.Tuple.tuple("test-42_x.reports", 12));
    }

    @Test
    void eachEventTypeBelongsOnExactlyOneTopic() {
        Topics topics = Topics.withPrefix("sf");

        assertThat(topics.topicFor(EventType.REVISION_PUBLISHED)).isEqualTo("sf.revisions");
        assertThat(topics.topicFor(EventType.ROLLOUT_STARTED)).isEqualTo("sf.rollouts");
        assertThat(topics.topicFor(EventType.TENANT_RETRY_REQUESTED)).isEqualTo("sf.rollouts");
        assertThat(topics.topicFor(EventType.TENANT_REPORT)).isEqualTo("sf.reports");
        assertThat(topics.topicFor(EventType.AGENT_HEARTBEAT)).isEqualTo("sf.reports");
        for (EventType type : EventType.values()) {
            assertThat(List.of(topics.revisions(), topics.rollouts(), topics.reports(), "other"))
                    .filteredOn(topic -> topics.allows(topic, type)).hasSize(1);
        }
        assertThat(topics.allows("sf.reports", EventType.REVISION_PUBLISHED)).isFalse();
        assertThat(topics.allows("schemafleet.revisions", EventType.REVISION_PUBLISHED)).isFalse();
    }

    @Test
    void keys() {
        Instant at = Instant.parse("2024-05-01T12:00:00Z");

        assertThat(Topics.reportKey("tenant_1")).isEqualTo("tenant_1");
        assertThat(Topics.heartbeatKey("agent-1")).isEqualTo("agent:agent-1");
        assertThat(Topics.retryKey("tenant_1")).isEqualTo("retry:tenant_1");
        assertThat(Topics.keyFor(RevisionPublished.of(Revision.of("abc123", List.of(), List.of(), List.of()))))
                .isEqualTo("abc123");
        assertThat(Topics.keyFor(RolloutStarted.toWholeFleet("r7", "head"))).isEqualTo("r7");
        assertThat(Topics.keyFor(new TenantRetryRequested("tenant_1", "bob", at))).isEqualTo("retry:tenant_1");
        assertThatThrownBy(() -> Topics.reportKey("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void prefixOfTheLongestLegalLengthKeepsEveryNameWithinKafkasLimit() {
        Topics topics = Topics.withPrefix("p".repeat(Topics.MAX_PREFIX_LENGTH));

        assertThat(topics.specs()).allSatisfy(spec -> assertThat(spec.name().length()).isLessThanOrEqualTo(249));
        assertThat(topics.revisions()).hasSize(249);
        assertThatThrownBy(() -> Topics.withPrefix("p".repeat(Topics.MAX_PREFIX_LENGTH + 1)))
                .isInstanceOf(SchemafleetException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "a/b", "a:b", "caf\u00e9", "tab\t", "star*"})
    void illegalPrefixesAreRefused(String prefix) {
        assertThatThrownBy(() -> Topics.withPrefix(prefix))
                .isInstanceOf(SchemafleetException.class)
                .hasMessageContaining("is not allowed: use 1 to 239 of a-z, A-Z, 0-9, '.', '_', '-'");
    }

    @Test
    void nullPrefixAndBadPartitionsAreRefused() {
        assertThatThrownBy(() -> Topics.withPrefix(null)).hasMessageStartingWith("topic prefix (null) is not allowed");
        assertThatThrownBy(() -> new Topics("sf", 0)).hasMessage("the reports topic needs at least 1 partition, got 0");
        assertThatThrownBy(() -> new TopicSpec("t", 0, Map.of())).isInstanceOf(SchemafleetException.class);
    }

    @Test
    void specConfigsAreImmutableCopies() {
        Map<String, String> configs = new java.util.HashMap<>(COMPACT);
        TopicSpec spec = new TopicSpec("t", 1, configs);

        configs.put("retention.ms", "1");

        assertThat(spec.configs()).isEqualTo(COMPACT);
        assertThatThrownBy(() -> spec.configs().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
    }
}
