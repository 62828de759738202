package io.schemafleet.coordinator.cli;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --from R1,R2}: the rows of the version table a plan starts from. */
final class FromOption {
    @Option(names = "--from", split = ",", paramLabel = "REV",
            description = "Version-table rows to start from, in row order (default: empty table).")
    List<String> from = new ArrayList<>();

    List<String> rows() {
        return from.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
