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
    void changedLinesAreMarkedWithContextAndCutsBetween() {
        String left = numbered(1, 20) + "  column nickname text\n";
        String right = numbered(1, 20).replace("line 10\n", "line 10 changed\n");
        assertThat(LineDiff.of(left, right, 1)).containsExactly(
                "@@", "  line 9", "- line 10", "+ line 10 changed", "  line 11", "@@",
                "  line 20", "-   column nickname text");
    }

    @Test
    void everyLineOfAnEmptySideIsAnAddition() {
        assertThat(LineDiff.of("", "a\nb\n", 2)).containsExactly("+ a", "+ b");
    }

    @Test
    void hugeDescriptionsFallBackToComparingLinesAsSets() {
        int n = (int) Math.sqrt(LineDiff.MAX_CELLS) + 10;
        String left = numbered(1, n);
        String right = numbered(1, n).replace("line 7\n", "") + "extra\n";
        assertThat(LineDiff.of(left, right, 0)).containsExactly("- line 7", "+ extra");
    }

    private static String numbered(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }
}
