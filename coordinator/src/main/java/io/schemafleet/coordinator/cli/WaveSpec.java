package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.event.Names;
import io.schemafleet.coordinator.client.WavePlan;
import io.schemafleet.protocol.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code --wave} spec (the grammar is in docs/cli.md):
 * {@code NAME[:key=value]...}, where {@code soak}, {@code max-failures},
 * {@code parallelism} and {@code bucket} are options and any other key is a label the
 * wave's tenants must carry; {@code N%} as the name is the wave {@code pN} of bucket
 * {@code < N%}. Also the one place wave values are checked, for the YAML rollout file too.
 */
final class WaveSpec {
    static final String SOAK = "soak";
    static final String MAX_FAILURES = "max-failures";
    static final String PARALLELISM = "parallelism";
    static final String BUCKET = "bucket";
    private static final Set<String> OPTIONS = Set.of(SOAK, MAX_FAILURES, PARALLELISM, BUCKET);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,9})%");
    private static final Pattern COUNT = Pattern.compile("\\d{1,9}");
    private static final int MAX_LABEL_VALUE = 255;

    private WaveSpec() {
    }

    /** picocli's converter for {@code --wave}: a bad spec is a usage error naming what is wrong. */
    static final class Converter implements ITypeConverter<WavePlan> {
        @Override
        public WavePlan convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with which part of the spec
     */
    static WavePlan parse(String spec) {
        String text = spec.strip();
        String[] parts = text.split(":", -1);
        try {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty wave spec: give NAME[:key=value]... or N%");
            }
            Draft wave = Draft.named(parts[0]);
            for (int i = 1; i < parts.length; i++) {
                String part = parts[i];
                int eq = part.indexOf('=');
                if (part.isEmpty()) {
                    throw new IllegalArgumentException("empty part (two ':' in a row, or one at the end)");
                }
                if (eq <= 0 || eq == part.length() - 1) {
                    throw new IllegalArgumentException("'" + part + "' is not key=value (a label such as tier=canary,"
                            + " or one of soak=2m, max-failures=0 or 5%, parallelism=5, bucket=10%)");
                }
                String key = part.substring(0, eq);
                String value = part.substring(eq + 1);
                String option = key.toLowerCase(Locale.ROOT).replace('_', '-');
                if (OPTIONS.contains(option) && !option.equals(key)) {
                    throw new IllegalArgumentException("write '" + option + "', not '" + key + "'");
                }
                if (OPTIONS.contains(key)) {
                    wave.option(key, value);
                } else {
                    wave.label(key, value);
                }
            }
            return wave.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("wave '" + spec + "': " + e.getMessage(), e);
        }
    }

    /** A wave being read: each value checked as it comes, each key at most once. */
    static final class Draft {
        private final String name;
        private final Integer namedBucket;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final Set<String> seen = new java.util.HashSet<>();
        private Integer bucketPercent;
        private Duration soak;
        private Integer maxFailures;
        private Integer maxFailuresPercent;
        private Integer parallelism;

        private Draft(String name, Integer namedBucket) {
            this.name = name;
            this.namedBucket = namedBucket;
            this.bucketPercent = namedBucket;
        }

        /** A wave called {@code name}, or {@code pN} with bucket {@code < N%} for {@code N%}. */
        static Draft named(String name) {
            Matcher percent = PERCENT.matcher(name);
            if (percent.matches()) {
                int n = percentOf(name, percent.group(1), 1);
                return new Draft("p" + n, n);
            }
            if (name.contains("=")) {
                throw new IllegalArgumentException("a wave starts with its name, e.g. canary:" + name);
            }
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("wave name '" + name + "' must be 1 to 128 letters, digits, '.', '_'"
                        + " or '-' (or N% for a bucket wave)");
            }
            return new Draft(name, null);
        }

        /** One of {@link #OPTIONS}, with its value as typed. */
        Draft option(String key, String value) {
            once(key);
            switch (key) {
                case SOAK -> soak = duration(value);
                case MAX_FAILURES -> {
                    Matcher percent = PERCENT.matcher(value);
                    if (percent.matches()) {
                        maxFailuresPercent = percentOf(value, percent.group(1), 0);
                    } else {
                        maxFailures = count(MAX_FAILURES, value, 0);
                    }
                }
                case PARALLELISM -> parallelism = count(PARALLELISM, value, 1);
                case BUCKET -> {
                    if (namedBucket != null) {
                        throw new IllegalArgumentException("the wave " + name + " is already bucket < " + namedBucket
                                + "%; drop bucket=" + value);
                    }
                    Matcher percent = PERCENT.matcher(value);
                    bucketPercent = percentOf(value, percent.matches() ? percent.group(1) : value, 1);
                }
                default -> throw new IllegalArgumentException("unknown option '" + key + "'");
            }
            return this;
        }

        Draft label(String key, String value) {
            if (!Names.isLabelKey(key)) {
                throw new IllegalArgumentException("label key '" + key + "' must be " + Names.LABEL_KEY_RULE);
            }
            if (value.isEmpty() || value.length() > MAX_LABEL_VALUE || value.contains("=")) {
                throw new IllegalArgumentException("label " + key + " needs a value of 1 to " + MAX_LABEL_VALUE
                        + " characters without '='");
            }
            once(key);
            labels.put(key, value);
            return this;
        }

        /** Directly, for a YAML {@code max_failures_percent}. */
        Draft maxFailuresPercent(String value) {
            once(MAX_FAILURES);
            maxFailuresPercent = percentOf(value, value, 0);
            return this;
        }

        WavePlan build() {
            return new WavePlan(name, labels, bucketPercent, soak, maxFailures, maxFailuresPercent, parallelism);
        }

        private void once(String key) {
            if (!seen.add(key)) {
                throw new IllegalArgumentException("'" + key + "' given twice");
            }
        }
    }

    /** {@code 2m}, {@code 30s}, {@code 1h}, {@code 500ms}, or ISO-8601 ({@code PT2M}). */
    private static Duration duration(String value) {
        if (value.startsWith("P") || value.startsWith("p")) {
            try {
                Duration d = Duration.parse(value);
                if (d.isNegative()) {
                    throw new IllegalArgumentException("soak must not be negative, got '" + value + "'");
                }
                return d;
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("soak '" + value + "' is not an ISO-8601 duration such as PT2M");
            }
        }
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("soak " + e.getMessage());
        }
    }

    private static int count(String key, String value, int min) {
        if (!COUNT.matcher(value).matches() || Integer.parseInt(value) < min) {
            throw new IllegalArgumentException(key + " must be a whole number, at least " + min + ", got '" + value + "'"
                    + (MAX_FAILURES.equals(key) ? " (or a percentage such as 5%)" : ""));
        }
        return Integer.parseInt(value);
    }

    private static int percentOf(String text, String digits, int min) {
        if (!COUNT.matcher(digits).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a percentage from " + min + "% to 100%");
        }
        int n = Integer.parseInt(digits);
        if (n < min || n > 100) {
            throw new IllegalArgumentException("'" + text + "' is not a percentage from " + min + "% to 100%");
        }
        return n;
    }
}
