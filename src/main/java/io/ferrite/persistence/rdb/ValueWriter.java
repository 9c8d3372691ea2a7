package io.ferrite.persistence.rdb;

import io.ferrite.store.ValueType;
import io.ferrite.store.hash.HashValue;
import io.ferrite.store.list.ListValue;
import io.ferrite.store.set.IntSet;
import io.ferrite.store.set.SetValue;
import io.ferrite.store.stream.StreamValue;
import io.ferrite.store.zset.ScoreText;
import io.ferrite.store.zset.ZSetValue;

/**
 * Writes a value as Redis 7.0's rdbSaveObjectType and rdbSaveObject do: strings; lists as
 * quicklist 2 (listpack nodes, plain nodes for large elements); sets as an intset or a plain set;
 * hashes and sorted sets as a listpack or as pairs (sorted sets with binary doubles, from the
 * highest score down as Redis walks its skiplist); streams as STREAM_LISTPACKS_2.
 */
public final class ValueWriter {
    /** Quicklist's SIZE_SAFETY_LIMIT and the byte limits of fill -1 to -5 (quicklist.c). */
    private static final int SIZE_SAFETY_LIMIT = 8192;
    private static final int[] OPTIMIZATION_LEVEL = {4096, 8192, 16384, 32768, 65536};
    /** quicklist's SIZE_ESTIMATE_OVERHEAD: what it assumes an element's header costs. */
    private static final int SIZE_ESTIMATE_OVERHEAD = 8;

    private ValueWriter() {
    }

    /** The type byte then the value (DUMP's payload). */
    public static void write(RdbOutput out, ValueType type, Object value, Limits limits) {
        write(out, type, value, limits, null);
    }

    /**
     * The type byte, then {@code key} when given (an RDB file's key record), then the value,
     * written straight into {@code out}: nothing of the value's size is built aside, so an output
     * that spills as it fills (a snapshot's) holds a huge value a piece at a time.
     */
    public static void write(RdbOutput out, ValueType type, Object value, Limits limits, byte[] key) {
        switch (type) {
            case STRING -> {
                head(out, RdbType.STRING, key);
                out.writeString((byte[]) value);
            }
            case LIST -> writeList(out, (ListValue) value, limits.listFill(), key);
            case SET -> writeSet(out, (SetValue) value, key);
            case HASH -> writeHash(out, (HashValue) value, key);
            case ZSET -> writeZSet(out, (ZSetValue) value, key);
            case STREAM -> StreamCodec.write(out, (StreamValue) value, key);
        }
    }

    /** The type byte, and the key of a file's record. */
    static void head(RdbOutput out, int type, byte[] key) {
        out.writeByte(type);
        if (key != null) {
            out.writeString(key);
        }
    }

    /**
     * A list as the quicklist Redis would hold after pushing its elements at the tail one by one
     * (_quicklistNodeAllowInsert decides where a node ends), so a list built by RPUSH dumps to the
     * bytes Redis dumps. Ferrite's own nodes are sized by its element format, not Redis's
     * listpack, so they are regrouped here rather than written as they are.
     */
    private static void writeList(RdbOutput out, ListValue list, int fill, byte[] key) {
        int clamped = Math.max(-5, Math.min(fill, (1 << 15) - 1));
        // the node count comes first: one pass counts the nodes, a second writes them
        int nodes = listNodes(list, clamped, null);
        head(out, RdbType.LIST_QUICKLIST_2, key);
        out.writeLen(nodes);
        listNodes(list, clamped, out);
    }

    /** Groups the elements into nodes, writing them to {@code out} unless it is null; returns how many. */
    private static int listNodes(ListValue list, int fill, RdbOutput out) {
        int[] count = {0};
        Listpack.Builder[] cur = {null};
        list.range(0, list.size(), false, (buf, off, len) -> {
            if (ListValue.isLarge(len)) {
                flush(out, cur, count);
                if (out != null) {
                    out.writeLen(RdbType.NODE_PLAIN);
                    out.writeString(buf, off, len);
                }
                count[0]++;
                return;
            }
            byte[] e = new byte[len];
            System.arraycopy(buf, off, e, 0, len);
            if (cur[0] != null && !allowInsert(cur[0], fill, len)) {
                flush(out, cur, count);
            }
            if (cur[0] == null) {
                cur[0] = new Listpack.Builder();
            }
            cur[0].add(e);
        });
        flush(out, cur, count);
        return count[0];
    }

    private static boolean allowInsert(Listpack.Builder node, int fill, int len) {
        long newSize = (long) node.bytes() + len + SIZE_ESTIMATE_OVERHEAD;
        if (fill < 0) {
            if (newSize <= OPTIMIZATION_LEVEL[-fill - 1]) {
                return true;
            }
        }
        if (newSize > SIZE_SAFETY_LIMIT) {
            return false;
        }
        return node.count() < fill;
    }

    private static void flush(RdbOutput nodes, Listpack.Builder[] cur, int[] count) {
        if (cur[0] != null) {
            if (nodes != null) {
                nodes.writeLen(RdbType.NODE_PACKED);
                nodes.writeString(cur[0].build());
            }
            cur[0] = null;
            count[0]++;
        }
    }

    private static void writeSet(RdbOutput out, SetValue set, byte[] key) {
        IntSet ints = set.intSet();
        if (ints != null) {
            // intset.c's layout: encoding (bytes per element) and length as 32-bit little-endian, then the elements
            int width = ints.width();
            RdbOutput blob = new RdbOutput(8 + ints.size() * width);
            blob.writeLittleEndian(width, 4);
            blob.writeLittleEndian(ints.size(), 4);
            for (int i = 0; i < ints.size(); i++) {
                blob.writeLittleEndian(ints.get(i), width);
            }
            head(out, RdbType.SET_INTSET, key);
            out.writeString(blob.array(), 0, blob.length());
            return;
        }
        head(out, RdbType.SET, key);
        out.writeLen(set.size());
        set.forEach(out::writeString);
    }

    private static void writeHash(RdbOutput out, HashValue hash, byte[] key) {
        if (hash.isListpack()) {
            Listpack.Builder lp = new Listpack.Builder();
            hash.forEach((fb, fo, fl, vb, vo, vl) -> {
                lp.add(slice(fb, fo, fl));
                lp.add(slice(vb, vo, vl));
            });
            head(out, RdbType.HASH_LISTPACK, key);
            out.writeString(lp.build());
            return;
        }
        head(out, RdbType.HASH, key);
        out.writeLen(hash.size());
        hash.forEach((fb, fo, fl, vb, vo, vl) -> {
            out.writeString(fb, fo, fl);
            out.writeString(vb, vo, vl);
        });
    }

    private static void writeZSet(RdbOutput out, ZSetValue z, byte[] key) {
        if (z.isListpack()) {
            Listpack.Builder lp = new Listpack.Builder();
            z.forEach((m, score) -> {
                lp.add(m);
                lp.add(ScoreText.d2string(score));
            });
            head(out, RdbType.ZSET_LISTPACK, key);
            out.writeString(lp.build());
            return;
        }
        head(out, RdbType.ZSET_2, key);
        out.writeLen(z.size());
        z.range(0, z.size() - 1, true, (m, score) -> {
            out.writeString(m);
            out.writeBinaryDouble(score);
        });
    }

    private static byte[] slice(byte[] b, int off, int len) {
        byte[] s = new byte[len];
        System.arraycopy(b, off, s, 0, len);
        return s;
    }
}
