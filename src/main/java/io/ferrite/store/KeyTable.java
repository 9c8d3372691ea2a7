package io.ferrite.store;

import io.ferrite.common.ShardConfined;

import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * A chained hash table of {@link Entry}s keyed by byte arrays: the per-database dictionary of one
 * shard. Power-of-two buckets, so SCAN can use Redis's reverse-binary cursor, which visits every
 * element present for the whole scan exactly once even if the table grows or shrinks in between.
 */
@ShardConfined
public final class KeyTable {
    private static final int MIN_CAPACITY = 4;
    /**
     * Past this many entries per bucket the table grows whatever memory says (Redis's
     * HASHTABLE_MAX_LOAD_FACTOR in dictExpandAllowed): chains stay short enough.
     */
    private static final double MAX_LOAD = 1.618;

    private Entry[] buckets = new Entry[MIN_CAPACITY];
    private int size;
    /** Whether the table may take this many more bytes to grow (maxmemory's say, see {@link #KeyTable(LongPredicate)}). */
    private final LongPredicate mayGrowBy;

    /** A table that grows whenever it is full. */
    public KeyTable() {
        this(more -> true);
    }

    /**
     * A table asking {@code mayGrowBy} before it grows while its load is at most {@link #MAX_LOAD}:
     * as Redis's dictExpandAllowed, a growth that would take memory past maxmemory waits, so adding
     * a key does not evict others only to make room for a bigger bucket array.
     */
    public KeyTable(LongPredicate mayGrowBy) {
        this.mayGrowBy = mayGrowBy;
    }

    private boolean mustGrow() {
        int n = buckets.length;
        return size >= n && (size >= n * MAX_LOAD || mayGrowBy.test(MemoryEstimate.references(n << 1) - MemoryEstimate.references(n)));
    }

    public int size() {
        return size;
    }

    /** The table's own bytes: its entries' objects and the bucket array (keys and values are the data's). */
    long overhead() {
        return size * MemoryEstimate.entryObject() + MemoryEstimate.references(buckets.length);
    }

    /**
     * The last key {@link #get} did not find and its hash: a command adds the key it just looked
     * up (SET, INCR of a new key), so {@link #add} reuses the hash for the same array.
     */
    private byte[] missedKey;
    private int missedHash;

    public Entry get(byte[] key) {
        int h = Bytes.hash(key);
        for (Entry e = buckets[h & (buckets.length - 1)]; e != null; e = e.next) {
            if (e.hash == h && java.util.Arrays.equals(e.key, key)) {
                return e;
            }
        }
        missedKey = key;
        missedHash = h;
        return null;
    }

    /** Adds a new entry for a key known to be absent. */
    public Entry add(byte[] key) {
        if (mustGrow()) {
            resize(buckets.length << 1);
        }
        int h = key == missedKey ? missedHash : Bytes.hash(key);
        missedKey = null;
        Entry e = new Entry(key, h);
        int i = h & (buckets.length - 1);
        e.next = buckets[i];
        buckets[i] = e;
        size++;
        return e;
    }

    /** Re-links an entry detached from another table (a cross-shard move) without copying it. */
    public void attach(Entry e) {
        if (mustGrow()) {
            resize(buckets.length << 1);
        }
        int i = e.hash & (buckets.length - 1);
        e.next = buckets[i];
        buckets[i] = e;
        size++;
    }

    public Entry remove(byte[] key) {
        int h = Bytes.hash(key);
        int i = h & (buckets.length - 1);
        Entry prev = null;
        for (Entry e = buckets[i]; e != null; prev = e, e = e.next) {
            if (e.hash == h && java.util.Arrays.equals(e.key, key)) {
                unlink(i, prev, e);
                return e;
            }
        }
        return null;
    }

    /** Unlinks an entry this table holds, found by an earlier {@link #get}: no second hash or key comparison. */
    public boolean remove(Entry entry) {
        int i = entry.hash & (buckets.length - 1);
        Entry prev = null;
        for (Entry e = buckets[i]; e != null; prev = e, e = e.next) {
            if (e == entry) {
                unlink(i, prev, e);
                return true;
            }
        }
        return false;
    }

    private void unlink(int bucket, Entry prev, Entry e) {
        if (prev == null) {
            buckets[bucket] = e.next;
        } else {
            prev.next = e.next;
        }
        e.next = null;
        size--;
        if (size < buckets.length >>> 3 && buckets.length > MIN_CAPACITY) {
            resize(buckets.length >>> 1);
        }
    }

    public void clear() {
        missedKey = null;
        buckets = new Entry[MIN_CAPACITY];
        size = 0;
    }

    private void resize(int capacity) {
        Entry[] old = buckets;
        Entry[] nb = new Entry[capacity];
        int mask = capacity - 1;
        for (Entry head : old) {
            Entry e = head;
            while (e != null) {
                Entry next = e.next;
                int i = e.hash & mask;
                e.next = nb[i];
                nb[i] = e;
                e = next;
            }
        }
        buckets = nb;
    }

    /**
     * Visits the bucket at {@code cursor} and returns the next cursor (0 when done). The cursor's
     * bits are incremented from the most significant end, as in Redis's dictScan.
     */
    public long scan(long cursor, Consumer<Entry> visitor) {
        if (size == 0) {
            return 0;
        }
        long mask = buckets.length - 1;
        for (Entry e = buckets[(int) (cursor & mask)]; e != null; e = e.next) {
            visitor.accept(e);
        }
        cursor |= ~mask;
        cursor = Long.reverse(cursor);
        cursor++;
        cursor = Long.reverse(cursor);
        return cursor;
    }

    /** A random entry, as Redis's dictGetFairRandomKey approximates it: a random non-empty bucket, then a random chain element. */
    public Entry random(java.util.random.RandomGenerator rnd) {
        if (size == 0) {
            return null;
        }
        Entry head;
        do {
            head = buckets[rnd.nextInt(buckets.length)];
        } while (head == null);
        int len = 0;
        for (Entry e = head; e != null; e = e.next) {
            len++;
        }
        int pick = rnd.nextInt(len);
        Entry e = head;
        while (pick-- > 0) {
            e = e.next;
        }
        return e;
    }

    public void forEach(Consumer<Entry> visitor) {
        for (Entry head : buckets) {
            for (Entry e = head; e != null; ) {
                Entry next = e.next;
                visitor.accept(e);
                e = next;
            }
        }
    }
}
