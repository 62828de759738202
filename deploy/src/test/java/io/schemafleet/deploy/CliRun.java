package io.schemafleet.deploy;

import io.schemafleet.coordinator.cli.SchemafleetCommand;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * One in-process run of the distribution's command line, built exactly as {@link Main}
 * builds it, with what it printed.
 *
 * @param exit the exit status {@code Main} would pass to {@code System.exit}
 * @param out  everything printed on standard output
 * @param err  everything printed on standard error
 */
public record CliRun(int exit, String out, String err) {

    public static CliRun of(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = SchemafleetCommand.execute(cli, args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** Standard output, one entry per line. */
    public List<String> outLines() {
        return out.lines().toList();
    }

    /** Standard error, one entry per line. */
    public List<String> errLines() {
        return err.lines().toList();
    }

    /** The last non-blank line of standard output. */
    public String lastOutLine() {
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
}
