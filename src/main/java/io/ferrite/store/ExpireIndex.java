package io.ferrite.store;

import io.ferrite.common.ShardConfined;

import java.util.random.RandomGenerator;

/**
 * The entries of one database that carry a TTL, in a dense array so the active expiry cycle can
 * sample them uniformly in O(1), as Redis samples its expires dict.
 */
@ShardConfined
public final class ExpireIndex {
    private Entry[] slots = new Entry[8];
    private int size;

    public int size() {
        return size;
    }

    /** The index's own bytes: its slot array (the expiry times live in the entries). */
    long overhead() {
        return MemoryEstimate.references(slots.length);
    }

    void add(Entry e) {
        if (e.expireSlot >= 0) {
            return;
        }
        if (size == slots.length) {
            slots = java.util.Arrays.copyOf(slots, size << 1);
        }
        e.expireSlot = size;
        slots[size++] = e;
    }

    void remove(Entry e) {
        int i = e.expireSlot;
        if (i < 0) {
            return;
        }
        Entry last = slots[--size];
        slots[i] = last;
        last.expireSlot = i;
        slots[size] = null;
        e.expireSlot = -1;
        if (size < slots.length >>> 2 && slots.length > 8) {
            slots = java.util.Arrays.copyOf(slots, slots.length >>> 1);
        }
    }

    public Entry random(RandomGenerator rnd) {
        return size == 0 ? null : slots[rnd.nextInt(size)];
    }

    void clear() {
        slots = new Entry[8];
        size = 0;
    }
}
