package io.schemafleet.protocol.trust;

import io.schemafleet.protocol.SchemafleetException;

/** A key file that cannot be read or is not what it must be; the message names the file. */
public final class KeyFileException extends SchemafleetException {
    private static final long serialVersionUID = 1L;

    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
