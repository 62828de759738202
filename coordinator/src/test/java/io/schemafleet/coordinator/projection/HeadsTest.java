package io.schemafleet.coordinator.projection;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HeadsTest {
    @Test
    void storedFormIsSortedDistinctAndEmptyForNothingApplied() {
        assertThat(Heads.key(List.of("b2", "a1", "b2"))).isEqualTo("a1,b2");
        assertThat(Heads.key(List.of())).isEmpty();
    }

    @Test
    void apiFormNamesAnEmptyVersionTableBase() {
        assertThat(Heads.show("")).isEqualTo("base");
        assertThat(Heads.show("a1,b2")).isEqualTo("a1,b2");
    }

    @Test
    void parsesWhatCallersWriteInAnyOrder() {
        assertThat(Heads.parse("b2, a1")).isEqualTo("a1,b2");
        assertThat(Heads.parse("base")).isEmpty();
        assertThat(Heads.parse("")).isEmpty();
        assertThat(Heads.ids("a1,b2")).containsExactly("a1", "b2");
        assertThat(Heads.ids("")).isEmpty();
    }
}
