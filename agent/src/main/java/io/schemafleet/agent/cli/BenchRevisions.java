package io.schemafleet.agent.cli;

import io.schemafleet.protocol.revision.Revision;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A realistic revision chain for benchmarks: tables with foreign keys, added columns,
 * indexes, check constraints and small data backfills, each with its downgrade.
 */
public final class BenchRevisions {
    private BenchRevisions() {
    }

    /** A chain of {@code count} revisions, {@code bench0000} first. */
    public static List<Revision> generate(int count) {
        List<Revision> out = new ArrayList<>(count);
        out.add(revision(0, null, "CREATE TABLE accounts (id bigserial PRIMARY KEY, name text NOT NULL,"
                + " created_at timestamptz NOT NULL DEFAULT now());", "DROP TABLE accounts;"));
        int lastTable = -1;
        for (int i = 1; i < count; i++) {
            String up;
            String down;
            switch (i % 5) {
                case 1 -> {
                    up = "CREATE TABLE items_" + i + " (id bigserial PRIMARY KEY, account_id bigint NOT NULL"
                            + " REFERENCES accounts (id) ON DELETE CASCADE, title text, amount numeric(12,2) DEFAULT 0);";
                    down = "DROP TABLE items_" + i + ";";
                    lastTable = i;
                }
                case 2 -> {
                    up = "ALTER TABLE accounts ADD COLUMN col_" + i + " text;";
                    down = "ALTER TABLE accounts DROP COLUMN col_" + i + ";";
                }
                case 3 -> {
                    up = "CREATE INDEX ix_items_" + lastTable + "_account ON items_" + lastTable + " (account_id);";
                    down = "DROP INDEX ix_items_" + lastTable + "_account;";
                }
                case 4 -> {
                    up = "ALTER TABLE accounts ADD CONSTRAINT ck_name_" + i + " CHECK (length(name) < 1000);";
                    down = "ALTER TABLE accounts DROP CONSTRAINT ck_name_" + i + ";";
                }
                default -> {
                    up = "INSERT INTO accounts (name) SELECT 'account ' || g FROM generate_series(1, 10) g;";
                    down = "DELETE FROM accounts WHERE name LIKE 'account %';";
                }
            }
            out.add(revision(i, id(i - 1), up, down));
        }
        return out;
    }

    static String id(int i) {
        return String.format(Locale.ROOT, "bench%04d", i);
    }

    private static Revision revision(int i, String parent, String up, String down) {
        return new Revision(id(i), parent == null ? List.of() : List.of(parent), List.of(), List.of(),
                "bench revision " + i, true, up, down);
    }
}
