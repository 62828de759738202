package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.trust.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;

/** {@code schemafleet keys}: the Ed25519 keys that sign the coordinator's events (docs/security.md). */
@Command(name = "keys", mixinStandardHelpOptions = true, subcommands = KeysCommand.Generate.class,
        description = "Manage the Ed25519 keys that sign the coordinator's events (docs/security.md).")
public final class KeysCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: keys generate");
    }

    /**
     * {@code schemafleet keys generate}: writes {@code NAME.pem} (the private key, mode 0600,
     * for the coordinator) and {@code NAME.pub.pem} (the public key, for every agent), and
     * prints what to configure. Never overwrites a file.
     */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Write a new Ed25519 key pair: NAME.pem (private, mode 0600: the coordinator only) and "
                    + "NAME.pub.pem (public: every agent). NAME is the key id (':' becomes '-').",
                    "Prints the settings for the coordinator and the agents."})
    static final class Generate implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
                description = "Directory to write the two files to (created if missing; default: the current one).")
        Path out;

        @Option(names = "--key-id", paramLabel = "ID", description = "The key's id in signatures, 1 to 128 of "
                + "letters, digits, '.', '_', ':', '-' (default: the fingerprint, ed25519:<16 hex digits>). "
                + "A date makes rotations easy to follow: sf-2025-06.")
        String keyId;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            SigningKey key = SigningKey.generate(keyId);
            String name = key.keyId().replace(':', '-');
            Path privateFile = out.resolve(name + ".pem").toAbsolutePath().normalize();
            Path publicFile = out.resolve(name + ".pub.pem").toAbsolutePath().normalize();
            for (Path file : new Path[] {privateFile, publicFile}) {
                if (Files.exists(file)) {
                    throw new CliFailure("CommandError", file + " already exists; a key file is never overwritten");
                }
            }
            try {
                Files.createDirectories(out);
                writeSecret(privateFile, key.privatePem());
                Files.writeString(publicFile, key.trustedKey().pem(), StandardCharsets.US_ASCII,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the key files in " + out + ": " + e.getMessage(), e);
            }
            PrintWriter o = spec.commandLine().getOut();
            o.printf("key id       %s%n", key.keyId());
            o.printf("private key  %s  (mode 0600: give it to the coordinator only)%n", privateFile);
            o.printf("public key   %s  (give it to every agent)%n%n", publicFile);
            o.printf("coordinator  SCHEMAFLEET_SIGNING_KEY_FILE=%s%n", privateFile);
            o.printf("agents       SCHEMAFLEET_TRUSTED_KEYS=%s   (or --trusted-keys; comma-separate several)%n",
                    publicFile);
            o.printf("%nRotating from an older key: docs/security.md, \"Key rotation\".%n");
            return 0;
        }

        private static void writeSecret(Path file, String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                // Created with mode 0600 from the start: never readable by others, not even briefly.
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
            } else {
                Files.write(file, bytes, StandardOpenOption.CREATE_NEW);
            }
        }
    }
}
