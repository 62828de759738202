package io.schemafleet.agent.apply;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class SqlFailureTest {

    @ParameterizedTest
    @ValueSource(strings = {"08006", "08001", "40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "53300",
            "53100"})
    void transientSqlStatesAreRetryable(String state) {
        // when
        SqlFailure failure = SqlFailure.classify(new SQLException("ERROR: boom", state));

        // then
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.sqlState()).isEqualTo(state);
    }

    @ParameterizedTest
    @ValueSource(strings = {"42601", "42703", "23505", "42P01", "40002", "55000", "57000", "28P01"})
    void otherSqlStatesArePermanent(String state) {
        assertThat(SqlFailure.classify(new SQLException("ERROR: boom", state)).retryable()).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void missingSqlStateIsPermanent(String state) {
        // when
        SqlFailure failure = SqlFailure.classify(new SQLException("no state", state));

        // then
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.sqlState()).isEqualTo(state);
    }

    @ParameterizedTest
    @ValueSource(strings = {"08006", "08001", "08003", "57P01", "57P02", "57P03"})
    void aBrokenConnectionIsALostConnection(String state) {
        assertThat(SqlFailure.classify(new SQLException("I/O error", state)).connectionLost()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"40001", "40P01", "55P03", "57014", "53300", "42P01", "57P04"})
    void otherFailuresLeaveTheConnectionStanding(String state) {
        assertThat(SqlFailure.classify(new SQLException("ERROR: boom", state)).connectionLost()).isFalse();
    }

    @Test
    void aConnectionThePoolAlreadyClosedIsAConnectionLossNotAPermanentFailure() {
        // given: what HikariCP's proxy throws once it evicted a broken connection (no SQLSTATE)
        SQLException e = new SQLException("Connection is closed");

        // when
        SqlFailure failure = SqlFailure.classify(e);

        // then
        assertThat(failure.sqlState()).isEqualTo("08003");
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.connectionLost()).isTrue();
    }

    @Test
    void keepsOnlyTheFirstLineOfTheMessage() {
        // given: PostgreSQL puts DETAIL (possibly row data) on later lines
        SQLException e = new SQLException("ERROR: duplicate key value violates unique constraint \"u\"\n"
                + "  Detail: Key (email)=(alice@example.com) already exists.", "23505");

        // when
        SqlFailure failure = SqlFailure.classify(e);

        // then
        assertThat(failure.message()).isEqualTo("ERROR: duplicate key value violates unique constraint \"u\"");
        assertThat(failure.message()).doesNotContain("alice");
    }

    @Test
    void capsALongFirstLineAt500CharactersPlusEllipsis() {
        // given
        String line = "x".repeat(499) + "yz" + "w".repeat(100);

        // when
        SqlFailure failure = SqlFailure.classify(new SQLException(line + "\nsecond line", "42601"));

        // then
        assertThat(failure.message()).hasSize(503).isEqualTo("x".repeat(499) + "y...");
    }

    @Test
    void leavesAFirstLineOfExactly500CharactersAlone() {
        String line = "e".repeat(500);
        assertThat(SqlFailure.classify(new SQLException(line, "42601")).message()).isEqualTo(line);
    }

    @Test
    void nullMessageBecomesEmpty() {
        assertThat(SqlFailure.classify(new SQLException(null, "08006")).message()).isEmpty();
    }
}
