package io.schemafleet.coordinator.cli;

import io.schemafleet.coordinator.client.FleetClient;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where the coordinator is and the API token, for every fleet command. The token comes
 * from {@code SCHEMAFLEET_TOKEN} or a file, never from a command-line value (which would
 * show in {@code ps} and shell history).
 */
final class ApiOptions {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:" + FleetClient.URL_ENV + ":-"
            + FleetClient.DEFAULT_URL + "}",
            description = "The coordinator (default: $" + FleetClient.URL_ENV + ", else " + FleetClient.DEFAULT_URL + ").")
    String url;

    @Option(names = "--token-file", paramLabel = "PATH",
            description = "Read the API token from this file (default: $" + FleetClient.TOKEN_ENV + ").")
    Path tokenFile;

    FleetClient client() {
        return new FleetClient(uri(), token());
    }

    private URI uri() {
        try {
            URI uri = new URI(url.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw CliFailure.usage("--url must be an http:// or https:// URL with a host, got '" + url + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw CliFailure.usage("--url '" + url + "' is not a URL: " + e.getReason());
        }
    }

    private String token() {
        if (tokenFile == null) {
            String env = System.getenv(FleetClient.TOKEN_ENV);
            return env == null || env.isBlank() ? null : env.strip();
        }
        String token;
        try {
            token = Files.readString(tokenFile).strip();
        } catch (NoSuchFileException e) {
            throw CliFailure.usage("--token-file " + tokenFile + ": no such file");
        } catch (IOException e) {
            throw CliFailure.usage("--token-file " + tokenFile + ": cannot read it (" + e.getMessage() + ")");
        }
        if (token.isEmpty() || token.contains("\n")) {
            throw CliFailure.usage("--token-file " + tokenFile + " must hold one token on one line");
        }
        return token;
    }
}
