package io.ferrite.server.aof;

import io.ferrite.common.Log;

/**
 * Redis 7.0's aofRewriteLimited: after {@link #THRESHOLD} rewrites in a row have failed, a rewrite
 * the server would start by itself (on growth, or scheduled) waits 1 minute, then 2, 4 ... up to
 * an hour between tries, so a rewrite that keeps failing does not keep opening incr files. A
 * BGREWRITEAOF typed by a user is never limited. Called from one thread at a time (the cron).
 */
final class RewriteLimit {
    /** Consecutive failures from which rewrites are limited (AOF_REWRITE_LIMITE_THRESHOLD). */
    static final int THRESHOLD = 3;
    /** The longest wait between tries, in minutes (AOF_REWRITE_LIMITE_MAX_MINUTES). */
    static final int MAX_MINUTES = 60;

    private int nextDelayMinutes;
    /** When the next try may run (seconds), or 0 when no wait is running. */
    private long nextRewriteSeconds;

    /**
     * Whether a rewrite the server would start now must wait, given the failures in a row and
     * the time now (seconds). Entering a wait is logged, as Redis logs it.
     */
    boolean limited(long consecutiveFailures, long nowSeconds) {
        if (consecutiveFailures < THRESHOLD) {
            // recovering from a limited state: start from the shortest wait next time
            nextDelayMinutes = 0;
            nextRewriteSeconds = 0;
            return false;
        }
        if (nextRewriteSeconds != 0) {
            if (nowSeconds < nextRewriteSeconds) {
                return true;
            }
            nextRewriteSeconds = 0;
            return false;
        }
        nextDelayMinutes = nextDelayMinutes == 0 ? 1 : Math.min(nextDelayMinutes * 2, MAX_MINUTES);
        nextRewriteSeconds = nowSeconds + nextDelayMinutes * 60L;
        Log.warning("Background AOF rewrite has repeatedly failed and triggered the limit, will retry in "
            + nextDelayMinutes + " minutes");
        return true;
    }
}
