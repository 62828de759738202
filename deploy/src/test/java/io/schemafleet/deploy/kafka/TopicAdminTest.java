package io.schemafleet.deploy.kafka;

import io.schemafleet.coordinator.kafka.TopicAdmin;
import io.schemafleet.coordinator.kafka.TopicCheck;
import io.schemafleet.coordinator.kafka.TopicMismatchException;
import io.schemafleet.coordinator.kafka.TopicProblem;
import io.schemafleet.coordinator.kafka.TopicSetupException;
import io.schemafleet.protocol.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link TopicAdmin} against a real broker ({@link TestKafka}); every test has its own topic prefix. */
class TopicAdminTest {
    private static final int REPORT_PARTITIONS = 4;

    private Admin admin;
    private Topics topics;

    @BeforeEach
    void setUp(TestInfo test) {
        TestKafka kafka = TestKafka.broker();
        admin = kafka.admin();
        topics = new Topics(kafka.uniquePrefix(test.getTestMethod().orElseThrow().getName()), REPORT_PARTITIONS);
    }

    @AfterEach
    void tearDown() {
        admin.close();
    }

    @Test
    void createsTheThreeTopicsWithTheirPartitionsAndCompaction() throws Exception {
        TopicCheck check = new TopicAdmin(admin).ensure(topics);

        assertThat(check.created()).containsExactly(topics.revisions(), topics.rollouts(), topics.reports());
        assertThat(check.existing()).isEmpty();
        assertThat(check.warnings()).isEmpty();
        assertThat(partitions(topics.revisions())).isEqualTo(1);
        assertThat(partitions(topics.rollouts())).isEqualTo(1);
        assertThat(partitions(topics.reports())).isEqualTo(REPORT_PARTITIONS);
        for (String topic : List.of(topics.revisions(), topics.rollouts(), topics.reports())) {
            ConfigEntry policy = config(topic).get("cleanup.policy");
            assertThat(policy.value()).as(topic).isEqualTo("compact");
            assertThat(policy.source()).as(topic).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
    }

    @Test
    void secondRunFindsEverythingInPlaceAndChangesNothing() {
        TopicAdmin topicAdmin = new TopicAdmin(admin);
        topicAdmin.ensure(topics);

        TopicCheck again = topicAdmin.ensure(topics);

        assertThat(again.created()).isEmpty();
        assertThat(again.existing()).containsExactly(topics.revisions(), topics.rollouts(), topics.reports());
        assertThat(again.warnings()).isEmpty();
    }

    @Test
    void revisionsTopicWithThreePartitionsIsRefused() throws Exception {
        createTopic(topics.revisions(), 3, Map.of("cleanup.policy", "compact"));

        assertThatThrownBy(() -> new TopicAdmin(admin).ensure(topics))
                .isInstanceOfSatisfying(TopicMismatchException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .satisfies(p -> {
                            assertThat(p.topic()).isEqualTo(topics.revisions());
                            assertThat(p.problem()).contains("has 3 partitions but must have exactly 1");
                        }))
                .hasMessageContaining(topics.revisions())
                .hasMessageContaining("total order");
    }

    @Test
    void topicWithDeleteCleanupPolicyIsRefused() throws Exception {
        createTopic(topics.rollouts(), 1, Map.of("cleanup.policy", "delete"));
        createTopic(topics.reports(), REPORT_PARTITIONS, Map.of()); // the broker default: delete

        assertThatThrownBy(() -> new TopicAdmin(admin).ensure(topics))
                .isInstanceOfSatisfying(TopicMismatchException.class, e -> assertThat(e.problems())
                        .extracting(TopicProblem::topic).containsExactly(topics.rollouts(), topics.reports()))
                .hasMessageContaining(topics.rollouts() + ": has cleanup.policy=delete but needs compact")
                .hasMessageContaining("--add-config cleanup.policy=compact");
    }

    @Test
    void reportsTopicWithMorePartitionsIsAccepted() throws Exception {
        createTopic(topics.reports(), REPORT_PARTITIONS * 2, topics.specs().get(2).configs());

        TopicCheck check = new TopicAdmin(admin).ensure(topics);

        assertThat(check.created()).containsExactly(topics.revisions(), topics.rollouts());
        assertThat(check.existing()).containsExactly(topics.reports());
        assertThat(check.warnings()).isEmpty();
        assertThat(partitions(topics.reports())).isEqualTo(REPORT_PARTITIONS * 2);
    }

    @Test
    void reportsTopicWithFewerPartitionsIsAWarning() throws Exception {
        createTopic(topics.reports(), 2, topics.specs().get(2).configs());

        TopicCheck check = new TopicAdmin(admin).ensure(topics);

        assertThat(check.warnings()).singleElement().asString()
                .contains(topics.reports()).contains("2 partitions, fewer than the configured 4");
    }

    @Test
    void reportsTopicKeepingProducersTimesIsAWarning() throws Exception {
        // as a reports topic created before the broker's times were asked for
        createTopic(topics.reports(), REPORT_PARTITIONS, Map.of("cleanup.policy", "compact"));

        TopicCheck check = new TopicAdmin(admin).ensure(topics);

        assertThat(check.existing()).containsExactly(topics.reports());
        assertThat(check.warnings()).singleElement().asString().contains(topics.reports())
                .contains("message.timestamp.type=CreateTime").contains("message.timestamp.type=LogAppendTime");
    }

    @Test
    void compactAndDeleteWithFiniteRetentionIsAWarning() throws Exception {
        Map<String, String> config = new java.util.HashMap<>(topics.specs().get(0).configs());
        config.put("cleanup.policy", "compact,delete");
        config.put("retention.ms", "86400000");
        createTopic(topics.revisions(), 1, config);

        TopicCheck check = new TopicAdmin(admin).ensure(topics);

        assertThat(check.warnings()).singleElement().asString()
                .contains(topics.revisions()).contains("retention.ms=86400000");
    }

    @Test
    void topicCreatedByAnotherCoordinatorMeanwhileIsCheckedNotFailed() {
        // given: another coordinator creates every topic between our describe and our create
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.broker().bootstrapServers());
        try (Admin racing = new CreatesFirst(config, admin)) {
            // when
            TopicCheck check = new TopicAdmin(racing).ensure(topics);

            // then
            assertThat(check.created()).isEmpty();
            assertThat(check.existing()).containsExactly(topics.revisions(), topics.rollouts(), topics.reports());
        }
    }

