package io.ferrite.store.stream;

import io.ferrite.common.ShardConfined;

import java.util.Arrays;

/**
 * One node of a stream: a run of consecutive entries packed into one byte array, as Redis packs
 * them into one listpack per radix-tree node. Each entry is a flags byte (deleted, same fields as
 * the node's first entry), the ID as varints (milliseconds relative to the node's master ID, then
 * the sequence), then, unless the fields are the master's, the field count and fields, and the
 * values, each length-prefixed. Deleted entries stay in place as tombstones until the node empties,
 * as in Redis. {@link #lpBytes()} tracks the size Redis's listpack would have, so nodes split where
 * Redis's do.
 */
@ShardConfined
final class StreamNode {
    private static final int DELETED = 1;
    private static final int SAME_FIELDS = 2;

    /** The ID of the entry that opened the node: its key in Redis's radix tree. */
    final StreamId master;
    private final byte[][] masterFields;
    private byte[] buf;
    private int used;
    int live;
    int deleted;
    /** Redis listpack bytes other than the header, end byte and the live/deleted counters. */
    private long lpBody;
    /** The last entry's ID, deleted or not (lpGetEdgeStreamID). */
    StreamId last;

    StreamNode(StreamId id, byte[][] fieldsValues) {
        master = id;
        int n = fieldsValues.length / 2;
        masterFields = new byte[n][];
        lpBody = ListpackSize.ofInt(n) + ListpackSize.ofInt(0);
        for (int i = 0; i < n; i++) {
            masterFields[i] = fieldsValues[2 * i];
            lpBody += ListpackSize.ofString(masterFields[i]);
        }
        buf = new byte[64];
        append(id, fieldsValues);
    }

    private StreamNode(StreamNode o) {
        master = o.master;
        masterFields = o.masterFields;
        buf = Arrays.copyOf(o.buf, Math.max(o.used, 1));
        used = o.used;
        live = o.live;
        deleted = o.deleted;
        lpBody = o.lpBody;
        last = o.last;
    }

    StreamNode copy() {
        return new StreamNode(this);
    }

    /** Entries in the node, tombstones included (what stream-node-max-entries counts). */
    int total() {
        return live + deleted;
    }

    long lpBytes() {
        return ListpackSize.HEADER_AND_END + ListpackSize.ofInt(live) + ListpackSize.ofInt(deleted) + lpBody;
    }

    long memory() {
        return 64 + 16 + buf.length;
    }

    private boolean sameFields(byte[][] fv) {
        if (fv.length / 2 != masterFields.length) {
            return false;
        }
        for (int i = 0; i < masterFields.length; i++) {
            if (!Arrays.equals(masterFields[i], fv[2 * i])) {
                return false;
            }
        }
        return true;
    }

    /** The fields of the entry that opened the node, which later entries may share (SAMEFIELDS). */
    byte[][] masterFields() {
        return masterFields;
    }

    /** Appends an entry read back from an RDB payload, as a tombstone when it was one. */
    void appendLoaded(StreamId id, byte[][] fv, boolean tombstone) {
        int at = used;
        append(id, fv);
        if (tombstone) {
            markDeletedAt(at);
        }
    }

    /** Turns the entry starting at {@code at} into a tombstone (a node loaded whose first entry was deleted). */
    void markDeletedAt(int at) {
        if ((buf[at] & DELETED) == 0) {
            buf[at] |= DELETED;
            live--;
            deleted++;
        }
    }

    void append(StreamId id, byte[][] fv) {
        boolean same = sameFields(fv);
        int n = fv.length / 2;
        long msDelta = id.ms() - master.ms();
        int need = 1 + varSize(msDelta) + varSize(id.seq()) + (same ? 0 : varSize(n));
        for (int i = 0; i < fv.length; i++) {
            if (same && i % 2 == 0) {
                continue;
            }
            need += varSize(fv[i].length) + fv[i].length;
        }
        ensure(need);
        buf[used++] = (byte) (same ? SAME_FIELDS : 0);
        used = putVar(buf, used, msDelta);
        used = putVar(buf, used, id.seq());
        if (!same) {
            used = putVar(buf, used, n);
        }
        for (int i = 0; i < fv.length; i++) {
            if (same && i % 2 == 0) {
                continue;
            }
            used = putVar(buf, used, fv[i].length);
            System.arraycopy(fv[i], 0, buf, used, fv[i].length);
            used += fv[i].length;
        }
        live++;
        last = id;
        lpBody += entryLpBytes(id, fv, same);
    }

