package io.schemafleet.coordinator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.schemafleet.coordinator.client.WavePlan;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rollout written down ({@code rollout start --file rollout.yaml}): the JSON members of
 * {@code POST /api/rollouts} in YAML, with the {@code --wave} value forms for {@code soak}
 * ({@code 2m} or {@code PT2M}), {@code max_failures} ({@code 0} or {@code 5%}) and
 * {@code bucket_percent} ({@code 10} or {@code 10%}).
 *
 * @param to        the destination; null when the file leaves it to {@code --to}
 * @param waves     in order
 * @param supersede null when the file does not say
 */
record RolloutFile(String to, List<WavePlan> waves, Boolean supersede) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP = Set.of("to", "waves", "supersede");
    private static final Set<String> WAVE = Set.of("name", "labels", "bucket_percent", "soak", "max_failures",
            "max_failures_percent", "parallelism");

    static RolloutFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw CliFailure.usage("--file " + file + ": no such file");
        } catch (IOException e) {
            throw CliFailure.usage("--file " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(file + ": " + e.getMessage());
        }
    }

    /**
     * @throws IllegalArgumentException saying what is wrong, and where (wave number and name)
     */
    static RolloutFile parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a mapping with to, waves and supersede");
        }
        unknown(root, TOP, "");
        String to = scalar(root, "to", "");
        Boolean supersede = null;
        if (root.hasNonNull("supersede")) {
            if (!root.get("supersede").isBoolean()) {
                throw new IllegalArgumentException("supersede must be true or false");
            }
            supersede = root.get("supersede").asBoolean();
        }
        List<WavePlan> waves = new ArrayList<>();
        JsonNode list = root.path("waves");
        if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
            throw new IllegalArgumentException("waves must be a list");
        }
        int i = 0;
        for (JsonNode wave : list) {
            i++;
            String where = "wave " + i + (wave.path("name").isTextual() ? " (" + wave.get("name").asText() + ")" : "");
            try {
                waves.add(wave(wave));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return new RolloutFile(to, waves, supersede);
    }

    private static WavePlan wave(JsonNode wave) {
        if (!wave.isObject()) {
            throw new IllegalArgumentException("expected a mapping with name, labels, bucket_percent, soak,"
                    + " max_failures, parallelism");
        }
        unknown(wave, WAVE, "wave ");
        String name = scalar(wave, "name", "wave ");
        if (name == null) {
            throw new IllegalArgumentException("name is missing");
        }
        WaveSpec.Draft draft = WaveSpec.Draft.named(name);
        JsonNode labels = wave.path("labels");
        if (!labels.isMissingNode() && !labels.isNull()) {
            if (!labels.isObject()) {
                throw new IllegalArgumentException("labels must be a mapping such as {tier: canary}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> label = it.next();
                if (!label.getValue().isValueNode() || label.getValue().isNull()) {
                    throw new IllegalArgumentException("label " + label.getKey() + " needs a plain value");
                }
                draft.label(label.getKey(), label.getValue().asText());
            }
        }
        option(draft, wave, "bucket_percent", WaveSpec.BUCKET);
        option(draft, wave, "soak", WaveSpec.SOAK);
        option(draft, wave, "max_failures", WaveSpec.MAX_FAILURES);
        option(draft, wave, "parallelism", WaveSpec.PARALLELISM);
        String percent = scalar(wave, "max_failures_percent", "wave ");
        if (percent != null) {
            draft.maxFailuresPercent(percent);
        }
        return draft.build();
    }

    private static void option(WaveSpec.Draft draft, JsonNode wave, String field, String option) {
        String value = scalar(wave, field, "wave ");
        if (value != null) {
            draft.option(option, value);
        }
    }

    private static String scalar(JsonNode object, String field, String what) {
        JsonNode node = object.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isValueNode()) {
            throw new IllegalArgumentException(what + field + " must be a single value");
        }
        return node.asText();
    }

    private static void unknown(JsonNode object, Set<String> known, String what) {
        object.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown " + what + "field '" + name + "' (expected one of "
                        + known.stream().sorted().toList() + ")");
            }
        });
    }
}
