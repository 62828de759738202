package io.schemafleet.agent.tenant;

import io.schemafleet.protocol.SchemafleetException;

import java.util.regex.Pattern;

/** PostgreSQL JDBC URLs: point one at another database, or make one safe to print. */
public final class JdbcUrls {
    private static final String PREFIX = "jdbc:postgresql:";
    // A URL parameter that names the database would override the path, so every
    // tenant would silently land in the same database.
    private static final Pattern DATABASE_PARAM = Pattern.compile("(?i)(^|&)PGDBNAME=");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&]password=)[^&]*");
    /**
     * Everything before the last {@code @}, as in a libpq URL's {@code user:password@} pasted
     * where a JDBC one belongs (a password may hold {@code /} or {@code @} itself).
     */
    private static final Pattern USERINFO = Pattern.compile("(://).*@");

    private JdbcUrls() {
    }

    /**
     * {@code url} with its database replaced by {@code database}; host list, port and
     * parameters are kept. Handles {@code jdbc:postgresql://host[:port][,host2...]/db?params},
     * {@code jdbc:postgresql://host} (no database) and {@code jdbc:postgresql:db}.
     */
    public static String withDatabase(String url, String database) {
        Identifiers.requireSafe(database, "database name");
        requirePostgres(url);
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        if (DATABASE_PARAM.matcher(params.isEmpty() ? "" : params.substring(1)).find()) {
            throw new SchemafleetException("JDBC URL names its database in a PGDBNAME parameter; put it in the path: "
                    + redact(url));
        }
        String rest = base.substring(PREFIX.length());
        String hosts;
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            hosts = slash < 0 ? rest : rest.substring(0, slash);
            return PREFIX + hosts + "/" + database + params;
        }
        return PREFIX + database + params;
    }

    /** Refuses anything but a PostgreSQL JDBC URL, saying how to write one (a libpq URL is the usual mistake). */
    public static void requirePostgres(String url) {
        if (url == null || !url.startsWith(PREFIX)) {
            boolean libpq = url != null && (url.startsWith("postgres://") || url.startsWith("postgresql://"));
            throw new SchemafleetException("not a PostgreSQL JDBC URL (jdbc:postgresql://HOST[:PORT]/DATABASE): "
                    + redact(url) + (libpq ? "; that is libpq's form: write jdbc:postgresql://… instead, with the user"
                    + " and password in SCHEMAFLEET_DB_USER and SCHEMAFLEET_DB_PASSWORD" : ""));
        }
    }

    /**
     * {@code url} with the value of any {@code password} parameter hidden, and, in anything but
     * a JDBC URL, all before the host's {@code @} ({@code user:password@}), for messages and logs.
     */
    public static String redact(String url) {
        if (url == null) {
            return "(null)";
        }
        String hidden = PASSWORD_PARAM.matcher(url).replaceAll("$1****");
        return url.startsWith(PREFIX) ? hidden : USERINFO.matcher(hidden).replaceAll("$1****@");
    }
}
