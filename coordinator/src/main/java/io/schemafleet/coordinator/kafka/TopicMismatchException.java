package io.schemafleet.coordinator.kafka;

import io.schemafleet.protocol.SchemafleetException;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Existing Kafka topics that Schemafleet cannot use as they are: a revisions or rollouts
 * topic with more than one partition (events would lose their total order), or a topic
 * that is not compacted. Permanent: retrying changes nothing until an operator fixes the
 * topics or picks another prefix. The message names every topic and what is wrong.
 */
public final class TopicMismatchException extends SchemafleetException {
    private static final long serialVersionUID = 1L;

    private final List<TopicProblem> problems;

    public TopicMismatchException(List<TopicProblem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in topic order (revisions, rollouts, reports). */
    public List<TopicProblem> problems() {
        return problems;
    }

    private static String message(List<TopicProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a topic mismatch needs at least one problem");
        }
        if (problems.size() == 1) {
            return "Kafka topic " + problems.get(0);
        }
        return "Kafka topics unusable: " + problems.stream().map(TopicProblem::toString)
                .collect(Collectors.joining("; "));
    }
}
