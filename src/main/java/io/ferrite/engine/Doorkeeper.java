package io.ferrite.engine;

import io.ferrite.common.ShardConfined;

import java.util.Arrays;

/**
 * TinyLFU's doorkeeper: a Bloom filter in front of the {@link FrequencySketch}. A key's first access
 * in a sample period only sets its bits here, so the many keys seen once (a scan, the long tail of
 * a Zipf stream) never reach the sketch's counters and do not inflate the estimates of the keys
 * they would collide with there. Cleared with each halving of the sketch.
 */
@ShardConfined
final class Doorkeeper {
    private final long[] words;
    private final long bits;

    /** A filter of {@code bits} bits (rounded up to a multiple of 64). */
    Doorkeeper(int bits) {
        this.words = new long[Math.max(1, (bits + 63) >>> 6)];
        this.bits = 64L * words.length;
    }

    /**
     * Sets the key's bits (two probes, from two independent hashes of the same key); true when they
     * were all set already, i.e. the key was (probably) seen before in this period.
     */
    boolean put(long hash1, long hash2) {
        boolean seen = test(hash1) & test(hash2);
        set(hash1);
        set(hash2);
        return seen;
    }

    boolean contains(long hash1, long hash2) {
        return test(hash1) && test(hash2);
    }

    void clear() {
        Arrays.fill(words, 0L);
    }

    /** Heap bytes of the bit array. */
    long bytes() {
        return 16L + 8L * words.length;
    }

    private boolean test(long hash) {
        int bit = bit(hash);
        return (words[bit >>> 6] & 1L << bit) != 0;
    }

    private void set(long hash) {
        int bit = bit(hash);
        words[bit >>> 6] |= 1L << bit;
    }

    /** The hash's low 32 bits scaled to the filter (Lemire's reduction: no power of two needed). */
    private int bit(long hash) {
        return (int) ((hash & 0xFFFF_FFFFL) * bits >>> 32);
    }
}
