package io.schemafleet.coordinator.kafka;

import java.util.List;

/**
 * What {@link TopicAdmin#ensure} found and did.
 *
 * @param created  topics this call created
 * @param existing topics that were there already (or were created concurrently by
 *                 someone else) and passed the checks
 * @param warnings things worth an operator's attention that do not stop Schemafleet,
 *                 e.g. a reports topic with fewer partitions than configured
 */
public record TopicCheck(List<String> created, List<String> existing, List<String> warnings) {
    public TopicCheck {
        created = List.copyOf(created);
        existing = List.copyOf(existing);
        warnings = List.copyOf(warnings);
    }
}
