package io.ferrite.engine;

import java.util.SplittableRandom;

/**
 * What an entry's access field (its lru bits) holds, by maxmemory-policy, as Redis's evict.c
 * keeps it: under an LRU policy (or none) the LRU clock; under an LFU policy the minute of the
 * last decrement in 16 bits above an 8-bit logarithmic access counter, which grows with
 * probability 1/((counter - 5) * lfu-log-factor + 1) per access and loses one per lfu-decay-time
 * minutes unused. A switch of policy at run time leaves the fields as they are, so for a while
 * they are read in the other sense, as in Redis.
 */
public final class AccessTracking {
    /** Redis's LFU_INIT_VAL: a new key's counter, so that it is not evicted before it had a chance. */
    static final int LFU_INIT = 5;
    private static final int COUNTER_MAX = 255;

    public static final AccessTracking LRU = new AccessTracking(false, 10, 1);

    private final boolean lfu;
    private final int logFactor;
    private final int decayMinutes;

    private AccessTracking(boolean lfu, int logFactor, int decayMinutes) {
        this.lfu = lfu;
        this.logFactor = logFactor;
        this.decayMinutes = decayMinutes;
    }

    /** LFU with lfu-log-factor and lfu-decay-time. */
    public static AccessTracking lfu(int logFactor, int decayMinutes) {
        return new AccessTracking(true, logFactor, decayMinutes);
    }

    public boolean lfu() {
        return lfu;
    }

    /** A new key's field at Unix time {@code nowMillis}. */
    int created(long nowMillis) {
        return lfu ? minutes(nowMillis) << 8 | LFU_INIT : LruClock.at(nowMillis);
    }

    /** The field after an access (Redis's updateLFU, or the LRU clock). */
    int accessed(int field, long nowMillis, SplittableRandom random) {
        if (!lfu) {
            return LruClock.at(nowMillis);
        }
        int counter = logIncrement(counter(field, nowMillis), random);
        return minutes(nowMillis) << 8 | counter;
    }

    /** The counter as of now, its decay applied (LFUDecrAndReturn): OBJECT FREQ, the FREQ an RDB saves. */
    public int counter(int field, long nowMillis) {
        int counter = field & COUNTER_MAX;
        if (decayMinutes == 0) {
            return counter;
        }
        int last = field >>> 8 & 0xFFFF;
        int now = minutes(nowMillis);
        int elapsed = now >= last ? now - last : 0xFFFF - last + now;
        int periods = elapsed / decayMinutes;
        return periods >= counter ? 0 : counter - periods;
    }

    /** A field holding {@code freq} as of now (RESTORE ... FREQ, an RDB's FREQ at load: objectSetLRUOrLFU). */
    public static int withCounter(int freq, long nowMillis) {
        return minutes(nowMillis) << 8 | (freq & COUNTER_MAX);
    }

    /** How strongly eviction should pick the entry: LRU idle milliseconds, or 255 minus the LFU counter. */
    long evictionScore(int field, long nowMillis) {
        return lfu ? COUNTER_MAX - counter(field, nowMillis) : LruClock.idleMillis(field, nowMillis);
    }

    private int logIncrement(int counter, SplittableRandom random) {
        if (counter == COUNTER_MAX) {
            return counter;
        }
        double base = Math.max(0, counter - LFU_INIT);
        double p = 1.0 / (base * logFactor + 1);
        return random.nextDouble() < p ? counter + 1 : counter;
    }

    /** LFUGetTimeInMinutes: Unix minutes in 16 bits. */
    private static int minutes(long nowMillis) {
        return (int) (nowMillis / 60_000 & 0xFFFF);
    }
}
