package io.ferrite.replication;

/**
 * The master's answer to {@code PSYNC <replid> <offset>} (masterTryPartialResynchronization): go on
 * from the requested byte ({@link Outcome#CONTINUE}), or start over with a full synchronisation;
 * {@code log} is the line Redis logs for a refusal (null when accepted or when the replica asked
 * for a full sync with "?", which {@code forced} tells).
 */
public record PsyncDecision(Outcome outcome, String log, boolean forced) {
    /** Partial resynchronisation or full one. */
    public enum Outcome { CONTINUE, FULL_RESYNC }

    static PsyncDecision accept() {
        return new PsyncDecision(Outcome.CONTINUE, null, false);
    }

    static PsyncDecision full(String log) {
        return new PsyncDecision(Outcome.FULL_RESYNC, log, false);
    }

    static PsyncDecision forcedFull() {
        return new PsyncDecision(Outcome.FULL_RESYNC, null, true);
    }

    public boolean partial() {
        return outcome == Outcome.CONTINUE;
    }
}
