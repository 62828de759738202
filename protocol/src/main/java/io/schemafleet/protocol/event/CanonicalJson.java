package io.schemafleet.protocol.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The canonical JSON form: the bytes that are signed, and the bytes {@link EventCodec}
 * writes. The same value always gives the same bytes, whatever order it was built in.
 *
 * <ul>
 *   <li>UTF-8; no whitespace outside strings; no byte order mark;</li>
 *   <li>object members sorted by name ({@link String#compareTo}: UTF-16 code units,
 *       which for the ASCII names used here is byte order);</li>
 *   <li>object members whose value is {@code null} are <b>omitted</b> (absent and null
 *       mean the same on the wire); {@code null} inside arrays is kept;</li>
 *   <li>strings as Jackson writes them: non-ASCII characters raw, only {@code "},
 *       {@code \} and control characters escaped; numbers as Jackson writes them
 *       (integers as plain digits; no version-1 body has a fractional number).</li>
 * </ul>
 */
public final class CanonicalJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private CanonicalJson() {
    }

    /** The canonical bytes of {@code envelope} without its {@code sig}: what a signature covers. */
    public static byte[] canonicalBytes(Envelope envelope) {
        return write(EventCodec.tree(envelope, false));
    }

    /** The canonical bytes of any JSON tree. */
    public static byte[] write(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            write(g, node);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** A copy of {@code node} in canonical shape: exactly the tree a reader of {@link #write} gets. */
    static JsonNode normalize(JsonNode node) {
        // Every event decoded is in canonical shape already (producers write canonical JSON):
        // a copy is the same tree at a fraction of the cost of writing and reading it again.
        if (canonical(node)) {
            return node.deepCopy();
        }
        try {
            return MAPPER.readTree(write(node));
        } catch (IOException e) {
            throw new UncheckedIOException("canonical JSON always parses", e);
        }
    }

    /**
     * Whether reading {@link #write}'s bytes of {@code node} back gives {@code node}, members
     * in the same order: objects' names ascending, no null members, and only values the
     * reader gives back as they are. Anything else (a long that fits an int, a decimal, a
     * string with surrogates) is left to the round trip.
     */
    private static boolean canonical(JsonNode node) {
        if (node.isObject()) {
            String previous = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                if (previous != null && previous.compareTo(member.getKey()) >= 0 || member.getValue().isNull()
                        || !canonical(member.getValue())) {
                    return false;
                }
                previous = member.getKey();
            }
            return true;
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (!canonical(element)) {
                    return false;
                }
            }
            return true;
        }
        return node instanceof TextNode text && !hasSurrogates(text.textValue()) || node instanceof IntNode
                || node instanceof LongNode && !node.canConvertToInt() || node.isBoolean() || node.isNull();
    }

    private static boolean hasSurrogates(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static void write(JsonGenerator g, JsonNode node) throws IOException {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            Collections.sort(names);
            g.writeStartObject();
            for (String name : names) {
                JsonNode value = node.get(name);
                if (!value.isNull() && !value.isMissingNode()) {
                    g.writeFieldName(name);
                    write(g, value);
                }
            }
            g.writeEndObject();
        } else if (node.isArray()) {
            g.writeStartArray();
            for (JsonNode element : node) {
                write(g, element);
            }
            g.writeEndArray();
        } else {
            MAPPER.writeTree(g, node);
        }
    }
}