    /** Redis's listpack cost of an entry: flags, ms and seq deltas, [count, fields], values, lp-count. */
    private long entryLpBytes(StreamId id, byte[][] fv, boolean same) {
        int n = fv.length / 2;
        long b = ListpackSize.ofInt(same ? SAME_FIELDS : 0) + ListpackSize.ofInt(id.ms() - master.ms())
            + ListpackSize.ofInt(id.seq() - master.seq());
        if (!same) {
            b += ListpackSize.ofInt(n);
        }
        for (int i = 0; i < fv.length; i++) {
            if (!same || i % 2 == 1) {
                b += ListpackSize.ofString(fv[i]);
            }
        }
        return b + ListpackSize.ofInt(n + 3 + (same ? 0 : n + 1));
    }

    private void ensure(int extra) {
        if (used + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(used + extra, buf.length + (buf.length >> 1)));
        }
    }

    // ------------------------------------------------------------------ walking

    /** A position in the node and the entry found there. */
    final class Walker {
        int pos;
        boolean deletedFlag;
        StreamId id;
        private int next;
        private int bodyPos;
        private boolean same;

        /** Decodes the entry at {@code p}; false past the end. */
        boolean at(int p) {
            if (p >= used) {
                return false;
            }
            pos = p;
            int flags = buf[p];
            deletedFlag = (flags & DELETED) != 0;
            same = (flags & SAME_FIELDS) != 0;
            int[] cur = {p + 1};
            long ms = getVar(cur) + master.ms();
            long seq = getVar(cur);
            id = new StreamId(ms, seq);
            bodyPos = cur[0];
            int n = same ? masterFields.length : (int) getVar(cur);
            int q = cur[0];
            int items = same ? n : 2 * n;
            for (int i = 0; i < items; i++) {
                cur[0] = q;
                int len = (int) getVar(cur);
                q = cur[0] + len;
            }
            next = q;
            return true;
        }

        boolean first() {
            return at(0);
        }

        boolean advance() {
            return at(next);
        }

        /** The entry's fields and values, alternating. */
        byte[][] fieldsValues() {
            int[] cur = {bodyPos};
            int n = same ? masterFields.length : (int) getVar(cur);
            byte[][] fv = new byte[2 * n][];
            for (int i = 0; i < n; i++) {
                fv[2 * i] = same ? masterFields[i] : read(cur);
                fv[2 * i + 1] = read(cur);
            }
            return fv;
        }

        private byte[] read(int[] cur) {
            int len = (int) getVar(cur);
            byte[] b = Arrays.copyOfRange(buf, cur[0], cur[0] + len);
            cur[0] += len;
            return b;
        }

        /** Turns the current entry into a tombstone. */
        void markDeleted() {
            buf[pos] |= DELETED;
            deletedFlag = true;
            live--;
            deleted++;
        }
    }

    Walker walker() {
        return new Walker();
    }

    /** Start positions of every entry, for walking backwards. */
    int[] positions() {
        int[] out = new int[total()];
        Walker w = walker();
        int i = 0;
        for (boolean ok = w.first(); ok; ok = w.advance()) {
            out[i++] = w.pos;
        }
        return out;
    }

    // ------------------------------------------------------------------ varints

    private static int varSize(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    private static int putVar(byte[] b, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
    }

    private long getVar(int[] cur) {
        long v = 0;
        int shift = 0;
        int p = cur[0];
        while (true) {
            byte x = buf[p++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                break;
            }
            shift += 7;
        }
        cur[0] = p;
        return v;
    }
}
