package io.schemafleet.protocol.sql;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Statements PostgreSQL never runs inside a transaction block: it refuses them there with
 * SQLSTATE 25001 ({@code active_sql_transaction}), so a transactional revision holding
 * one fails on every tenant. Told apart by their first tokens ({@link SqlScript.Statement#head()}),
 * so the same words in a comment, a string, a quoted identifier or a function body do not count.
 *
 * <p>The statements: {@code CREATE [UNIQUE] INDEX CONCURRENTLY}, {@code DROP INDEX CONCURRENTLY},
 * {@code REINDEX ... CONCURRENTLY} (also as the option {@code REINDEX (CONCURRENTLY) ...}),
 * {@code REINDEX SCHEMA|DATABASE|SYSTEM}, {@code VACUUM}, {@code CREATE DATABASE},
 * {@code DROP DATABASE}, {@code ALTER SYSTEM}, {@code CREATE TABLESPACE}, {@code DROP TABLESPACE},
 * {@code ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY}.
 */
public final class TransactionBlock {
    private static final Set<String> OFF = Set.of("FALSE", "OFF", "0");
    private static final Set<String> REINDEX_WHOLE = Set.of("SCHEMA", "DATABASE", "SYSTEM");

    private TransactionBlock() {
    }

    /**
     * What the statement is ({@code CREATE INDEX CONCURRENTLY}, {@code VACUUM}, ...) when
     * PostgreSQL refuses it inside a transaction block; empty for every other statement.
     */
    public static Optional<String> refusedInside(SqlScript.Statement statement) {
        List<String> h = statement.head();
        String kind = switch (at(h, 0)) {
            case "VACUUM" -> "VACUUM";
            case "CREATE" -> create(h);
            case "DROP" -> at(h, 1).equals("INDEX") && at(h, 2).equals("CONCURRENTLY") ? "DROP INDEX CONCURRENTLY"
                    : at(h, 1).equals("DATABASE") || at(h, 1).equals("TABLESPACE") ? "DROP " + at(h, 1) : null;
            case "ALTER" -> at(h, 1).equals("SYSTEM") ? "ALTER SYSTEM"
                    : at(h, 1).equals("TABLE") && h.contains("DETACH") && h.contains("CONCURRENTLY")
                    ? "ALTER TABLE … DETACH PARTITION … CONCURRENTLY" : null;
            case "REINDEX" -> reindex(h);
            default -> null;
        };
        return Optional.ofNullable(kind);
    }

    /**
     * Whether the statement builds, drops or rebuilds an index concurrently: it waits for older
     * transactions under a lock that blocks no reads or writes of the table, and a failure
     * leaves an invalid index behind.
     */
    public static boolean concurrentIndexWork(SqlScript.Statement statement) {
        return refusedInside(statement).filter(kind -> kind.endsWith("INDEX CONCURRENTLY")
                || kind.equals("REINDEX CONCURRENTLY")).isPresent();
    }

    /**
     * Whether a failure of the statement, run on its own, may leave part of its work behind:
     * concurrent index work, and a partition detached concurrently (left pending detach).
     */
    public static boolean leavesWorkWhenItFails(SqlScript.Statement statement) {
        return concurrentIndexWork(statement)
                || refusedInside(statement).filter(kind -> kind.contains("DETACH PARTITION")).isPresent();
    }

    private static String create(List<String> h) {
        if (at(h, 1).equals("INDEX") && at(h, 2).equals("CONCURRENTLY")) {
            return "CREATE INDEX CONCURRENTLY";
        }
        if (at(h, 1).equals("UNIQUE") && at(h, 2).equals("INDEX") && at(h, 3).equals("CONCURRENTLY")) {
            return "CREATE UNIQUE INDEX CONCURRENTLY";
        }
        return at(h, 1).equals("DATABASE") || at(h, 1).equals("TABLESPACE") ? "CREATE " + at(h, 1) : null;
    }

    /** {@code REINDEX [ ( option [, ...] ) ] { INDEX | TABLE | SCHEMA | DATABASE | SYSTEM } [ CONCURRENTLY ] name}. */
    private static String reindex(List<String> h) {
        int i = 1;
        boolean concurrently = false;
        if (at(h, i).equals("(")) {
            for (i++; i < h.size() && !h.get(i).equals(")"); i++) {
                if (h.get(i).equals("CONCURRENTLY") && !OFF.contains(at(h, i + 1))) {
                    concurrently = true;
                }
            }
            i++;
        }
        if (REINDEX_WHOLE.contains(at(h, i))) {
            return "REINDEX " + at(h, i);
        }
        return concurrently || at(h, i + 1).equals("CONCURRENTLY") ? "REINDEX CONCURRENTLY" : null;
    }

    private static String at(List<String> head, int index) {
        return index < head.size() ? head.get(index) : "";
    }
}
