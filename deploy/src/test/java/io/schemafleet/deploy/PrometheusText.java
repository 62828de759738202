package io.schemafleet.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scrape in Prometheus' text format, parsed for assertions. */
public record PrometheusText(List<Sample> samples, Set<String> declared) {
    private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    /** One line: a name, its labels and a value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    public static PrometheusText parse(String text) {
        List<Sample> out = new ArrayList<>();
        Set<String> declared = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                declared.add(parts[2]);
                if (parts.length > 3 && parts[3].equals("histogram")) {
                    List.of("_bucket", "_count", "_sum").forEach(suffix -> declared.add(parts[2] + suffix));
                }
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        out.forEach(sample -> declared.add(sample.name()));
        return new PrometheusText(out, declared);
    }

    /** Every metric name the scrape declares or has a sample of (a gauge may have no sample yet). */
    public Set<String> names() {
        return declared;
    }

    /** The samples of {@code name} whose labels include {@code labels} (name, value, name, value, ...). */
    public List<Sample> find(String name, String... labels) {
        return samples.stream().filter(s -> s.name().equals(name) && has(s, labels)).toList();
    }

    /** The one sample of {@code name} with these labels. */
    public double value(String name, String... labels) {
        List<Sample> found = find(name, labels);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples of " + name + " " + List.of(labels) + " in the scrape: "
                    + found);
        }
        return found.get(0).value();
    }

    /** The sum over every sample of {@code name} with these labels. */
    public double sum(String name, String... labels) {
        return find(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    private static boolean has(Sample s, String[] labels) {
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
