package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.schemafleet.coordinator.security.Role;
import io.schemafleet.coordinator.security.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code schemafleet token}: API tokens (docs/api.md, "Authentication"). */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Make API tokens.",
        subcommands = TokenCommand.Generate.class)
final class TokenCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: token generate");
    }

    /**
     * {@code schemafleet token generate [--role operator|read-only]}: a new random token, its
     * SHA-256 hash and the environment line that configures the hash in the coordinator.
     * Offline; nothing is stored anywhere.
     */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Generate a random API token and print it with its SHA-256 hash and how to configure it.",
                    "The coordinator is given the hash; clients send the token (SCHEMAFLEET_TOKEN)."})
    static final class Generate implements Callable<Integer>, JsonAware {
        @Option(names = "--role", defaultValue = "operator", paramLabel = "ROLE",
                description = "operator (read and write) or read-only (default: ${DEFAULT-VALUE}).")
        String role;

        @Mixin
        Output output;

        @Spec
        CommandSpec spec;

        @Override
        public boolean json() {
            return output.json;
        }

        @Override
        public Integer call() {
            Role r;
            try {
                r = Role.fromCode(role);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            String token = Tokens.generate(r);
            String hash = Tokens.sha256Hex(token);
            String env = r == Role.OPERATOR ? "SCHEMAFLEET_AUTH_OPERATOR_TOKENS" : "SCHEMAFLEET_AUTH_READ_ONLY_TOKENS";
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                ObjectNode node = Output.JSON.createObjectNode().put("role", r.code()).put("token", token)
                        .put("sha256", hash).put("env", env + "=" + hash);
                Output.printJson(out, node);
                return 0;
            }
            out.println("token:  " + token);
            out.println("sha256: " + hash);
            out.println();
            out.println("Give the coordinator the hash (append to a comma-separated list for several tokens):");
            out.println("  " + env + "=" + hash);
            out.println("Give clients the token, e.g. SCHEMAFLEET_TOKEN=" + token);
            out.println("The token is shown only here; keep it secret.");
            return 0;
        }
    }
}
