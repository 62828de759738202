package io.schemafleet.coordinator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code schemafleet init DIR}: create an empty revisions directory. */
@Command(name = "init", mixinStandardHelpOptions = true, description = "Create an empty revisions directory.")
final class InitCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The revisions directory to create, e.g. versions.")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        boolean existed = Files.isDirectory(dir);
        if (existed) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.anyMatch(p -> p.getFileName().toString().endsWith(".sql"))) {
                    throw new CliFailure("CommandError", "directory " + dir + " already holds revision files");
                }
            }
        } else if (Files.exists(dir)) {
            throw new CliFailure("CommandError", dir + " exists and is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().printf("%s revisions directory %s%nNext: schemafleet revision --dir %s -m"
                + " \"first revision\"%n", existed ? "Using the empty" : "Created", dir, dir);
        return 0;
    }
}
