package io.schemafleet.agent.fingerprint;

import io.schemafleet.agent.db.SessionStatements;
import io.schemafleet.agent.db.SqlText;
import io.schemafleet.protocol.SchemafleetException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Fingerprints one schema from {@code pg_catalog}: relations (tables, partitioned
 * tables, views with their definition, materialized views, foreign tables), columns,
 * constraints, indexes, sequences and enum types. Schemafleet's own tables
 * ({@code schemafleet_version}, {@code schemafleet_history}) and {@code alembic_version}
 * are left out with everything hanging off them, since they differ by design.
 *
 * <p>Names inside the schema are printed unqualified, so tenants in different schemas
 * compare equal; references to other schemas stay qualified, since they are real
 * differences. Not covered (yet): functions, triggers, policies, grants, comments,
 * domains and composite types. Fingerprints are comparable between servers of the same
 * PostgreSQL major version: the deparsed text may change between versions.
 */
public final class SchemaFingerprint {
    /** What a cast of a name no schema has to {@code regnamespace} fails with. */
    private static final String INVALID_SCHEMA_NAME = "3F000";
    private static final String EXCLUDED = "('schemafleet_version', 'schemafleet_history', 'alembic_version')";
    private static final String RELKINDS = "('r', 'p', 'v', 'm', 'f')";
    private static final Map<String, String> KINDS = Map.of(
            "r", "table", "p", "partitioned table", "v", "view", "m", "materialized view", "f", "foreign table");

    /*
     * Every query starts from the schema's own relations, found through pg_depend's index on
     * referenced objects (each table, view, materialized view, foreign table and sequence
     * records a dependency on its namespace), and reaches the rest through the catalogs'
     * indexes on the relation's oid; OFFSET 0 keeps the planner from flattening those lookups
     * into a scan of the whole catalog. pg_class has no index on relnamespace, so filtering
     * it directly reads every relation of every tenant in the database: a cost that grew with
     * the fleet, ~70 ms per fingerprint with 1,000 tenants in one database.
     */
    private static final String SCHEMA_OBJECTS = """
            SELECT d.objid FROM pg_depend d
            WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = ? AND d.refobjsubid = 0
              AND d.classid = '%s'::regclass AND d.deptype = 'n'
            """;

    private static final String OWN_RELATIONS = """
            WITH rel AS MATERIALIZED (
                SELECT c.* FROM pg_class c
                WHERE c.oid IN (%s) AND c.relnamespace = ? AND c.relkind IN %s AND c.relname NOT IN %s)
            """.formatted(SCHEMA_OBJECTS.formatted("pg_class"), RELKINDS, EXCLUDED);

    private static final String RELATIONS = OWN_RELATIONS + """
            SELECT quote_ident(c.relname), c.relkind::text, c.relpersistence = 'u',
                   CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
                   (SELECT string_agg(i.inhparent::regclass::text, ', ' ORDER BY i.inhseqno)
                      FROM pg_inherits i WHERE i.inhrelid = c.oid),
                   CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
                   CASE WHEN c.relkind IN ('v', 'm') THEN c.oid END
            FROM rel c
            """;

    // Identity and generated columns: attidentity 'a' always / 'd' by default; attgenerated
    // 's' stored, its expression is in pg_attrdef like a default.
    private static final String COLUMNS = OWN_RELATIONS + """
            SELECT quote_ident(c.relname), quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
                   a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text,
                   CASE WHEN a.attcollation <> t.typcollation THEN quote_ident(co.collname) END
            FROM rel c
            CROSS JOIN LATERAL (SELECT * FROM pg_attribute a
                                WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped OFFSET 0) a
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_collation co ON co.oid = a.attcollation
            """;

    // NOT NULL constraints ('n', PostgreSQL 18+) are already on the column line.
    private static final String CONSTRAINTS = OWN_RELATIONS + """
            SELECT quote_ident(c.relname), quote_ident(k.conname), pg_get_constraintdef(k.oid)
            FROM rel c
            CROSS JOIN LATERAL (SELECT * FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype <> 'n' OFFSET 0) k
            """;

    private static final String INDEXES = OWN_RELATIONS + """
            SELECT quote_ident(c.relname), quote_ident(i.relname), pg_get_indexdef(i.oid), x.indisvalid
            FROM rel c
            CROSS JOIN LATERAL (SELECT * FROM pg_index x WHERE x.indrelid = c.oid OFFSET 0) x
            JOIN pg_class i ON i.oid = x.indexrelid
            """;

