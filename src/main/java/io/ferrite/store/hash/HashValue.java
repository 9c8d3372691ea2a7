package io.ferrite.store.hash;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.CollectionValue;
import io.ferrite.store.Encoding;
import io.ferrite.store.MemoryEstimate;

import java.util.Arrays;

/**
 * A hash value in one of Redis's two encodings. Small hashes are a listpack: fields and values
 * alternate in one byte array, each prefixed by its length as a varint (one byte below 128), in
 * insertion order. Large ones are a {@link FieldTable}. The switch happens at the thresholds the
 * commands apply (hash-max-listpack-entries / -value) and, as in Redis, never goes back.
 */
@ShardConfined
public final class HashValue implements CollectionValue {
    private static final int SELF = 32;

    /** Listpack encoding: packed pairs in lp[0, lpUsed); null once converted. */
    private byte[] lp;
    private int lpUsed;
    private int lpPairs;
    private FieldTable table;

    /**
     * What a value loaded with sanitize-dump-payload no was found to break, or null: Redis keeps
     * such a value and trips an assertion when a command reads it; so does {@link #corruption}.
     */
    private String corruption;

    public HashValue() {
        lp = new byte[0];
    }

    public boolean isListpack() {
        return table == null;
    }

    public Encoding encoding() {
        return table == null ? Encoding.LISTPACK : Encoding.HASHTABLE;
    }

    public int size() {
        return table == null ? lpPairs : table.size();
    }

    @Override
    public long memory() {
        return SELF + (table == null ? MemoryEstimate.bytes(lp.length) : table.memory());
    }

    @Override
    public HashValue copy() {
        HashValue h = new HashValue();
        if (table == null) {
            h.lp = Arrays.copyOf(lp, lpUsed);
            h.lpUsed = lpUsed;
            h.lpPairs = lpPairs;
        } else {
            h.lp = null;
            h.table = table.copy();
        }
        return h;
    }

    // ------------------------------------------------------------------ listpack helpers

    private static int varLen(int n) {
        if (n < 1 << 7) {
            return 1;
        }
        if (n < 1 << 14) {
            return 2;
        }
        if (n < 1 << 21) {
            return 3;
        }
        if (n < 1 << 28) {
            return 4;
        }
        return 5;
    }

