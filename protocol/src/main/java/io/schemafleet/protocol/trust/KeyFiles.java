package io.schemafleet.protocol.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * PEM key files (RFC 7468): one {@code -----BEGIN <label>-----} block, optionally preceded
 * by a {@code Key-Id: <id>} line. RFC 7468 lets text stand before the block, and OpenSSL
 * skips it, so the files stay usable with {@code openssl pkey}.
 */
final class KeyFiles {
    static final String PRIVATE = "PRIVATE KEY";
    static final String PUBLIC = "PUBLIC KEY";
    /** Key ids are what {@code sig.key_id} may hold. */
    static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    static final String KEY_ID_RULE = "1 to 128 letters, digits, '.', '_', ':' or '-'";
    private static final String KEY_ID_HEADER = "key-id:";
    private static final int MAX_FILE = 64 * 1024;

    private KeyFiles() {
    }

    /**
     * The one block in a key file.
     *
     * @param keyId the {@code Key-Id:} line's value, or null
     * @param label {@code PRIVATE KEY}, {@code PUBLIC KEY}, ...
     * @param der   the block's bytes
     */
    record Block(String keyId, String label, byte[] der) {
    }

    static String read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new KeyFileException(file + ": larger than " + MAX_FILE + " bytes; not a key file");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new KeyFileException("key file " + file + " does not exist");
        } catch (IOException e) {
            throw new KeyFileException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses {@code text} (named {@code source} in errors). */
    static Block parse(String text, String source) {
        String keyId = null;
        String label = null;
        StringBuilder base64 = new StringBuilder();
        List<String> lines = text.lines().toList();
        int begin = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (label == null) {
                if (line.startsWith("-----BEGIN ") && line.endsWith("-----")) {
                    label = line.substring(11, line.length() - 5);
                    begin = i + 1;
                } else if (line.toLowerCase(Locale.ROOT).startsWith(KEY_ID_HEADER)) {
                    if (keyId != null) {
                        throw new KeyFileException(source + ":" + (i + 1) + ": a second Key-Id line");
                    }
                    keyId = checkKeyId(line.substring(KEY_ID_HEADER.length()).strip(), source + ":" + (i + 1));
                }
            } else if (line.equals("-----END " + label + "-----")) {
                for (int j = i + 1; j < lines.size(); j++) {
                    if (lines.get(j).contains("-----BEGIN ")) {
                        throw new KeyFileException(source + ":" + (j + 1) + ": more than one PEM block; a key file"
                                + " holds one key");
                    }
                }
                try {
                    return new Block(keyId, label, Base64.getMimeDecoder().decode(base64.toString()));
                } catch (IllegalArgumentException e) {
                    throw new KeyFileException(source + ":" + begin + ": the " + label + " block is not Base64");
                }
            } else if (line.startsWith("-----")) {
                throw new KeyFileException(source + ":" + (i + 1) + ": expected -----END " + label + "-----");
            } else {
                base64.append(line);
            }
        }
        throw new KeyFileException(label == null
                ? source + ": no PEM block (-----BEGIN PRIVATE KEY----- or -----BEGIN PUBLIC KEY-----)"
                : source + ": the " + label + " block has no -----END " + label + "----- line");
    }

    static String checkKeyId(String keyId, String where) {
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw new KeyFileException(where + ": key id '" + (keyId == null ? "" : keyId.length() > 80
                    ? keyId.substring(0, 80) + "..." : keyId) + "' is invalid: expected " + KEY_ID_RULE);
        }
        return keyId;
    }

    /** The PEM text of one block, with its {@code Key-Id:} line. */
    static String write(String keyId, String label, byte[] der) {
        StringBuilder out = new StringBuilder();
        out.append("Key-Id: ").append(keyId).append('\n');
        out.append("-----BEGIN ").append(label).append("-----\n");
        String base64 = Base64.getEncoder().encodeToString(der);
        for (int i = 0; i < base64.length(); i += 64) {
            out.append(base64, i, Math.min(base64.length(), i + 64)).append('\n');
        }
        out.append("-----END ").append(label).append("-----\n");
        return out.toString();
    }

    /** Files to read for a path: the file itself, or a directory's {@code *.pem} files (not hidden), sorted. */
    static List<Path> expand(Path path) {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        List<Path> out = new ArrayList<>();
        try (var list = Files.list(path)) {
            list.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".pem") && !name.startsWith(".") && Files.isRegularFile(p);
            }).sorted().forEach(out::add);
        } catch (IOException e) {
            throw new KeyFileException("cannot list key directory " + path + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new KeyFileException("key directory " + path + " holds no *.pem file");
        }
        return out;
    }
}