    // Owned sequences (serial: deptype 'a'; identity: 'i') say which column owns them;
    // those owned by an excluded table are excluded with it. Never the current value: data.
    private static final String SEQUENCES = """
            SELECT quote_ident(c.relname), format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
                   s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
                   o.owner_table, o.owner_column
            FROM pg_class c
            JOIN pg_sequence s ON s.seqrelid = c.oid
            LEFT JOIN LATERAL (
                SELECT t.oid::regclass::text AS owner_table, quote_ident(a.attname) AS owner_column, t.relname
                FROM pg_depend d
                JOIN pg_class t ON t.oid = d.refobjid
                JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                LIMIT 1) o ON true
            WHERE c.oid IN (%s) AND c.relnamespace = ? AND c.relkind = 'S'
              AND (o.relname IS NULL OR o.relname NOT IN %s)
            """.formatted(SCHEMA_OBJECTS.formatted("pg_class"), EXCLUDED);

    private static final String ENUMS = """
            SELECT quote_ident(t.typname), string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
            FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
            WHERE t.oid IN (%s) AND t.typnamespace = ?
            GROUP BY t.typname
            """.formatted(SCHEMA_OBJECTS.formatted("pg_type"));

    private static final Pattern LINE_BREAKS = Pattern.compile("\\s*[\\r\\n]+\\s*");

    private static final List<String> READS = List.of(RELATIONS, COLUMNS, CONSTRAINTS, INDEXES, SEQUENCES, ENUMS);
    private static final List<String> STATEMENTS = List.of("schemafleet_fp_relations", "schemafleet_fp_columns",
            "schemafleet_fp_constraints", "schemafleet_fp_indexes", "schemafleet_fp_sequences", "schemafleet_fp_enums");
    private static final SessionStatements PREPARED = new SessionStatements(STATEMENTS);
    /**
     * The reads' settings, for the script's transaction or savepoint only. A generic plan is
     * made once and kept, often while the database is young: costed on a small catalog it may
     * scan or hash a catalog that later holds every tenant's rows (31 ms a fingerprint at
     * 1,000 tenants). Without sequential scans, hash or merge joins, each step is an index
     * lookup by the oid the step before found, whatever size the catalog grows to.
     */
    private static final String SETTINGS = "set_config('search_path', 'pg_catalog', true),"
            + " set_config('plan_cache_mode', 'force_generic_plan', true),"
            + " set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true),"
            + " set_config('enable_mergejoin', 'off', true)";
    /** What the session's statements were prepared from: they never change within one process. */
    private static final String PREPARED_KEY = "v1";

    private SchemaFingerprint() {
    }

