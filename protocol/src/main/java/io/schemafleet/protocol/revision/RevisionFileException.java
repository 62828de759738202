package io.schemafleet.protocol.revision;

import io.schemafleet.protocol.SchemafleetException;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A revision file that cannot be used, located for the operator: {@link #getMessage()}
 * is {@code <file>:<line>: <reason>}, the form compilers use and editors link to.
 *
 * <p>{@link #line()} is 1-based; 0 means the problem is not about one line (the file
 * cannot be read, the path is not a directory) and the message is then
 * {@code <file>: <reason>}.
 */
public final class RevisionFileException extends SchemafleetException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final String reason;

    public RevisionFileException(Path file, int line, String reason) {
        this(file, line, reason, null);
    }

    public RevisionFileException(Path file, int line, String reason, Throwable cause) {
        super(format(file, line, reason), cause);
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0, not " + line);
        }
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    /** The file (or directory) the problem is in, as it was given to the reader. */
    public Path file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }

    /** What is wrong, without the location. */
    public String reason() {
        return reason;
    }

    private static String format(Path file, int line, String reason) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reason, "reason");
        return line == 0 ? file + ": " + reason : file + ":" + line + ": " + reason;
    }
}
