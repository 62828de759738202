package io.schemafleet.coordinator.kafka;

import java.io.Serializable;
import java.util.Objects;

/**
 * One thing wrong with an existing topic, in words an operator can act on.
 *
 * @param topic   the topic's full name
 * @param problem what is wrong and how to fix it
 */
public record TopicProblem(String topic, String problem) implements Serializable {
    public TopicProblem {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(problem, "problem");
    }

    @Override
    public String toString() {
        return topic + ": " + problem;
    }
}
