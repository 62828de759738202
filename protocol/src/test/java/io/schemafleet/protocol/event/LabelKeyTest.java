package io.schemafleet.protocol.event;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class LabelKeyTest {
    @ParameterizedTest
    @ValueSource(strings = {"tier", "a", "region2", "schemafleet.io/cohort", "a/b", "team_x-y"})
    void keysLikeKubernetesLabelsAreValid(String key) {
        assertThat(Names.isLabelKey(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "../../etc/passwd", "/x", "x/", "-a", "a.", "ti er", "tier;", "tiér"})
    void keysThatDoNotStartAndEndWithALetterOrDigitOrHoldOtherCharactersAreNot(String key) {
        assertThat(Names.isLabelKey(key)).isFalse();
    }
}
