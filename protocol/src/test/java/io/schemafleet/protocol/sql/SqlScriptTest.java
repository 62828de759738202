package io.schemafleet.protocol.sql;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class SqlScriptTest {

    @Test
    void splitsAtTopLevelSemicolonsAndTrims() {
        // when
        List<String> statements = SqlScript.split("  CREATE TABLE a (id int);\n\nCREATE TABLE b (id int) ;  \n");

        // then
        assertThat(statements).containsExactly("CREATE TABLE a (id int)", "CREATE TABLE b (id int)");
    }

    @Test
    void keepsATrailingStatementWithoutSemicolon() {
        assertThat(SqlScript.split("SELECT 1; SELECT 2")).containsExactly("SELECT 1", "SELECT 2");
        assertThat(SqlScript.split("SELECT 1")).containsExactly("SELECT 1");
    }

    @Test
    void dropsBlankStatements() {
        assertThat(SqlScript.split(";;  ;\n;SELECT 1;;\n\t;")).containsExactly("SELECT 1");
        assertThat(SqlScript.split("")).isEmpty();
        assertThat(SqlScript.split(" \n\t ")).isEmpty();
    }

    @Test
    void semicolonInAStringIsNotASplitPoint() {
        // given
        String script = "INSERT INTO t VALUES ('a;b'); SELECT 2;";

        // then
        assertThat(SqlScript.split(script)).containsExactly("INSERT INTO t VALUES ('a;b')", "SELECT 2");
    }

    @Test
    void doubledQuoteInAStringDoesNotEndIt() {
        // given: 'it''s; fine' is one string
        String script = "INSERT INTO t VALUES ('it''s; fine'); SELECT 2";

        // then
        assertThat(SqlScript.split(script)).containsExactly("INSERT INTO t VALUES ('it''s; fine')", "SELECT 2");
    }

    @Test
    void standardStringTreatsBackslashLiterally() {
        // given: with standard_conforming_strings, 'a\' is a complete string
        String script = "SELECT 'a\\'; SELECT 2";

        // then
        assertThat(SqlScript.split(script)).containsExactly("SELECT 'a\\'", "SELECT 2");
    }

    @Test
    void escapeStringHonoursBackslashEscapes() {
        // given: E'it\'s; x' is one string; so is e'\\' (an escaped backslash)
        String script = "SELECT E'it\\'s; x'; SELECT e'\\\\'; SELECT 3";

        // then
        assertThat(SqlScript.split(script))
                .containsExactly("SELECT E'it\\'s; x'", "SELECT e'\\\\'", "SELECT 3");
    }

    @Test
    void escapeStringAfterAParenthesisAndAtTheStart() {
        assertThat(SqlScript.split("VALUES(E'\\';'); SELECT 2"))
                .containsExactly("VALUES(E'\\';')", "SELECT 2");
        assertThat(SqlScript.split("E'\\';'; SELECT 2"))
                .containsExactly("E'\\';'", "SELECT 2");
    }

    @Test
    void anIdentifierEndingInEBeforeAQuoteIsNotAnEscapeString() {
        // given: LIKE'a\' is the keyword LIKE and the standard string 'a\'
        String script = "SELECT x FROM t WHERE x LIKE'a\\'; SELECT 2";

        // then
        assertThat(SqlScript.split(script))
                .containsExactly("SELECT x FROM t WHERE x LIKE'a\\'", "SELECT 2");
    }

    @Test
    void semicolonInAQuotedIdentifierIsNotASplitPoint() {
        // given
        String script = "CREATE TABLE \"odd;name\" (\"a\"\"b;\" int); SELECT 2";

        // then
        assertThat(SqlScript.split(script))
                .containsExactly("CREATE TABLE \"odd;name\" (\"a\"\"b;\" int)", "SELECT 2");
    }

    @Test
    void doBlockWithDollarQuotesIsOneStatement() {
        // given
        String doBlock = """
                DO $$
                BEGIN
                  PERFORM 1;
                  RAISE NOTICE 'x;y';
                END
                $$""";
        String script = doBlock + ";\nSELECT 2;";

        // then
        assertThat(SqlScript.split(script)).containsExactly(doBlock, "SELECT 2");
    }

    @Test
    void functionWithTaggedDollarQuoteIsOneStatement() {
        // given: the body contains $$ and $other$, which do not close $body$
        String function = """
                CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $body$
                BEGIN
                  EXECUTE $$SELECT 1;$$;
                  RETURN $other$;$other$;
                END;
                $body$""";
        String script = function + ";\nSELECT f();";

        // then
        assertThat(SqlScript.split(script)).containsExactly(function, "SELECT f()");
    }

    @Test
    void positionalParametersAndDollarsInIdentifiersAreNotDollarQuotes() {
        // given: if $1 or a$b opened a dollar quote, the first ; would be swallowed
        String script = "PREPARE p AS SELECT $1, a$b$ FROM t WHERE x = $2; SELECT 2; SELECT c$d; SELECT 4";

        // then
        assertThat(SqlScript.split(script)).containsExactly(
                "PREPARE p AS SELECT $1, a$b$ FROM t WHERE x = $2", "SELECT 2", "SELECT c$d", "SELECT 4");
    }

    @Test
    void semicolonInALineCommentIsNotASplitPoint() {
        // given
        String script = "SELECT 1 -- first; not a split\n, 2;\nSELECT 3";

        // then
        assertThat(SqlScript.split(script)).containsExactly("SELECT 1 -- first; not a split\n, 2", "SELECT 3");
    }

    @Test
    void semicolonInANestedBlockCommentIsNotASplitPoint() {
        // given: after the inner */ the outer comment is still open
        String script = "SELECT 1 /* outer /* inner */ ; still comment */ + 1; SELECT 2";

        // then
        assertThat(SqlScript.split(script))
                .containsExactly("SELECT 1 /* outer /* inner */ ; still comment */ + 1", "SELECT 2");
    }

    @Test
    void dropsCommentOnlyStatements() {
        // given
        String script = """
                -- header comment;
                SELECT 1;
                /* a block; comment */
                ;
                -- trailing comment without newline""";

        // when
        List<String> statements = SqlScript.split(script);

        // then
        assertThat(statements).hasSize(1);
        assertThat(statements.get(0)).endsWith("SELECT 1").startsWith("--");
    }

    @Test
    void dropsAStatementOfOnlyNestedCommentsAndLineComments() {
        assertThat(SqlScript.split("/* a /* b */ c */ -- d\n /* e */;SELECT 1")).containsExactly("SELECT 1");
    }

    @Test
    void unterminatedStringSwallowsTheRestWithoutThrowing() {
        // given
        String script = "SELECT 1; SELECT 'oops; SELECT 2; SELECT 3";

        // then
        assertThatCode(() -> SqlScript.split(script)).doesNotThrowAnyException();
        assertThat(SqlScript.split(script)).containsExactly("SELECT 1", "SELECT 'oops; SELECT 2; SELECT 3");
    }

    @Test
    void unterminatedDollarQuoteAndCommentSwallowTheRest() {
        assertThat(SqlScript.split("SELECT 1; DO $$ BEGIN; END;")).containsExactly("SELECT 1", "DO $$ BEGIN; END;");
        assertThat(SqlScript.split("SELECT 1; SELECT 2 /* open; SELECT 3"))
                .containsExactly("SELECT 1", "SELECT 2 /* open; SELECT 3");
        assertThat(SqlScript.split("SELECT \"x; y")).containsExactly("SELECT \"x; y");
    }

    @Test
    void crlfScriptsSplitTheSameWay() {
        assertThat(SqlScript.split("SELECT 1;\r\n-- c;\r\nSELECT 2;\r\n")).hasSize(2)
                .first().isEqualTo("SELECT 1");
    }

    @Test
    void statementsSayWhereEachStartsAndTheirFirstTokensOutsideQuotesAndComments() {
        // given
        String script = "-- lead\n  create index \"Concurrently\" ON t (a);\n/* x */ SELECT 'VACUUM', $$ DROP $$ FROM t";

        // when
        List<SqlScript.Statement> statements = SqlScript.statements(script);

        // then
        assertThat(statements).extracting(SqlScript.Statement::text).containsExactlyElementsOf(SqlScript.split(script));
        assertThat(statements.get(0).start()).isEqualTo(script.indexOf("create"));
        assertThat(statements.get(0).head()).containsExactly("CREATE", "INDEX", "\"", "ON", "T", "(", "A", ")");
        assertThat(statements.get(1).start()).isEqualTo(script.indexOf("SELECT"));
        assertThat(statements.get(1).head()).containsExactly("SELECT", "'", ",", "$", "FROM", "T");
    }

    @Test
    void theHeadOfALongStatementKeepsItsFirstTokensOnly() {
        String script = "INSERT INTO t VALUES " + "(1), ".repeat(1_000) + "(2)";

        assertThat(SqlScript.statements(script).get(0).head()).hasSize(SqlScript.HEAD_TOKENS)
                .startsWith("INSERT", "INTO", "T", "VALUES", "(", "1", ")");
    }
}
