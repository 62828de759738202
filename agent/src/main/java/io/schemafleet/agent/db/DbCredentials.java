package io.schemafleet.agent.db;

import io.schemafleet.protocol.SchemafleetException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Database user and password, from the environment or files, never from the command
 * line: {@code SCHEMAFLEET_DB_USER} / {@code SCHEMAFLEET_DB_PASSWORD}, or
 * {@code SCHEMAFLEET_DB_PASSWORD_FILE} naming a file that holds the password. Either
 * may be absent (then the JDBC URL or the driver's defaults decide). Never printed:
 * {@link #toString()} hides the password.
 */
public record DbCredentials(String user, String password) {
    public static final DbCredentials NONE = new DbCredentials(null, null);

    public static DbCredentials fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static DbCredentials fromEnvironment(Map<String, String> env) {
        String user = env.get("SCHEMAFLEET_DB_USER");
        String password = env.get("SCHEMAFLEET_DB_PASSWORD");
        String file = env.get("SCHEMAFLEET_DB_PASSWORD_FILE");
        if (password == null && file != null) {
            try {
                password = Files.readString(Path.of(file)).strip();
            } catch (IOException e) {
                throw new SchemafleetException("cannot read SCHEMAFLEET_DB_PASSWORD_FILE " + file + ": " + e.getMessage());
            }
        }
        return new DbCredentials(user, password);
    }

    @Override
    public String toString() {
        return "DbCredentials[user=" + user + ", password=" + (password == null ? "none" : "****") + "]";
    }
}
