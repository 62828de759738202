package io.schemafleet.protocol.graph;

import java.util.List;

/**
 * What bringing a version table to a destination takes.
 *
 * @param steps      the steps in the order they must run (empty for a stamp)
 * @param headsAfter the version-table rows once every step has run, sorted
 */
public record Plan(List<Step> steps, List<String> headsAfter) {
    public Plan {
        steps = List.copyOf(steps);
        headsAfter = List.copyOf(headsAfter);
    }
}
