package io.schemafleet.protocol.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which statements of a non-transactional step the agent runs without {@code lock_timeout}
 * (concurrent index work) and which may leave work behind when they fail, told by their
 * first words, not by a word anywhere in the text.
 */
class TransactionBlockTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE INDEX CONCURRENTLY ix ON t (id)",
            "create unique index concurrently ux on t (id)",
            "DROP INDEX CONCURRENTLY IF EXISTS ix",
            "REINDEX INDEX CONCURRENTLY ix",
            "REINDEX (CONCURRENTLY) TABLE t"})
    void concurrentIndexWorkWaitsWithoutALockTimeoutAndLeavesWorkWhenItFails(String sql) {
        SqlScript.Statement statement = SqlScript.statements(sql).get(0);

        assertThat(TransactionBlock.concurrentIndexWork(statement)).isTrue();
        assertThat(TransactionBlock.leavesWorkWhenItFails(statement)).isTrue();
    }

    @Test
    void aPartitionDetachedConcurrentlyLeavesWorkButKeepsItsLockTimeout() {
        // Its second phase takes ACCESS EXCLUSIVE on the partition: waiting on that blocks the partition's readers.
        SqlScript.Statement statement = SqlScript.statements(
                "ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY").get(0);

        assertThat(TransactionBlock.concurrentIndexWork(statement)).isFalse();
        assertThat(TransactionBlock.leavesWorkWhenItFails(statement)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "-- swap in the index built concurrently above\nALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY USING INDEX ix",
            "UPDATE notes SET text = 'reindex concurrently next week'",
            "CREATE INDEX ix ON t (id)",
            "VACUUM t"})
    void anythingElseKeepsItsLockTimeoutAndLeavesNothingWhenItFails(String sql) {
        SqlScript.Statement statement = SqlScript.statements(sql).get(0);

        assertThat(TransactionBlock.concurrentIndexWork(statement)).isFalse();
        assertThat(TransactionBlock.leavesWorkWhenItFails(statement)).isFalse();
    }
}
