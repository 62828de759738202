package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the {@code schemafleet} command line in-process, as {@code Main} does, and
 * captures its exit status and what it printed on stdout and stderr.
 */
final class CliRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CliRunner() {
    }

    /** What one run of the command line did. */
    record Result(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        /** True when either stream shows a Java stack trace or exception class. */
        boolean showsJavaInternals() {
            String both = out + err;
            return both.contains("\tat ") || both.contains("java.") || both.contains("Exception");
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + cut(out) + "--- stderr\n" + cut(err) + "---";
        }

        /** Keeps failure messages readable when a stream holds a stack trace. */
        private static String cut(String text) {
            return text.length() <= 1500 ? text : text.substring(0, 1500) + "\n[... " + (text.length() - 1500)
                    + " more characters]\n";
        }
    }

    static Result run(String... args) {
        CommandLine cli = SchemafleetCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exitCode = SchemafleetCommand.execute(cli, args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** Runs with {@code stdin} as {@link System#in}, restoring it afterwards. */
    static Result runWithStdin(String stdin, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(saved);
        }
    }

    /** Runs a command that must succeed (exit 0, nothing on stderr). */
    static Result runOk(String... args) {
        Result result = run(args);
        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.err()).as("%s", result).isEmpty();
        return result;
    }

    /** Runs a command that must fail with status 1 and exactly one line on stderr, no stack trace. */
    static Result runFailing(String... args) {
        Result result = run(args);
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.errLines()).as("%s", result).hasSize(1);
        assertThat(result.err()).as("%s", result).startsWith("error: ");
        assertThat(result.showsJavaInternals()).as("%s", result).isFalse();
        return result;
    }

    /**
     * The {@code type} of the one {@code {"error":{"type","message"}}} line a failing
     * {@code --json} command printed on stdout.
     */
    static String errorType(Result result) {
        JsonNode answer;
        try {
            assertThat(result.outLines()).as("%s", result).hasSize(1);
            answer = JSON.readTree(result.out());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + result, e);
        }
        JsonNode error = answer.get("error");
        assertThat(error).as("%s", result).isNotNull();
        assertThat(error.path("message").asText()).as("%s", result).isNotBlank();
        return error.path("type").asText();
    }
}
