package io.ferrite.store.hash;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.Bytes;
import io.ferrite.store.MemoryEstimate;

import java.util.Arrays;

/**
 * A hash table from byte[] fields to byte[] values, compact for large hashes: entries live densely
 * in parallel arrays (field, value, hash, chain link), buckets hold the index of a chain's first
 * entry. No per-entry objects beyond the field and value arrays themselves; a random entry is one
 * array access; deletion moves the last entry into the hole.
 * <p>
 * Buckets are a power of two, grown at load 1 and shrunk below 10% as Redis's dict does, and
 * {@link #scan} uses Redis's reverse-binary cursor, so an entry present for a whole scan is
 * reported at least once even if the table is resized between calls.
 */
@ShardConfined
public final class FieldTable {
    private static final int SELF = 48;

    byte[][] fields;
    byte[][] values;
    private int[] hashes;
    private int[] next;
    /** Index + 1 of the first entry of each chain; 0 for an empty bucket. */
    private int[] buckets;
    private int size;
    /** Footprint of the field and value arrays. */
    private long dataBytes;

    public FieldTable(int expected) {
        int cap = Math.max(4, expected);
        fields = new byte[cap][];
        values = new byte[cap][];
        hashes = new int[cap];
        next = new int[cap];
        buckets = new int[tableSizeFor(cap)];
    }

    private static int tableSizeFor(int n) {
        int s = 4;
        while (s < n) {
            s <<= 1;
        }
        return s;
    }

    public int size() {
        return size;
    }

    public long memory() {
        long arrays = 2 * MemoryEstimate.bytes(fields.length * 4) + 2 * MemoryEstimate.bytes(hashes.length * 4)
            + MemoryEstimate.bytes(buckets.length * 4);
        return SELF + arrays + dataBytes;
    }

    private int find(byte[] f, int h) {
        int i = buckets[h & (buckets.length - 1)] - 1;
        while (i >= 0) {
            if (hashes[i] == h && Arrays.equals(fields[i], f)) {
                return i;
            }
            i = next[i] - 1;
        }
        return -1;
    }

    public int indexOf(byte[] f) {
        return find(f, Bytes.hash(f));
    }

    public byte[] get(byte[] f) {
        int i = indexOf(f);
        return i < 0 ? null : values[i];
    }

    public byte[] fieldAt(int i) {
        return fields[i];
    }

    public byte[] valueAt(int i) {
        return values[i];
    }

    /** Sets a field; true when it was new. The arrays are kept, not copied. */
    public boolean put(byte[] f, byte[] v) {
        int h = Bytes.hash(f);
        int i = find(f, h);
        if (i >= 0) {
            dataBytes += MemoryEstimate.bytes(v.length) - MemoryEstimate.bytes(values[i].length);
            values[i] = v;
            return false;
        }
        if (size == fields.length) {
            growEntries(size + (size >> 1) + 1);
        }
        i = size++;
        fields[i] = f;
        values[i] = v;
        hashes[i] = h;
        int b = h & (buckets.length - 1);
        next[i] = buckets[b];
        buckets[b] = i + 1;
        dataBytes += MemoryEstimate.bytes(f.length) + MemoryEstimate.bytes(v.length);
        if (size > buckets.length) {
            rehash(buckets.length * 2);
        }
        return true;
    }

    public boolean remove(byte[] f) {
        int h = Bytes.hash(f);
        int b = h & (buckets.length - 1);
        int prev = -1;
        int i = buckets[b] - 1;
        while (i >= 0) {
            if (hashes[i] == h && Arrays.equals(fields[i], f)) {
                break;
            }
            prev = i;
            i = next[i] - 1;
        }
        if (i < 0) {
            return false;
        }
        if (prev < 0) {
            buckets[b] = next[i];
        } else {
            next[prev] = next[i];
        }
        dataBytes -= MemoryEstimate.bytes(fields[i].length) + MemoryEstimate.bytes(values[i].length);
        int last = size - 1;
        if (i != last) {
            moveEntry(last, i);
        }
        fields[last] = null;
        values[last] = null;
        size--;
        if (buckets.length > 4 && (long) size * 10 < buckets.length) {
            rehash(tableSizeFor(Math.max(size, 1)));
        }
        if (fields.length > 8 && size < fields.length / 4) {
            growEntries(Math.max(4, size * 2));
        }
        return true;
    }

    /** Moves entry {@code from} into slot {@code to}, relinking its chain. */
    private void moveEntry(int from, int to) {
        int b = hashes[from] & (buckets.length - 1);
        if (buckets[b] - 1 == from) {
            buckets[b] = to + 1;
        } else {
            int j = buckets[b] - 1;
            while (next[j] - 1 != from) {
                j = next[j] - 1;
            }
            next[j] = to + 1;
        }
        fields[to] = fields[from];
        values[to] = values[from];
        hashes[to] = hashes[from];
        next[to] = next[from];
    }

    private void growEntries(int cap) {
        fields = Arrays.copyOf(fields, cap);
        values = Arrays.copyOf(values, cap);
        hashes = Arrays.copyOf(hashes, cap);
        next = Arrays.copyOf(next, cap);
    }

    private void rehash(int nb) {
        buckets = new int[nb];
        int mask = nb - 1;
        for (int i = 0; i < size; i++) {
            int b = hashes[i] & mask;
            next[i] = buckets[b];
            buckets[b] = i + 1;
        }
    }

    /** Visits the entries of one bucket chain. */
    public interface Visitor {
        void visit(byte[] field, byte[] value);
    }

    /** One step of Redis's dictScan: visits bucket {@code cursor & mask}, returns the next cursor (0 when done). */
    public long scan(long cursor, Visitor v) {
        long mask = buckets.length - 1;
        int i = buckets[(int) (cursor & mask)] - 1;
        while (i >= 0) {
            v.visit(fields[i], values[i]);
            i = next[i] - 1;
        }
        cursor |= ~mask;
        cursor = Long.reverse(cursor);
        cursor++;
        return Long.reverse(cursor);
    }

    public FieldTable copy() {
        FieldTable t = new FieldTable(size);
        for (int i = 0; i < size; i++) {
            t.put(fields[i].clone(), values[i].clone());
        }
        return t;
    }
}
