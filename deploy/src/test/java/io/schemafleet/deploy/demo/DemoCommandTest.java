package io.schemafleet.deploy.demo;

import io.schemafleet.coordinator.cli.ResolveCommand;
import io.schemafleet.coordinator.cli.SchemafleetCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** What the demo refuses before it starts anything. */
class DemoCommandTest {
    @Test
    void aTakenPortIsRefusedBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run run = Run.of("demo", "--host", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()));

            assertThat(run.exit).as(run.toString()).isEqualTo(1);
            assertThat(run.err).contains("port " + taken.getLocalPort() + " on 127.0.0.1 is not free")
                    .contains("--port 0");
            assertThat(run.out).doesNotContain("PostgreSQL");
        }
    }

    @Test
    void tenantCountsOutOfRangeAreUsageErrors() {
        Run run = Run.of("demo", "--tenants", "0");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("--tenants must be between 1 and 10000");
    }

    @Test
    void aDirectoryWithoutRevisionsIsRefused() throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.createTempDirectory("demo-empty");
        try {
            Run run = Run.of("demo", "--port", "0", "--dir", empty.toString());

            assertThat(run.exit).isEqualTo(1);
            assertThat(run.err).contains("no revision files");
        } finally {
            java.nio.file.Files.delete(empty);
        }
    }

    @Test
    void theBundledExamplesAreTheExampleDirectory() {
        assertThat(RevisionFiles.bundled())
                .isEqualTo(RevisionFiles.fromDirectory(java.nio.file.Path.of("examples/versions")))
                .hasSize(9);
    }

    record Run(int exit, String out, String err) {
        static Run of(String... args) {
            CommandLine cli = SchemafleetCommand.commandLine(new ResolveCommand(), new DemoCommand());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            return new Run(SchemafleetCommand.execute(cli, args), out.toString(), err.toString());
        }
    }
}