    private static int lenAt(byte[] b, int p) {
        int v = 0;
        int shift = 0;
        while (true) {
            int x = b[p++];
            v |= (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }

    private static int writeElem(byte[] buf, int p, byte[] e) {
        int v = e.length;
        while (v >= 0x80) {
            buf[p++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[p++] = (byte) v;
        System.arraycopy(e, 0, buf, p, e.length);
        return p + e.length;
    }

    /** Offset of the field entry equal to {@code f}, or -1. */
    private int lpFind(byte[] f) {
        byte[] b = lp;
        int p = 0;
        while (p < lpUsed) {
            int len = lenAt(b, p);
            int d = p + varLen(len);
            if (len == f.length && Arrays.equals(b, d, d + len, f, 0, len)) {
                return p;
            }
            p = d + len;
            int vlen = lenAt(b, p);
            p += varLen(vlen) + vlen;
        }
        return -1;
    }

    private int skip(int p) {
        int len = lenAt(lp, p);
        return p + varLen(len) + len;
    }

    private byte[] elemAt(int p) {
        int len = lenAt(lp, p);
        int d = p + varLen(len);
        return Arrays.copyOfRange(lp, d, d + len);
    }

    /** Replaces lp[from, to) with {@code add} bytes of room; returns where the room starts. */
    private int splice(int from, int to, int add) {
        int removed = to - from;
        int newUsed = lpUsed - removed + add;
        if (newUsed > lp.length || newUsed < lp.length / 2) {
            int cap = newUsed > lp.length ? newUsed + Math.min(newUsed >> 3, 256) : newUsed;
            byte[] b = new byte[cap];
            System.arraycopy(lp, 0, b, 0, from);
            System.arraycopy(lp, to, b, from + add, lpUsed - to);
            lp = b;
        } else {
            System.arraycopy(lp, to, lp, from + add, lpUsed - to);
        }
        lpUsed = newUsed;
        return from;
    }

    // ------------------------------------------------------------------ operations

    public byte[] get(byte[] f) {
        if (table != null) {
            return table.get(f);
        }
        int p = lpFind(f);
        return p < 0 ? null : elemAt(skip(p));
    }

    public boolean contains(byte[] f) {
        return table != null ? table.indexOf(f) >= 0 : lpFind(f) >= 0;
    }

    /** Length of a field's value, or -1 when absent. */
    public int valueLength(byte[] f) {
        if (table != null) {
            byte[] v = table.get(f);
            return v == null ? -1 : v.length;
        }
        int p = lpFind(f);
        return p < 0 ? -1 : lenAt(lp, skip(p));
    }

    /** Sets a field (the arrays are kept as they are); true when the field is new. */
    public boolean set(byte[] f, byte[] v) {
        if (table != null) {
            return table.put(f, v);
        }
        int p = lpFind(f);
        if (p >= 0) {
            int vp = skip(p);
            int end = skip(vp);
            int at = splice(vp, end, varLen(v.length) + v.length);
            writeElem(lp, at, v);
            return false;
        }
        int at = splice(lpUsed, lpUsed, varLen(f.length) + f.length + varLen(v.length) + v.length);
        writeElem(lp, writeElem(lp, at, f), v);
        lpPairs++;
        return true;
    }

    public boolean delete(byte[] f) {
        if (table != null) {
            return table.remove(f);
        }
        int p = lpFind(f);
        if (p < 0) {
            return false;
        }
        splice(p, skip(skip(p)), 0);
        lpPairs--;
        return true;
    }

    /** Converts to the hash-table encoding (no-op if already). */
    public void convertToTable() {
        if (table != null) {
            return;
        }
        FieldTable t = new FieldTable(lpPairs);
        int p = 0;
        while (p < lpUsed) {
            byte[] f = elemAt(p);
            p = skip(p);
            byte[] v = elemAt(p);
            p = skip(p);
            t.put(f, v);
        }
        table = t;
        lp = null;
        lpUsed = 0;
        lpPairs = 0;
    }

    /** Sees a field and its value in place. */
    @FunctionalInterface
    public interface PairVisitor {
        void visit(byte[] fb, int fo, int fl, byte[] vb, int vo, int vl);
    }

    /** Visits every pair: listpack order, or the table's order. */
    public void forEach(PairVisitor v) {
        if (table != null) {
            for (int i = 0; i < table.size(); i++) {
                byte[] f = table.fields[i];
                byte[] val = table.values[i];
                v.visit(f, 0, f.length, val, 0, val.length);
            }
            return;
        }
        byte[] b = lp;
        int p = 0;
        while (p < lpUsed) {
            int fl = lenAt(b, p);
            int fo = p + varLen(fl);
            p = fo + fl;
            int vl = lenAt(b, p);
            int vo = p + varLen(vl);
            p = vo + vl;
            v.visit(b, fo, fl, b, vo, vl);
        }
    }

    /** Positions of the pairs in order: for a listpack, the offsets of each field; for a table, 0..size-1. */
    public int[] pairOffsets() {
        int n = size();
        int[] out = new int[n];
        if (table != null) {
            for (int i = 0; i < n; i++) {
                out[i] = i;
            }
            return out;
        }
        int p = 0;
        for (int i = 0; i < n; i++) {
            out[i] = p;
            p = skip(skip(p));
        }
        return out;
    }

    /** The position (as {@link #pairOffsets()} gives) of pair number {@code k} in iteration order. */
    public int posOf(int k) {
        if (table != null) {
            return k;
        }
        int p = 0;
        for (int i = 0; i < k; i++) {
            p = skip(skip(p));
        }
        return p;
    }

    /** The field of a pair, by a position from {@link #pairOffsets()}. */
    public byte[] fieldAtPos(int pos) {
        return table != null ? table.fieldAt(pos) : elemAt(pos);
    }

    public byte[] valueAtPos(int pos) {
        return table != null ? table.valueAt(pos) : elemAt(skip(pos));
    }

    /** The table, for HSCAN over the hashtable encoding; null for a listpack. */
    public FieldTable table() {
        return table;
    }

    /** Loaded without sanitize-dump-payload and found to break {@code expected}. */
    public void markCorrupt(String expected) {
        corruption = expected;
    }

    /**
     * What a load without sanitize-dump-payload found broken in it, or null: a command must not
     * read it (the command layer ends the server first, as Redis's listpack code would).
     */
    public String corruption() {
        return corruption;
    }
}
