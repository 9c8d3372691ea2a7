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
    private final int bitMask;

    /** A filter of {@code bits} bits, a power of two (at least 64). */
    Doorkeeper(int bits) {
        if (bits < 64 || Integer.bitCount(bits) != 1) {
            throw new IllegalArgumentException("doorkeeper bits must be a power of two >= 64: " + bits);
        }
        this.words = new long[bits >>> 6];
        this.bitMask = bits - 1;
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
        int bit = (int) hash & bitMask;
        return (words[bit >>> 6] & 1L << bit) != 0;
    }

    private void set(long hash) {
        int bit = (int) hash & bitMask;
        words[bit >>> 6] |= 1L << bit;
    }
}
