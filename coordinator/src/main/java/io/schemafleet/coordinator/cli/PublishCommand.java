package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.schemafleet.coordinator.client.FleetClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.List;

/** {@code schemafleet publish [--dir versions]}: the directory's revisions to the coordinator. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish a revisions directory to the coordinator (POST /api/revisions).",
                "The directory is checked first; revisions already published unchanged are left out."})
final class PublishCommand extends ApiCommand {
    @Mixin
    RevisionsDir dir;

    @Override
    public Integer call() {
        JsonNode answer = client().publish(FleetClient.files(dir.load()));
        List<String> published = ids(answer.path("published"));
        List<String> unchanged = ids(answer.path("unchanged"));
        String line = published.isEmpty()
                ? "nothing new: all " + unchanged.size() + " revisions are already published"
                : "published " + published.size() + " revision" + (published.size() == 1 ? "" : "s") + ": "
                        + String.join(", ", published)
                        + (unchanged.isEmpty() ? "" : " (" + unchanged.size() + " already published)");
        warnNote(answer); // a rollout to head takes what was published at once
        return print(answer, List.of(line));
    }

    private static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(id -> ids.add(id.asText()));
        return ids;
    }
}
