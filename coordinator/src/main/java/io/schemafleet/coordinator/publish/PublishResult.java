package io.schemafleet.coordinator.publish;

import java.util.List;

/**
 * What a publish did.
 *
 * @param published revision ids appended now, in order
 * @param unchanged revision ids that were already published with the same content
 * @param note      what the caller should know about the publish's effect on the fleet; null if nothing
 */
public record PublishResult(List<String> published, List<String> unchanged, String note) {
    public PublishResult {
        published = List.copyOf(published);
        unchanged = List.copyOf(unchanged);
    }
}
