package io.schemafleet.coordinator.drift;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class LineDiffTest {
    @Test
    void equalTextsHaveNoDiff() {
        assertThat(LineDiff.of("table t\n  column a int\n", "table t\n  column a int\n", 2)).isEmpty();
        assertThat(LineDiff.of("", "", 2)).isEmpty();
    }

    @Test
    void changedLinesAreMarkedWithContextAndEveryHunkOpensWithAHeader() {
        String left = numbered(1, 20) + "  column nickname text\n";
        String right = numbered(1, 20).replace("line 10\n", "line 10 changed\n");
        assertThat(LineDiff.of(left, right, 1)).containsExactly(
                "@@", "  line 9", "- line 10", "+ line 10 changed", "  line 11",
                "@@", "  line 20", "-   column nickname text");
    }

    @Test
    void aHunkAmongAnotherTablesColumnsNamesThatTableInItsHeader() {
        // Both tables have the same columns: without the header "- column nickname" could be either one's.
        String table = "  column a int\n  column b int\n  column c int\n  column d int\n";
        String left = "table accounts\n" + table + "  column nickname text\n" + "table users\n" + table
                + "  column nickname text\n";
        String right = "table accounts\n" + table + "  column nickname text\n" + "table users\n" + table;
        assertThat(LineDiff.of(left, right, 2)).containsExactly(
                "@@ table users", "    column c int", "    column d int", "-   column nickname text");
        assertThat(LineDiff.of(right, left, 2)).as("the same for an addition").containsExactly(
                "@@ table users", "    column c int", "    column d int", "+   column nickname text");
    }

    @Test
    void aHunkThatShowsItsTableOrStartsAtTheTopLevelHasABareHeader() {
        String left = "table users\n  column id int\n  column nickname text\nview v\n";
        String right = "table users\n  column id int\nview v\n";
        assertThat(LineDiff.of(left, right, 2)).containsExactly(
                "@@", "  table users", "    column id int", "-   column nickname text", "  view v");
        assertThat(LineDiff.of("index i\ntable t\n", "index j\ntable t\n", 0)).containsExactly(
                "@@", "- index i", "+ index j");
    }

    @Test
    void theHeaderIsTheLineOnTheChangedLinesOwnSide() {
        // A renamed table: an added column sits under the right's name, a removed one under the left's.
        String left = "table old\n  column a int\n  column b int\n  column c int\n";
        String right = "table new\n  column a int\n  column b int\n  column c int\n  column y int\n";
        assertThat(LineDiff.of(left, right, 0)).containsExactly(
                "@@", "- table old", "+ table new", "@@ table new", "+   column y int");
        assertThat(LineDiff.of(right, left, 0)).containsExactly(
                "@@", "- table new", "+ table old", "@@ table new", "-   column y int");
    }

    @Test
    void enclosingLinesFollowNestingAndSkipBlankLines() {
        assertThat(LineDiff.enclosing(List.of("table t", "  column a", "    detail", "  column b", "", "  column c",
                "other"))).containsExactly(null, "table t", "column a", "table t", "column b", "table t", null);
    }

    @Test
    void everyLineOfAnEmptySideIsAnAddition() {
        assertThat(LineDiff.of("", "a\nb\n", 2)).containsExactly("@@", "+ a", "+ b");
    }

    @Test
    void hugeDescriptionsFallBackToComparingLinesAsSetsWithTheirTablesInTheHeaders() {
        int n = (int) Math.sqrt(LineDiff.MAX_CELLS) + 10;
        String left = "table big\n" + indented(1, n);
        String right = "table big\n" + indented(1, n).replace("  line 7\n", "") + "table extra\n  column x int\n";
        assertThat(LineDiff.of(left, right, 0)).containsExactly(
                "@@ table big", "-   line 7", "@@", "+ table extra", "+   column x int");
    }

    private static String numbered(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    private static String indented(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "  line " + i + "\n").collect(Collectors.joining());
    }
}
