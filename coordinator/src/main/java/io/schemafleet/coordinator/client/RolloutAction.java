package io.schemafleet.coordinator.client;

import java.util.Locale;

/** What an operator can do to a running rollout; {@link #path()} is the API's last path segment. */
public enum RolloutAction {
    PAUSE("paused"),
    RESUME("resumed"),
    ABORT("aborted");

    private final String done;

    RolloutAction(String done) {
        this.done = done;
    }

    public String path() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The past tense, for messages: {@code paused}. */
    public String done() {
        return done;
    }
}
