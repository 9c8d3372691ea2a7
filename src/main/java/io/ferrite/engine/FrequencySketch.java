package io.ferrite.engine;

import io.ferrite.common.ShardConfined;

/**
 * TinyLFU's approximate access counts for one shard (Einziger, Friedman, Manes: "TinyLFU: A Highly
 * Efficient Cache Admission Policy"): a count-min sketch of 4-bit counters, four rows, behind a
 * {@link Doorkeeper}.
 *
 * <p>Counts age: after a sample period of {@link #SAMPLE_FACTOR} accesses per key of capacity,
 * every counter is halved and the doorkeeper cleared (the paper's reset), so a key popular an
 * hour ago does not keep its place forever. Increments are conservative (only the counters at the
 * row minimum grow), which keeps collisions from inflating the estimate of a rare key.
 *
 * <p>Sized from the shard's key count, grown (and started afresh) when the shard outgrows it,
 * exactly rather than to a power of two, as the sketch is paid for out of maxmemory: per key of
 * capacity, {@link #COUNTERS_PER_KEY} counters and {@link #DOORKEEPER_BITS_PER_KEY} doorkeeper bits.
 */
@ShardConfined
final class FrequencySketch {
    /** The largest count a 4-bit counter holds. */
    static final int MAX_COUNT = 15;
    /**
     * Accesses per period, as a multiple of the capacity. The paper and Caffeine take W = 10 C; here
     * the shard's cache competes with the LRU or LFU order it sits on, and with 10 C the keys at
     * the cache's edge were seen about once per period, too few to tell apart: 30 C gave 1 to 2
     * points more hit ratio on Zipf and on scans (scripts/bench hitratio), and still forgets in
     * time on a loop.
     */
    static final int SAMPLE_FACTOR = 30;
    static final int MIN_CAPACITY = 1024;
    /**
     * One counter per row per key (a quarter of Caffeine's 16) and a byte of doorkeeper: 3 bytes a
     * key, which maxmemory pays in keys not held. Measured against 8 and 16 counters and 16
     * doorkeeper bits, the smaller sketch lost nothing in hit ratio and kept 2 to 8% more keys.
     */
    static final int COUNTERS_PER_KEY = 4;
    static final int DOORKEEPER_BITS_PER_KEY = 8;
    /** Keeps the doorkeeper's bit count inside an int (a bigger shard gets the sketch of 64M keys). */
    private static final int MAX_CAPACITY = 1 << 26;
    /** Clears the bit each counter would shift into from its neighbour when all are halved at once. */
    private static final long HALVE_MASK = 0x7777_7777_7777_7777L;
    private static final int ROWS = 4;
    private static final long SECOND_SEED = 0x632BE59BD9B4E019L;

    private int capacity;
    private long[] table;
    private Doorkeeper doorkeeper;
    private int sampleSize;
    /** Accesses recorded in this period. */
    private int additions;
    /** Periods ended so far (tests, and to see the reset happen). */
    private long halvings;

    FrequencySketch(int keys) {
        resize(keys);
    }

    /** Grows the sketch for a shard now holding {@code keys} keys; what it learned so far is dropped. */
    void ensureCapacity(int keys) {
        if (keys > capacity && capacity < MAX_CAPACITY) {
            // a quarter more each time: a shard filling up resizes a few dozen times, not per key
            resize(Math.max(keys, capacity + capacity / 4));
        }
    }

    int capacity() {
        return capacity;
    }

    int sampleSize() {
        return sampleSize;
    }

    long halvings() {
        return halvings;
    }

    private void resize(int keys) {
        capacity = Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, keys));
        table = new long[Math.max(1, capacity * COUNTERS_PER_KEY / 16)];
        doorkeeper = new Doorkeeper(capacity * DOORKEEPER_BITS_PER_KEY);
        sampleSize = SAMPLE_FACTOR * capacity;
        additions = 0;
    }

    /** Records one access of the key whose {@code Bytes.hash} is {@code keyHash}. */
    void increment(int keyHash) {
        long h1 = mix(keyHash);
        long h2 = mix(h1 + SECOND_SEED);
        // a first sighting in this period only marks the doorkeeper
        if (doorkeeper.put(h1, h2)) {
            incrementCounters(h1, h2, mix(h2));
        }
        if (++additions >= sampleSize) {
            halve();
        }
    }

    /** The estimated accesses of the key in the current period (the doorkeeper's bit counting one), 0 to 16. */
    int frequency(int keyHash) {
        long h1 = mix(keyHash);
        long h2 = mix(h1 + SECOND_SEED);
        int min = minimum(h1, h2, mix(h2));
        return doorkeeper.contains(h1, h2) ? min + 1 : min;
    }

    /** Heap bytes of the counters and the doorkeeper (counted in used_memory). */
    long bytes() {
        return 16L + 8L * table.length + doorkeeper.bytes();
    }

    private int minimum(long h1, long h2, long h3) {
        int min = MAX_COUNT;
        for (int row = 0; row < ROWS; row++) {
            min = Math.min(min, counter(h1, h2, h3, row));
        }
        return min;
    }

    private void incrementCounters(long h1, long h2, long h3) {
        int min = minimum(h1, h2, h3);
        if (min == MAX_COUNT) {
            return;
        }
        // conservative update: only the counters holding the estimate grow
        for (int row = 0; row < ROWS; row++) {
            if (counter(h1, h2, h3, row) == min) {
                table[word(h1, h2, row)] += 1L << shiftOf(h3, row);
            }
        }
    }

    private int counter(long h1, long h2, long h3, int row) {
        return (int) (table[word(h1, h2, row)] >>> shiftOf(h3, row)) & MAX_COUNT;
    }

    /** The row's word: double hashing (h1 + row * h2), its top 32 bits scaled to the table (Lemire's reduction). */
    private int word(long h1, long h2, int row) {
        return (int) (((h1 + row * h2) >>> 32) * table.length >>> 32);
    }

    /**
     * The bit offset of the row's counter in its word: each row owns four of the word's sixteen
     * counters, so two rows landing on the same word never share a counter; two bits of a third
     * hash choose among the four.
     */
    private static int shiftOf(long h3, int row) {
        int nibble = row * 4 + (int) (h3 >>> 2 * row & 3);
        return nibble * 4;
    }

    /** The end of a sample period: every count halved, the doorkeeper forgotten. */
    private void halve() {
        for (int i = 0; i < table.length; i++) {
            table[i] = table[i] >>> 1 & HALVE_MASK;
        }
        doorkeeper.clear();
        additions = additions / 2;
        halvings++;
    }

    /** A 64-bit finaliser (SplitMix64's): spreads the key's 32-bit hash over every bit. */
    private static long mix(long x) {
        long z = x * 0x9E3779B97F4A7C15L;
        z = (z ^ z >>> 30) * 0xBF58476D1CE4E5B9L;
        z = (z ^ z >>> 27) * 0x94D049BB133111EBL;
        return z ^ z >>> 31;
    }
}
