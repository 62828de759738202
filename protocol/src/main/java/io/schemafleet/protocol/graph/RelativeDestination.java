package io.schemafleet.protocol.graph;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A destination counted from where a tenant is ({@code -2}, {@code +1}, {@code label@-1}),
 * taken as a number of steps for one reconcile: each step it applies, a retry after a failure
 * included, is one fewer left, so {@code -2} is two steps however often the tenant is read
 * again on the way.
 *
 * @param prefix {@code label@}, or empty
 * @param sign   {@code +} or {@code -}
 * @param steps  how many
 */
public record RelativeDestination(String prefix, char sign, int steps) {
    private static final Pattern FORM = Pattern.compile("((?:[^@]+@)?)([+-])(\\d+)");

    /** The destination as a count of steps, if it is one ({@link MigrationPlanner#relativeToCurrent}). */
    public static Optional<RelativeDestination> of(String destination) {
        Matcher m = FORM.matcher(destination);
        if (!m.matches()) {
            return Optional.empty();
        }
        // More steps than an int holds is as many as any graph has.
        int steps = m.group(3).length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(m.group(3));
        return Optional.of(new RelativeDestination(m.group(1), m.group(2).charAt(0), steps));
    }

    /** The destination with {@code done} of its steps behind it; empty when none is left. */
    public Optional<String> remaining(int done) {
        int left = steps - done;
        return left <= 0 ? Optional.empty() : Optional.of(prefix + sign + left);
    }
}
