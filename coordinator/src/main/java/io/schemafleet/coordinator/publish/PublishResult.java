package io.schemafleet.coordinator.publish;

import java.util.List;

/**
 * What a publish did.
 *
 * @param published revision ids appended now, in order
 * @param unchanged revision ids that were already published with the same content
 */
public record PublishResult(List<String> published, List<String> unchanged) {
    public PublishResult {
        published = List.copyOf(published);
        unchanged = List.copyOf(unchanged);
    }
}
