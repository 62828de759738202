/**
 * Revisions and their files: {@link io.schemafleet.protocol.revision.Revision} (the
 * value), its checksum, the SQL-first file format ({@link
 * io.schemafleet.protocol.revision.RevisionFile}) and the loader of a {@code versions/}
 * directory ({@link io.schemafleet.protocol.revision.RevisionDirectory}). The format is
 * documented in {@code docs/revision-files.md}.
 */
package io.schemafleet.protocol.revision;
