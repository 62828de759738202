package io.schemafleet.agent.apply;

import io.schemafleet.protocol.revision.Revision;

import java.util.ArrayList;
import java.util.List;

/**
 * A realistic revision set for agent tests: two bases, a labelled branch merged back,
 * a cross-branch {@code depends_on}, a placeholder, and a non-transactional
 * {@code CREATE INDEX CONCURRENTLY}. Heads: {@code d1index} and {@code p2score}.
 */
final class FleetRevisions {
    static final String R1 = "r1users";
    static final String R2 = "r2name";
    static final String B1 = "b1audit";
    static final String M1 = "m1merge";
    static final String D1 = "d1index";
    static final String P1 = "p1metrics";
    static final String P2 = "p2score";

    private FleetRevisions() {
    }

    static List<Revision> all() {
        List<Revision> out = new ArrayList<>();
        out.add(rev(R1, List.of(), List.of(), List.of(), true,
                "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);",
                "DROP TABLE users;"));
        out.add(rev(R2, List.of(R1), List.of(), List.of(), true,
                "ALTER TABLE users ADD COLUMN name text;",
                "ALTER TABLE users DROP COLUMN name;"));
        out.add(rev(B1, List.of(R1), List.of("audit"), List.of(), true,
                "CREATE TABLE audit_log (id bigserial PRIMARY KEY,\n"
                        + "  user_id bigint REFERENCES users (id) ON DELETE SET NULL,\n"
                        + "  at timestamptz NOT NULL DEFAULT now());",
                "DROP TABLE audit_log;"));
        out.add(rev(M1, List.of(R2, B1), List.of(), List.of(), true, "", ""));
        out.add(rev(D1, List.of(M1), List.of(), List.of(), false,
                "CREATE INDEX CONCURRENTLY ix_users_email ON users (email);",
                "DROP INDEX CONCURRENTLY ix_users_email;"));
        out.add(rev(P1, List.of(), List.of("perf"), List.of(), true,
                "CREATE TABLE metrics (name text PRIMARY KEY, value double precision);",
                "DROP TABLE metrics;"));
        out.add(rev(P2, List.of(P1), List.of(), List.of(R2), true,
                "ALTER TABLE users ADD COLUMN score int NOT NULL DEFAULT 0;",
                "ALTER TABLE users DROP COLUMN score;"));
        return out;
    }

    static Revision rev(String id, List<String> down, List<String> labels, List<String> deps, boolean transactional,
                        String up, String downSql) {
        return new Revision(id, down, labels, deps, "revision " + id, transactional, up, downSql);
    }
}
