package io.ferrite.engine;

/** Redis's LRU clock: seconds, in 24 bits, wrapping (LRU_CLOCK_MAX, LRU_CLOCK_RESOLUTION of 1000 ms). */
public final class LruClock {
    public static final int MAX = (1 << 24) - 1;

    private LruClock() {
    }

    public static int now() {
        return at(System.currentTimeMillis());
    }

    /** The clock at Unix time {@code millis}: a shard passes its command clock instead of reading the time again. */
    public static int at(long millis) {
        return (int) ((millis / 1000) & MAX);
    }

    /**
     * Milliseconds from the clock value {@code lru} to Unix time {@code nowMillis}, as Redis's
     * estimateObjectIdleTime: pass the command's clock, the one that stamped the entry.
     */
    public static long idleMillis(int lru, long nowMillis) {
        int clock = at(nowMillis);
        long d = clock >= lru ? clock - lru : (MAX - lru) + clock;
        return d * 1000L;
    }
}
