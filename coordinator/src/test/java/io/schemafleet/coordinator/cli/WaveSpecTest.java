package io.schemafleet.coordinator.cli;

import io.schemafleet.coordinator.client.WavePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WaveSpecTest {
    @Test
    void aNamedWaveWithLabelsAndEveryOption() {
        WavePlan wave = WaveSpec.parse("canary:tier=canary:region=eu:soak=2m:max-failures=0:parallelism=5");

        assertThat(wave).isEqualTo(new WavePlan("canary", Map.of("tier", "canary", "region", "eu"), null,
                Duration.ofMinutes(2), 0, null, 5));
    }

    @Test
    void aPercentAloneIsTheBucketWavePN() {
        assertThat(WaveSpec.parse("10%")).isEqualTo(new WavePlan("p10", Map.of(), 10, null, null, null, null));
        assertThat(WaveSpec.parse("100%")).isEqualTo(new WavePlan("p100", Map.of(), 100, null, null, null, null));
    }

    @Test
    void aPercentWaveTakesOptionsToo() {
        assertThat(WaveSpec.parse("25%:soak=PT1H:max-failures=5%")).isEqualTo(
                new WavePlan("p25", Map.of(), 25, Duration.ofHours(1), null, 5, null));
    }

    @Test
    void aNamedWaveCanSelectABucketAndLabelsTogether() {
        assertThat(WaveSpec.parse("eu-half:region=eu:bucket=50%")).isEqualTo(
                new WavePlan("eu-half", Map.of("region", "eu"), 50, null, null, null, null));
        assertThat(WaveSpec.parse("rest:bucket=100").bucketPercent()).isEqualTo(100);
    }

    @Test
    void aNameAloneIsTheWholeFleet() {
        assertThat(WaveSpec.parse(" everyone ")).isEqualTo(new WavePlan("everyone", Map.of(), null, null, null, null, null));
    }

    @Test
    void labelKeysMayHaveSlashesAndDots() {
        assertThat(WaveSpec.parse("w:example.com/team=core").labels()).isEqualTo(Map.of("example.com/team", "core"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "''                          | empty wave spec",
            "tier=canary                 | a wave starts with its name, e.g. canary:tier=canary",
            "can ary                     | wave name 'can ary' must be 1 to 128 letters",
            "0%                          | '0%' is not a percentage from 1% to 100%",
            "101%                        | '101%' is not a percentage from 1% to 100%",
            "canary:tier                 | 'tier' is not key=value",
            "canary:=x                   | '=x' is not key=value",
            "canary:tier=                | 'tier=' is not key=value",
            "canary::soak=2m             | empty part",
            "canary:soak=2m:             | empty part",
            "canary:soak=2 minutes       | soak '2 minutes' is not a duration like 500ms, 5s, 15m or 1h",
            "canary:soak=PT-2M           | soak must not be negative",
            "canary:soak=Pfoo            | soak 'Pfoo' is not an ISO-8601 duration",
            "canary:max-failures=-1      | max-failures must be a whole number, at least 0, got '-1' (or a percentage",
            "canary:max-failures=150%    | '150%' is not a percentage from 0% to 100%",
            "canary:max_failures=0       | write 'max-failures', not 'max_failures'",
            "canary:Soak=2m              | write 'soak', not 'Soak'",
            "canary:parallelism=0        | parallelism must be a whole number, at least 1, got '0'",
            "canary:parallelism=many     | parallelism must be a whole number, at least 1, got 'many'",
            "canary:bucket=0             | '0' is not a percentage from 1% to 100%",
            "10%:bucket=20%              | the wave p10 is already bucket < 10%; drop bucket=20%",
            "canary:soak=1m:soak=2m      | 'soak' given twice",
            "canary:tier=a:tier=b        | 'tier' given twice",
            "canary:tier=a=b             | label tier needs a value of 1 to 255 characters without '='",
            "canary:ti er=a              | label key 'ti er' must be 1 to 253 letters",
    })
    void badSpecsSayWhatIsWrong(String spec, String message) {
        assertThatThrownBy(() -> WaveSpec.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("wave '" + spec + "': ")
                .hasMessageContaining(message);
    }

    @Test
    void theJsonSentHasTheProtocolsWaveFields() {
        WavePlan canary = WaveSpec.parse("canary:tier=canary:soak=2m:max-failures=0:parallelism=5");
        WavePlan tenth = WaveSpec.parse("10%:max-failures=5%");

        assertThat(new io.schemafleet.coordinator.client.RolloutPlan("head", java.util.List.of(canary, tenth), false)
                .toJson().toString()).isEqualTo("{\"to\":\"head\",\"waves\":["
                + "{\"name\":\"canary\",\"labels\":{\"tier\":\"canary\"},\"bucket_percent\":null,\"soak\":\"PT2M\","
                + "\"max_failures\":0,\"parallelism\":5},"
                + "{\"name\":\"p10\",\"labels\":{},\"bucket_percent\":10,\"soak\":null,\"max_failures\":null,"
                + "\"max_failures_percent\":5,\"parallelism\":null}],\"supersede\":false}");
    }

    @Test
    void withoutWavesNoWavesMemberIsSent() {
        assertThat(new io.schemafleet.coordinator.client.RolloutPlan("head", java.util.List.of(), true).toJson()
                .toString()).isEqualTo("{\"to\":\"head\",\"supersede\":true}");
    }
}