    @Test
    void topicCreatedWrongByAnotherCoordinatorMeanwhileIsStillRefused() {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.broker().bootstrapServers());
        try (Admin racing = new CreatesFirst(config, admin, 2)) {
            assertThatThrownBy(() -> new TopicAdmin(racing).ensure(topics))
                    .isInstanceOf(TopicMismatchException.class)
                    .hasMessageContaining(topics.revisions() + ": has 2 partitions");
        }
    }

    @Test
    void unknownBrokerIsARetriableSetupFailure() {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 100);
        Admin nowhere = Admin.create(config);
        try {
            var topicAdmin = new TopicAdmin(nowhere, Optional.empty(), Duration.ofSeconds(2));
            assertThatThrownBy(() -> topicAdmin.ensure(topics))
                    .isInstanceOfSatisfying(TopicSetupException.class, e -> assertThat(e.retriable()).isTrue());
        } finally {
            nowhere.close(Duration.ZERO);
        }
    }

    private void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                .all().get(30, TimeUnit.SECONDS);
    }

    private int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions().size();
    }

    private Config config(String topic) throws Exception {
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    }

    /**
     * A real admin client that, when asked to create topics, first lets another client
     * create them (with {@code partitions} partitions, or as asked): the race between two
     * coordinators starting at once, made certain.
     */
    private static final class CreatesFirst extends ForwardingAdmin {
        private final Admin other;
        private final int partitions;

        CreatesFirst(Map<String, Object> config, Admin other) {
            this(config, other, 0);
        }

        CreatesFirst(Map<String, Object> config, Admin other, int partitions) {
            super(config);
            this.other = other;
            this.partitions = partitions;
        }

        @Override
        public CreateTopicsResult createTopics(Collection<NewTopic> newTopics, CreateTopicsOptions options) {
            List<NewTopic> first = newTopics.stream()
                    .map(t -> partitions == 0 ? t : new NewTopic(t.name(), partitions, (short) 1).configs(t.configs()))
                    .collect(Collectors.toList());
            try {
                other.createTopics(first).all().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                throw new IllegalStateException("the other coordinator could not create " + first, e);
            }
            return super.createTopics(newTopics, options);
        }
    }
}
