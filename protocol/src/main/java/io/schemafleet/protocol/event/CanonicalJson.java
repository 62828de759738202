package io.schemafleet.protocol.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

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
        try {
            return MAPPER.readTree(write(node));
        } catch (IOException e) {
            throw new UncheckedIOException("canonical JSON always parses", e);
        }
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