    /**
     * Fingerprints {@code schema} as seen through {@code c}, in one round trip (two if the
     * schema has views). The reads are statements the session prepared once ({@link
     * SessionStatements}) and runs with a generic plan under a fixed {@code search_path}
     * (only {@code pg_catalog}; {@link #SETTINGS}), set for the script's own transaction,
     * or, inside the caller's transaction, for a savepoint rolled back at its end; either
     * way the caller's settings are as they were. A {@code search_path} per tenant made the server plan every
     * read anew for every tenant: 3.5 ms of a 5.6 ms fingerprint. Deparsed SQL then names the
     * schema's own objects qualified, and the qualifier is removed here ({@link #qualifier}).
     * View definitions are the exception: they qualify columns with table names, which a
     * schema may share, so they are read under the schema's own {@code search_path}.
     *
     * @throws SchemafleetException if the schema does not exist
     */
    public static Fingerprint of(Connection c, String schema) throws SQLException {
        // A constant from the literal's cast: resolved when the EXECUTE's argument is evaluated.
        String namespaceOid = SqlText.literal("\"" + schema.replace("\"", "\"\"") + "\"") + "::regnamespace::oid";
        boolean ownTransaction = c.getAutoCommit();
        Reads reads = new Reads();
        if (ownTransaction) {
            c.setAutoCommit(false);
        }
        try {
            StringBuilder script = new StringBuilder("SELECT quote_ident(nspname), ").append(SETTINGS)
                    .append(" FROM pg_namespace WHERE nspname = ").append(SqlText.literal(schema)).append(";\n")
                    .append(PREPARED.ensure(c, PREPARED_KEY, prepareReads()));
            for (String statement : STATEMENTS) {
                script.append("EXECUTE ").append(statement).append('(').append(namespaceOid).append(");\n");
            }
            run(c, isolated(script.toString(), ownTransaction), reads.handlers());
            if (reads.quoted == null) {
                throw missing(schema);
            }
            if (!reads.views.isEmpty()) {
                String viewScript = "SELECT set_config('search_path', " + SqlText.literal(reads.quoted) + ", true);\n"
                        + "SELECT c.oid, pg_get_viewdef(c.oid) FROM pg_class c WHERE c.oid IN ("
                        + String.join(", ", reads.views.keySet().stream().map(String::valueOf).toList()) + ");\n";
                run(c, isolated(viewScript, ownTransaction), List.of(rs -> { }, rows(reads::viewDefinition)));
            }
        } catch (SQLException | RuntimeException e) {
            PREPARED.forget(c);
            if (ownTransaction) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
            }
            if (e instanceof SQLException sql && INVALID_SCHEMA_NAME.equals(sql.getSQLState())) {
                throw missing(schema);
            }
            throw e;
        } finally {
            if (ownTransaction) {
                c.setAutoCommit(true);
            }
        }
        String description = reads.description.text();
        return new Fingerprint(sha256(description), description);
    }

    private static String prepareReads() {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < READS.size(); i++) {
            sql.append("PREPARE ").append(STATEMENTS.get(i)).append("(oid) AS ")
                    .append(READS.get(i).replace("?", "$1")).append(";\n");
        }
        return sql.toString();
    }

    /** {@code script} as its own transaction, or inside the caller's as a savepoint rolled back at its end. */
    private static String isolated(String script, boolean ownTransaction) {
        return ownTransaction ? script + "COMMIT"
                : "SAVEPOINT schemafleet_fingerprint;\n" + script
                + "ROLLBACK TO SAVEPOINT schemafleet_fingerprint;\nRELEASE SAVEPOINT schemafleet_fingerprint";
    }

    /** What the reads return, turned into description lines as they arrive. */
    private static final class Reads {
        final Description description = new Description();
        /** The schema's name as the server quotes it, once the first read has answered. */
        String quoted;
        /** Our schema's qualifier where it starts a name ({@link #qualifier}). */
        private Pattern qualifier;
        /** View oid → its relation's name, for the definitions read afterwards. */
        final Map<Long, String> views = new TreeMap<>();

        List<ResultHandler> handlers() {
            Description d = description;
            return List.of(
                    rs -> {
                        if (rs.next()) {
                            quoted = rs.getString(1);
                            qualifier = qualifier(quoted);
                        }
                    },
                    rows(rs -> {
                        d.relations.put(rs.getString(1), relationLine(rs));
                        long view = rs.getLong(7);
                        if (!rs.wasNull()) {
                            views.put(view, rs.getString(1));
                        }
                    }),
                    // Columns in name order, not attnum order: a column dropped and added back, or a
                    // table rebuilt from a squashed baseline, has the same columns at other positions,
                    // and dropped columns leave attnum gaps. Applications name their columns.
                    rows(rs -> d.member(rs, "column " + columnLine(rs))),
                    rows(rs -> d.member(rs, "constraint " + rs.getString(2) + " " + oneLine(deparsed(rs, 3)))),
                    // An index left invalid by a failed CREATE INDEX CONCURRENTLY is drift too.
                    rows(rs -> d.member(rs, "index " + rs.getString(2) + " " + oneLine(deparsed(rs, 3))
                            + (rs.getBoolean(4) ? "" : " INVALID"))),
                    rows(rs -> d.others.add(sequenceLine(rs))),
                    rows(rs -> d.others.add("enum " + rs.getString(1) + " (" + oneLine(rs.getString(2)) + ")")));
        }

        void viewDefinition(ResultSet rs) throws SQLException {
            String name = views.get(rs.getLong(1));
            String definition = " as " + oneLine(rs.getString(2));
            description.relations.computeIfPresent(name, (k, line) -> line + definition);
        }

        /** Column {@code i}, deparsed with {@code pg_catalog} as the only search path: our schema's qualifier removed. */
        private String deparsed(ResultSet rs, int i) throws SQLException {
            String text = rs.getString(i);
            return text == null ? null : qualifier.matcher(text).replaceAll("");
        }

        private String relationLine(ResultSet rs) throws SQLException {
            StringBuilder line = new StringBuilder(KINDS.get(rs.getString(2)));
            if (rs.getBoolean(3)) {
                line.insert(0, "unlogged ");
            }
            line.append(' ').append(rs.getString(1));
            append(line, " partition by ", deparsed(rs, 4));
            String parents = deparsed(rs, 5);
            String bound = deparsed(rs, 6);
            if (bound != null) {
                line.append(" partition of ").append(oneLine(parents)).append(' ').append(oneLine(bound));
            } else {
                append(line, " inherits ", parents);
            }
            return line.toString();
        }

        private String columnLine(ResultSet rs) throws SQLException {
            StringBuilder line = new StringBuilder(rs.getString(2)).append(' ').append(deparsed(rs, 3));
            append(line, " collate ", rs.getString(8));
            if (rs.getBoolean(4)) {
                line.append(" not null");
            }
            String expression = deparsed(rs, 5);
            switch (rs.getString(6)) {
                case "a" -> line.append(" generated always as identity");
                case "d" -> line.append(" generated by default as identity");
                default -> {
                }
            }
            if ("s".equals(rs.getString(7))) {
                line.append(" generated always as (").append(oneLine(expression)).append(") stored");
            } else {
                append(line, " default ", expression);
            }
            return line.toString();
        }

        private String sequenceLine(ResultSet rs) throws SQLException {
            StringBuilder line = new StringBuilder("sequence ").append(rs.getString(1)).append(' ')
                    .append(deparsed(rs, 2))
                    .append(" start ").append(rs.getLong(3))
                    .append(" increment ").append(rs.getLong(4))
                    .append(" min ").append(rs.getLong(5))
                    .append(" max ").append(rs.getLong(6))
                    .append(" cache ").append(rs.getLong(7))
                    .append(rs.getBoolean(8) ? " cycle" : " no cycle");
            if (rs.getString(9) != null) {
                line.append(" owned by ").append(deparsed(rs, 9)).append('.').append(rs.getString(10));
            }
            return line.toString();
        }
    }

    private static SchemafleetException missing(String schema) {
        return new SchemafleetException("cannot fingerprint schema '" + schema + "': it does not exist");
    }

    /** The schema's lines: relations sorted by name, each followed by its own lines sorted, then the rest. */
    private static final class Description {
        final Map<String, String> relations = new TreeMap<>();
        final Map<String, List<String>> members = new TreeMap<>();
        final List<String> others = new ArrayList<>();

        void member(ResultSet rs, String line) throws SQLException {
            members.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(line);
        }

        /** The same text whatever order the catalog returned rows in. */
        String text() {
            StringBuilder out = new StringBuilder();
            relations.forEach((name, line) -> {
                out.append(line).append('\n');
                members.getOrDefault(name, List.of()).stream().sorted()
                        .forEach(member -> out.append("  ").append(member).append('\n'));
            });
            others.stream().sorted().forEach(line -> out.append(line).append('\n'));
            return out.toString();
        }
    }

    private static void append(StringBuilder line, String label, String value) {
        if (value != null) {
            line.append(label).append(oneLine(value));
        }
    }

    /** Deparsed SQL (view definitions) spans lines; names may hold control characters. */
    private static String oneLine(String text) {
        String joined = LINE_BREAKS.matcher(text.strip()).replaceAll(" ");
        StringBuilder out = new StringBuilder(joined.length());
        joined.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                out.append(String.format("\\x%02x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    private interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    private interface ResultHandler {
        void result(ResultSet rs) throws SQLException;
    }

    private static ResultHandler rows(RowHandler handler) {
        return rs -> {
            while (rs.next()) {
                handler.row(rs);
            }
        };
    }

    /** Runs a multi-statement script and hands its result sets, in order, to {@code handlers}. */
    private static void run(Connection c, String script, List<ResultHandler> handlers) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.setEscapeProcessing(false);
            boolean isResultSet = st.execute(script);
            int next = 0;
            while (isResultSet || st.getUpdateCount() != -1) {
                if (isResultSet) {
                    try (ResultSet rs = st.getResultSet()) {
                        handlers.get(next++).result(rs);
                    }
                }
                isResultSet = st.getMoreResults();
            }
        }
    }

    /**
     * Our schema's qualifier ({@code quoted} and a dot) where it starts a name: not inside
     * another name ({@code xa.t} keeps its {@code a.}). A string literal that names an object
     * of the schema loses it too, as it would in any tenant.
     */
    private static Pattern qualifier(String quoted) {
        return Pattern.compile("(?<![\\w$.\"])" + Pattern.quote(quoted + "."), Pattern.UNICODE_CHARACTER_CLASS);
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
