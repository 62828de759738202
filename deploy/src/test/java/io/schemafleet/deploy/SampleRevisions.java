package io.schemafleet.deploy;

import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.revision.RevisionDirectory;
import io.schemafleet.protocol.revision.RevisionFile;

import java.nio.file.Path;
import java.util.List;

/**
 * A small revisions directory with real SQL: a base, a column added on top of it, a
 * labelled branch, their merge, and a non-transactional {@code CREATE INDEX
 * CONCURRENTLY}. One head: {@link #INDEX}.
 */
final class SampleRevisions {
    static final Revision BASE = revision("a1base", List.of(), List.of(), true, "create accounts",
            "CREATE TABLE accounts (id bigserial PRIMARY KEY, name text NOT NULL);",
            "DROP TABLE accounts;");
    static final Revision EMAIL = revision("a2email", List.of("a1base"), List.of(), true, "add email",
            "ALTER TABLE accounts ADD COLUMN email text;",
            "ALTER TABLE accounts DROP COLUMN email;");
    static final Revision AUDIT = revision("b1audit", List.of("a1base"), List.of("audit"), true, "audit log",
            "CREATE TABLE audit_log (id bigserial PRIMARY KEY,\n"
                    + "  account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,\n"
                    + "  at timestamptz NOT NULL DEFAULT now());",
            "DROP TABLE audit_log;");
    static final Revision MERGE = revision("m1merge", List.of("a2email", "b1audit"), List.of(), true, "merge audit",
            "ALTER TABLE audit_log ADD COLUMN note text;",
            "ALTER TABLE audit_log DROP COLUMN note;");
    static final Revision INDEX = revision("d1index", List.of("m1merge"), List.of(), false, "email index",
            "CREATE INDEX CONCURRENTLY ix_accounts_email ON accounts (email);",
            "DROP INDEX CONCURRENTLY ix_accounts_email;");

    static final List<Revision> ALL = List.of(BASE, EMAIL, AUDIT, MERGE, INDEX);

    private SampleRevisions() {
    }

    /** Writes every revision into {@code dir} as {@code <id>_<slug>.sql}; returns {@code dir}. */
    static Path writeTo(Path dir) {
        for (Revision revision : ALL) {
            Path file = dir.resolve(RevisionDirectory.newFileName(revision));
            RevisionFile.create(file, revision).write(file);
        }
        return dir;
    }

    private static Revision revision(String id, List<String> parents, List<String> labels, boolean transactional,
                                     String message, String up, String down) {
        return new Revision(id, parents, labels, List.of(), message, transactional, up, down);
    }
}
