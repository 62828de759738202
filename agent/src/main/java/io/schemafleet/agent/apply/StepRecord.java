package io.schemafleet.agent.apply;

/** A step the agent ran: which, which way, and how long it took. */
public record StepRecord(String revision, String direction, long durationMillis) {
}
