package io.schemafleet.protocol.revision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The revision files of one directory, in load order, and every problem found while
 * loading them. Loading never stops at the first bad file, so that one run reports
 * everything to fix.
 *
 * <p>Load order is the {@link String} order of the file names. It is part of the
 * semantics, not a convenience: like Alembic, the graph breaks ties between otherwise
 * unordered revisions by load order.
 *
 * @param dir      the directory that was read
 * @param files    every file that parsed, in load order, except a later file reusing an
 *                 id already taken (so ids are unique here)
 * @param problems every problem, in load order; any problem makes the directory unusable
 */
public record RevisionDirectory(Path dir, List<RevisionFile> files, List<RevisionFileException> problems) {
    /** Longest slug {@link #newFileName} puts in a file name (Alembic's default too). */
    public static final int MAX_SLUG_LENGTH = 40;
    private static final String SUFFIX = ".sql";

    public RevisionDirectory {
        files = List.copyOf(files);
        problems = List.copyOf(problems);
    }

    /**
     * Reads every {@code *.sql} regular file directly in {@code dir}. Hidden files (name
     * starting with {@code .}), other names and subdirectories are ignored.
     *
     * @throws RevisionFileException (line 0) if {@code dir} is not a readable directory
     */
    public static RevisionDirectory load(Path dir) {
        List<RevisionFile> files = new ArrayList<>();
        List<RevisionFileException> problems = new ArrayList<>();
        Map<String, RevisionFile> byId = new HashMap<>();
        for (Path path : revisionPaths(dir)) {
            RevisionFile file;
            try {
                file = RevisionFile.read(path);
            } catch (RevisionFileException e) {
                problems.add(e);
                continue;
            }
            String id = file.revision().id();
            int line = file.lineOf("revision");
            checkFileName(path.getFileName().toString(), file).ifPresent(problems::add);
            RevisionFile first = byId.putIfAbsent(id, file);
            if (first != null) {
                problems.add(new RevisionFileException(path, line, "duplicate revision id '" + id
                        + "': already defined at " + first.path() + ":" + first.lineOf("revision")));
            } else {
                files.add(file);
            }
        }
        return new RevisionDirectory(dir, files, problems);
    }

    /**
     * The rule for a revision file's name, one rule wherever a file comes from (a
     * directory, or a publish request naming its files): a plain file name, without
     * {@code /} or {@code \\} (so no {@code ..} either), that is {@code <id>_<slug>.sql}
     * or {@code <id>.sql} for the file's own revision id.
     *
     * @param name the name as given: a file's name in its directory, or a name sent over the API
     * @return the problem, at the file's {@code -- revision:} line, or empty when the name is right
     */
    public static Optional<RevisionFileException> checkFileName(String name, RevisionFile file) {
        String id = file.revision().id();
        String expected = "expected '" + id + "_<slug>" + SUFFIX + "' or '" + id + SUFFIX + "'";
        String problem = null;
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            problem = "file name '" + name + "' is not a plain file name: it may not contain"
                    + " '/' or '\\' (" + expected + ")";
        } else if (!name.equals(id + SUFFIX) && !(name.startsWith(id + "_") && name.endsWith(SUFFIX))) {
            problem = "file name '" + name + "' does not match its revision id '" + id
                    + "' (" + expected + ")";
        }
        return problem == null ? Optional.empty()
                : Optional.of(new RevisionFileException(file.path(), file.lineOf("revision"), problem));
    }

    /**
     * The file name for a new revision: {@code <id>_<slug>.sql}, where the slug is the
     * message lower-cased with every run of characters other than ASCII letters and
     * digits turned into one {@code _}, trimmed of {@code _}, and cut to at most
     * {@value #MAX_SLUG_LENGTH} characters at a word boundary where there is one. An
     * empty slug gives {@code <id>.sql}.
     */
    public static String newFileName(Revision revision) {
        String slug = slug(revision.message());
        return slug.isEmpty() ? revision.id() + SUFFIX : revision.id() + "_" + slug + SUFFIX;
    }

    static String slug(String message) {
        String slug = trimUnderscores(message.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_"));
        if (slug.length() <= MAX_SLUG_LENGTH) {
            return slug;
        }
        String cut = slug.substring(0, MAX_SLUG_LENGTH);
        int lastBreak = cut.lastIndexOf('_');
        boolean midWord = slug.charAt(MAX_SLUG_LENGTH) != '_';
        return trimUnderscores(midWord && lastBreak > 0 ? cut.substring(0, lastBreak) : cut);
    }

    /** True when nothing is wrong: every file parsed, names match, ids are unique. */
    public boolean isValid() {
        return problems.isEmpty();
    }

    /** The revisions of {@link #files()}, in load order. */
    public List<Revision> revisions() {
        return files.stream().map(RevisionFile::revision).toList();
    }

    /** The file defining a revision id, for pointing at it in graph errors. */
    public Optional<RevisionFile> file(String revisionId) {
        return files.stream().filter(f -> f.revision().id().equals(revisionId)).findFirst();
    }

    private static List<Path> revisionPaths(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new RevisionFileException(dir, 0, "not a directory");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        return name.endsWith(SUFFIX) && !name.startsWith(".") && Files.isRegularFile(p);
                    })
                    // String order, not the file system's listing order nor a locale's collation.
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            IOException cause = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
            throw new RevisionFileException(dir, 0, "cannot list: " + RevisionFile.describe(cause), cause);
        }
    }

    private static String trimUnderscores(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '_') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '_') {
            to--;
        }
        return s.substring(from, to);
    }

    /**
     * Loads a directory that must be clean: for tools that act on revisions rather than
     * check them.
     *
     * @throws io.schemafleet.protocol.SchemafleetException naming the first problem (file and line)
     *     and how many more there are, or that the directory does not exist
     */
    public static RevisionDirectory loadValid(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new io.schemafleet.protocol.SchemafleetException("revisions directory " + dir + " does not exist");
        }
        RevisionDirectory loaded = load(dir);
        if (!loaded.problems().isEmpty()) {
            int more = loaded.problems().size() - 1;
            throw new io.schemafleet.protocol.SchemafleetException(loaded.problems().get(0).getMessage()
                    + (more > 0 ? " (and " + more + " more in the files; `schemafleet check` lists them, and any"
                    + " problem of the graph they form)" : ""));
        }
        return loaded;
    }
}
