package io.ferrite.engine;

import io.ferrite.common.ShardConfined;

import java.util.Arrays;

/**
 * One shard's best eviction candidates, kept across evictions (Redis's evict.c
 * evictionPoolPopulate): each pick samples {@code maxmemory-samples} keys into a pool of the 16
 * best seen so far, ordered by how strongly the policy wants them gone, and evicts the best one
 * that still exists. Keeping the pool makes the sampled LRU/LFU/TTL far closer to the exact order
 * than the best of one sample alone. Entries may name keys since deleted or touched: they are
 * checked when popped, as in Redis.
 */
@ShardConfined
final class EvictionPool {
    /** Redis's EVPOOL_SIZE. */
    static final int SIZE = 16;

    /** Ascending by score: the best candidate is the last filled slot. */
    private final long[] scores = new long[SIZE];
    private final byte[][] keys = new byte[SIZE][];
    private final int[] dbs = new int[SIZE];

    /**
     * Offers a sampled key with its score (higher = evict sooner). Skipped when the pool is full
     * and every member beats it, or when it is already there.
     */
    void offer(int db, byte[] key, long score) {
        for (int i = 0; i < SIZE && keys[i] != null; i++) {
            if (dbs[i] == db && Arrays.equals(keys[i], key)) {
                return;
            }
        }
        int k = 0;
        while (k < SIZE && keys[k] != null && scores[k] < score) {
            k++;
        }
        if (k == 0 && keys[SIZE - 1] != null) {
            return;
        }
        if (k < SIZE && keys[k] == null) {
            set(k, db, key, score);
            return;
        }
        if (keys[SIZE - 1] == null) {
            // room on the right: move the better ones one place right
            System.arraycopy(scores, k, scores, k + 1, SIZE - k - 1);
            System.arraycopy(keys, k, keys, k + 1, SIZE - k - 1);
            System.arraycopy(dbs, k, dbs, k + 1, SIZE - k - 1);
        } else {
            // full: the worst (leftmost) leaves, the worse ones move one place left
            k--;
            System.arraycopy(scores, 1, scores, 0, k);
            System.arraycopy(keys, 1, keys, 0, k);
            System.arraycopy(dbs, 1, dbs, 0, k);
        }
        set(k, db, key, score);
    }

    private void set(int i, int db, byte[] key, long score) {
        scores[i] = score;
        keys[i] = key;
        dbs[i] = db;
    }

    /** Whether the pool holds no candidate. */
    boolean isEmpty() {
        return keys[0] == null;
    }

    /** The best candidate's slot, or -1 when empty. */
    int best() {
        for (int i = SIZE - 1; i >= 0; i--) {
            if (keys[i] != null) {
                return i;
            }
        }
        return -1;
    }

    byte[] key(int slot) {
        return keys[slot];
    }

    int db(int slot) {
        return dbs[slot];
    }

    /** Takes a candidate out (evicted, or found gone). */
    void remove(int slot) {
        keys[slot] = null;
    }

    /** Forgets every candidate (FLUSHALL, a policy change): they would be stale. */
    void clear() {
        Arrays.fill(keys, null);
    }
}
