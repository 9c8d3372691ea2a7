package io.ferrite.server;

/**
 * A start-up failure whose reason is already in the log in Redis's words: the process exits
 * without another line, so the log ends with Redis's own last line (Redis's suite reads it).
 */
public final class LoggedFailure extends IllegalStateException {
    public LoggedFailure(String summary) {
        super(summary);
    }
}
