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

    @Test
    void normalizingGivesWhatReadingTheCanonicalBytesGives() throws Exception {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 2_000; i++) {
            com.fasterxml.jackson.databind.JsonNode tree = randomTree(random, 3);
            if (random.nextBoolean()) {
                tree = JSON.readTree(CanonicalJson.write(tree)); // as decoded: canonical already
            }
            com.fasterxml.jackson.databind.JsonNode roundTrip = JSON.readTree(CanonicalJson.write(tree));
            com.fasterxml.jackson.databind.JsonNode normalized = CanonicalJson.normalize(tree);
            assertThat(normalized).as("normalized %s", tree).isEqualTo(roundTrip);
            assertThat(normalized.toString()).as("members' order of %s", tree).isEqualTo(roundTrip.toString());
            if (tree.isContainerNode()) {
                assertThat(normalized).as("a copy").isNotSameAs(tree);
            }
        }
    }

    /** Objects with members in any order and null members, arrays with nulls, numbers of every kind, odd strings. */
    private static com.fasterxml.jackson.databind.JsonNode randomTree(java.util.Random random, int depth) {
        var factory = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        switch (random.nextInt(depth > 0 ? 12 : 9)) {
            case 0: return factory.numberNode(random.nextInt(1000) - 500);
            case 1: return factory.numberNode(random.nextBoolean() ? (long) random.nextInt(100) : Long.MAX_VALUE - random.nextInt(9));
            case 2: return factory.numberNode(random.nextInt(100) / 8.0);
            case 3: return factory.numberNode(java.math.BigInteger.valueOf(random.nextInt(100)));
            case 4: return factory.textNode(List.of("", "a", "\u00e9\n\"", "\ud83d\ude00", "x\ud800").get(random.nextInt(5)));
            case 5: return factory.booleanNode(random.nextBoolean());
            case 6: return factory.nullNode();
            case 7: return factory.numberNode((short) random.nextInt(100));
            case 8: return factory.textNode("t" + random.nextInt(10));
            case 9: case 10: {
                ObjectNode o = factory.objectNode();
                for (int k = random.nextInt(5); k > 0; k--) {
                    o.set(List.of("b", "a", "c", "aa", "B").get(random.nextInt(5)), randomTree(random, depth - 1));
                }
                return o;
            }
            default: {
                var a = factory.arrayNode();
                for (int k = random.nextInt(4); k > 0; k--) {
                    a.add(randomTree(random, depth - 1));
                }
                return a;
            }
        }
    }
}
