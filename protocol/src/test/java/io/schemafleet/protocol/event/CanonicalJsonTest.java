package io.schemafleet.protocol.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keysAreSortedAtEveryLevelWithoutWhitespace() throws Exception {
        String canonical = canonical(JSON.readTree(
                "{ \"b\": 1, \"a\": { \"z\": [ 3, { \"y\": 2, \"x\": 1 } ], \"B\": true }, \"\u00e9\": \"\", \"_\": 0 }"));

        assertThat(canonical).isEqualTo("{\"_\":0,\"a\":{\"B\":true,\"z\":[3,{\"x\":1,\"y\":2}]},\"b\":1,\"\u00e9\":\"\"}");
    }

    @Test
    void sameValueGivesSameBytesWhateverTheConstructionOrder() {
        ObjectNode first = JSON.createObjectNode();
        first.put("tenant", "t1").put("attempts", 2).putObject("error").put("code", "x").put("message", "m");
        ObjectNode second = JSON.createObjectNode();
        second.putObject("error").put("message", "m").put("code", "x");
        second.put("attempts", 2).put("tenant", "t1");

        assertThat(CanonicalJson.write(first)).isEqualTo(CanonicalJson.write(second));
    }

    @Test
    void envelopesBuiltInDifferentOrdersHaveTheSameCanonicalBytes() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        Envelope one = EventSamples.envelope(new RolloutStarted("r1", "head", List.of(Wave.byLabels("w", ab)), null));
        Envelope two = EventSamples.envelope(new RolloutStarted("r1", "head", List.of(Wave.byLabels("w", ba)), null));

        assertThat(CanonicalJson.canonicalBytes(one)).isEqualTo(CanonicalJson.canonicalBytes(two));
        assertThat(one).isEqualTo(two);
    }

    @Test
    void reformattedWireGivesTheSameCanonicalBytes() throws Exception {
        Envelope original = EventSamples.envelope(EventSamples.TENANT_REPORT);
        byte[] pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(JSON.readTree(EventCodec.encode(original)));

        Envelope decoded = ((Decoded.Event) EventCodec.decode(pretty)).envelope();

        assertThat(CanonicalJson.canonicalBytes(decoded)).isEqualTo(CanonicalJson.canonicalBytes(original));
    }

    @Test
    void nullMembersAreOmittedButNullsInArraysKept() throws Exception {
        assertThat(canonical(JSON.readTree("{\"a\":null,\"b\":[null,1],\"c\":{\"d\":null}}")))
                .isEqualTo("{\"b\":[null,1],\"c\":{}}");
    }

    @Test
    void stringsAreRawUtf8WithOnlyQuotesBackslashesAndControlsEscaped() {
        ObjectNode node = JSON.createObjectNode().put("s", "caf\u00e9 \"q\" \\ / \n\t\u0001 \u20ac");

        byte[] bytes = CanonicalJson.write(node);

        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"s\":\"caf\u00e9 \\\"q\\\" \\\\ / \\n\\t\\u0001 \u20ac\"}");
        assertThat(bytes).contains((byte) 0xC3, (byte) 0xA9);
    }

    @Test
    void theSignatureIsNotPartOfTheCanonicalBytes() {
        Envelope unsigned = EventSamples.envelope(EventSamples.TENANT_RETRY_REQUESTED);
        Envelope signed = unsigned.withSig(new Signature("k1", "AAEC"));

        assertThat(CanonicalJson.canonicalBytes(signed)).isEqualTo(CanonicalJson.canonicalBytes(unsigned));
        assertThat(EventCodec.encode(signed)).isNotEqualTo(EventCodec.encode(unsigned));
        assertThat(EventCodec.encode(unsigned)).isEqualTo(CanonicalJson.canonicalBytes(unsigned));
    }

    private static String canonical(com.fasterxml.jackson.databind.JsonNode node) {
        return new String(CanonicalJson.write(node), StandardCharsets.UTF_8);
    }
}
