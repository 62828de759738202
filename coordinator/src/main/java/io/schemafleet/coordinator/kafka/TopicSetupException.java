package io.schemafleet.coordinator.kafka;

import io.schemafleet.protocol.SchemafleetException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Schemafleet's topics could not be created or checked because Kafka did not answer as
 * needed: unreachable, too slow, or the principal lacks the Describe, Create or
 * DescribeConfigs ACL. {@link #retriable()} says whether trying again later may help.
 */
public final class TopicSetupException extends SchemafleetException {
    private static final long serialVersionUID = 1L;

    private final boolean retriable;

    public TopicSetupException(String message, Throwable cause) {
        super(message, cause);
        this.retriable = cause instanceof RetriableException || cause instanceof java.util.concurrent.TimeoutException;
    }

    /** Whether the failure was transient (timeouts, a broker not yet available). */
    public boolean retriable() {
        return retriable;
    }
}
