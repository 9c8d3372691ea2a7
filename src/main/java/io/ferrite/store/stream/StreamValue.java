package io.ferrite.store.stream;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.CollectionValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * A Redis stream (t_stream.c's stream): entries in ID order, packed into {@link StreamNode}s that
 * hold at most stream-node-max-entries entries and stream-node-max-bytes listpack bytes, as Redis
 * keeps listpacks in a radix tree keyed by each node's first ID; here the nodes sit in an array
 * sorted by that ID, found by binary search (entries only ever join at the tail). Beside the
 * entries: the last ID ever generated, the largest deleted ID, the count of entries ever added and
 * the consumer groups.
 */
@ShardConfined
public final class StreamValue implements CollectionValue {
    /** Receives one entry of a range walk; returns false to stop. */
    public interface Visitor {
        boolean visit(StreamId id, byte[][] fieldsValues);
    }

    private StreamNode[] nodes = new StreamNode[2];
    private int nodeCount;
    private long nodeMemory;
    private long length;
    private StreamId lastId = StreamId.MIN;
    private StreamId maxDeletedId = StreamId.MIN;
    private long entriesAdded;
    private TreeMap<byte[], ConsumerGroup> groups;
    /**
     * What a stream loaded with sanitize-dump-payload no was found to break, or null: Redis keeps
     * such a stream and trips an assertion when a command reads it; so does {@link #corruption}.
     */
    private String corruption;

    public long length() {
        return length;
    }

    public StreamId lastId() {
        return lastId;
    }

    public void lastId(StreamId id) {
        lastId = id;
    }

    public StreamId maxDeletedId() {
        return maxDeletedId;
    }

    public void maxDeletedId(StreamId id) {
        maxDeletedId = id;
    }

    public long entriesAdded() {
        return entriesAdded;
    }

    public void entriesAdded(long n) {
        entriesAdded = n;
    }

    /** The first live entry's ID, 0-0 when empty (Redis's first_id). */
    public StreamId firstId() {
        StreamId[] out = {StreamId.MIN};
        range(StreamId.MIN, StreamId.MAX, false, (id, fv) -> {
            out[0] = id;
            return false;
        });
        return out[0];
    }

    /** The last live entry's ID, 0-0 when empty (streamLastValidID). */
    public StreamId lastValidId() {
        if (nodeCount == 0) {
            return StreamId.MIN;
        }
        StreamNode n = nodes[nodeCount - 1];
        StreamNode.Walker w = n.walker();
        int[] pos = n.positions();
        for (int i = pos.length - 1; i >= 0; i--) {
            w.at(pos[i]);
            if (!w.deletedFlag) {
                return w.id;
            }
        }
        return StreamId.MIN;
    }

    // ------------------------------------------------------------------ adding

    /** The next automatic ID (streamNextID): now, or the last ID's next sequence if the clock is behind. */
    public StreamId nextId(long now) {
        if (Long.compareUnsigned(now, lastId.ms()) > 0) {
            return new StreamId(now, 0);
        }
        // a last ID at its millisecond's final sequence rolls over to the next millisecond
        return lastId.next();
    }

    /**
     * The ID an entry given as {@code ms-*} gets: the next sequence in the last ID's millisecond, or
     * sequence 0; null when that millisecond's sequence is exhausted.
     */
    public StreamId idForMs(long ms) {
        if (ms == lastId.ms()) {
            return lastId.seq() == -1L ? null : new StreamId(ms, lastId.seq() + 1);
        }
        return new StreamId(ms, 0);
    }

    /**
     * Appends an entry with an ID already checked to be above {@link #lastId()}; a new node opens
     * when the tail node would reach {@code maxBytes} listpack bytes or holds {@code maxEntries}
     * entries (streamAppendItem; 0 means no limit).
     */
    public void append(StreamId id, byte[][] fieldsValues, long maxBytes, long maxEntries) {
        StreamNode tail = nodeCount == 0 ? null : nodes[nodeCount - 1];
        if (tail != null) {
            long limit = maxBytes == 0 || maxBytes > (1L << 30) ? 1L << 30 : maxBytes;
            long payload = 0;
            for (byte[] b : fieldsValues) {
                payload += b.length;
            }
            if (tail.lpBytes() + payload >= limit || (maxEntries != 0 && tail.total() >= maxEntries)) {
                tail = null;
            }
        }
        if (tail == null) {
            StreamNode n = new StreamNode(id, fieldsValues);
            insertNode(nodeCount, n);
            nodeMemory += n.memory();
        } else {
            long before = tail.memory();
            tail.append(id, fieldsValues);
            nodeMemory += tail.memory() - before;
        }
        length++;
        entriesAdded++;
        lastId = id;
    }

    private void insertNode(int at, StreamNode n) {
        if (nodeCount == nodes.length) {
            nodes = Arrays.copyOf(nodes, nodeCount * 2);
        }
        System.arraycopy(nodes, at, nodes, at + 1, nodeCount - at);
        nodes[at] = n;
        nodeCount++;
    }

    private void removeNodes(int from, int count) {
        for (int i = from; i < from + count; i++) {
            nodeMemory -= nodes[i].memory();
        }
        System.arraycopy(nodes, from + count, nodes, from, nodeCount - from - count);
        Arrays.fill(nodes, nodeCount - count, nodeCount, null);
        nodeCount -= count;
    }

    // ------------------------------------------------------------------ reading

    /** Index of the last node whose master ID is at most {@code id}, or -1. */
    private int floorNode(StreamId id) {
        int lo = 0;
        int hi = nodeCount - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (nodes[mid].master.compareTo(id) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Walks the live entries with {@code start <= id <= end}, forwards or backwards. */
    public void range(StreamId start, StreamId end, boolean rev, Visitor v) {
        if (start.compareTo(end) > 0) {
            return;
        }
        if (!rev) {
            for (int i = Math.max(0, floorNode(start)); i < nodeCount; i++) {
                StreamNode.Walker w = nodes[i].walker();
                for (boolean ok = w.first(); ok; ok = w.advance()) {
                    if (w.deletedFlag || w.id.compareTo(start) < 0) {
                        continue;
                    }
                    if (w.id.compareTo(end) > 0 || !v.visit(w.id, w.fieldsValues())) {
                        return;
                    }
                }
            }
            return;
        }
        for (int i = floorNode(end); i >= 0; i--) {
            StreamNode n = nodes[i];
            StreamNode.Walker w = n.walker();
            int[] pos = n.positions();
            for (int j = pos.length - 1; j >= 0; j--) {
                w.at(pos[j]);
                if (w.deletedFlag || w.id.compareTo(end) > 0) {
                    continue;
                }
                if (w.id.compareTo(start) < 0 || !v.visit(w.id, w.fieldsValues())) {
                    return;
                }
            }
        }
    }

    /** The fields and values of a live entry, or null. */
    public byte[][] get(StreamId id) {
        byte[][][] out = {null};
        range(id, id, false, (found, fv) -> {
            out[0] = fv;
            return false;
        });
        return out[0];
    }

    // ------------------------------------------------------------------ deleting and trimming

    /** Deletes a live entry, keeping the largest deleted ID; removes its node once it holds only tombstones. */
    public boolean delete(StreamId id) {
        int i = floorNode(id);
        if (i < 0) {
            return false;
        }
        StreamNode n = nodes[i];
        StreamNode.Walker w = n.walker();
        for (boolean ok = w.first(); ok; ok = w.advance()) {
            int c = w.id.compareTo(id);
            if (c > 0) {
                return false;
            }
            if (c == 0) {
                if (w.deletedFlag) {
                    return false;
                }
                w.markDeleted();
                length--;
                if (n.live == 0) {
                    removeNodes(i, 1);
                }
                if (id.compareTo(maxDeletedId) > 0) {
                    maxDeletedId = id;
                }
                return true;
            }
        }
        return false;
    }

    /**
     * Trims to at most {@code maxLen} entries (streamTrim with MAXLEN): whole nodes go from the
     * head while that keeps at least maxLen entries; approximate trimming stops there, exact
     * trimming then deletes single entries of the next node. {@code limit} (0 for none) caps the
     * entries that whole-node removal may take. Returns the entries removed.
     */
    public long trimMaxLen(long maxLen, boolean approx, long limit) {
        return trim(maxLen, null, approx, limit);
    }

    /** Trims the entries below {@code minId} (streamTrim with MINID), with the same rules. */
    public long trimMinId(StreamId minId, boolean approx, long limit) {
        return trim(0, minId, approx, limit);
    }

    private long trim(long maxLen, StreamId minId, boolean approx, long limit) {
        long removed = 0;
        int drop = 0;
        for (int i = 0; i < nodeCount; i++) {
            if (minId == null && length <= maxLen) {
                break;
            }
            StreamNode n = nodes[i];
            if (limit != 0 && removed + n.live > limit) {
                break;
            }
            boolean whole = minId == null ? length - n.live >= maxLen : n.last.compareTo(minId) < 0;
            if (whole) {
                length -= n.live;
                removed += n.live;
                drop++;
                continue;
            }
            if (approx) {
                break;
            }
            StreamNode.Walker w = n.walker();
            for (boolean ok = w.first(); ok; ok = w.advance()) {
                boolean stop = minId == null ? length <= maxLen : w.id.compareTo(minId) >= 0;
                if (stop) {
                    break;
                }
                if (!w.deletedFlag) {
                    w.markDeleted();
                    length--;
                    removed++;
                }
            }
            break;
        }
        removeNodes(0, drop);
        return removed;
    }

    // ------------------------------------------------------------------ consumer groups

    public ConsumerGroup group(byte[] name) {
        return groups == null ? null : groups.get(name);
    }

    /** Creates a group; null if one of that name exists (streamCreateCG). */
    public ConsumerGroup createGroup(byte[] name, StreamId lastDelivered, long entriesRead) {
        if (groups == null) {
            groups = new TreeMap<>(Arrays::compareUnsigned);
        }
        if (groups.containsKey(name)) {
            return null;
        }
        ConsumerGroup g = new ConsumerGroup(name, lastDelivered, entriesRead);
        groups.put(name, g);
        return g;
    }

    public boolean destroyGroup(byte[] name) {
        return groups != null && groups.remove(name) != null;
    }

    /** The groups in name order. */
    public Collection<ConsumerGroup> groups() {
        return groups == null ? List.of() : groups.values();
    }

    public int groupCount() {
        return groups == null ? 0 : groups.size();
    }

    /**
     * An ID's logical read counter, its distance from the first entry ever added, where it can be
     * known (streamEstimateDistanceFromFirstEverEntry), else {@link ConsumerGroup#INVALID_ENTRIES_READ}.
     */
    public long estimateEntriesRead(StreamId id) {
        if (entriesAdded == 0) {
            return 0;
        }
        if (length == 0 && id.compareTo(lastId) < 1) {
            return entriesAdded;
        }
        if (!id.isZero() && id.compareTo(maxDeletedId) < 0) {
            return ConsumerGroup.INVALID_ENTRIES_READ;
        }
        int cmpLast = id.compareTo(lastId);
        if (cmpLast == 0) {
            return entriesAdded;
        }
        if (cmpLast > 0) {
            return ConsumerGroup.INVALID_ENTRIES_READ;
        }
        StreamId first = firstId();
        if (maxDeletedId.isZero() || maxDeletedId.compareTo(first) < 0) {
            int c = id.compareTo(first);
            if (c < 0) {
                return entriesAdded - length;
            }
            if (c == 0) {
                return entriesAdded - length + 1;
            }
        }
        return ConsumerGroup.INVALID_ENTRIES_READ;
    }

    /** Whether a deleted entry may lie in [start, end] (streamRangeHasTombstones; null end is unbounded). */
    public boolean rangeHasTombstones(StreamId start, StreamId end) {
        if (length == 0 || maxDeletedId.isZero()) {
            return false;
        }
        if (firstId().compareTo(maxDeletedId) > 0) {
            return false;
        }
        StreamId e = end == null ? StreamId.MAX : end;
        return start.compareTo(maxDeletedId) <= 0 && maxDeletedId.compareTo(e) <= 0;
    }

    /** The group's lag (XINFO GROUPS), or null when it cannot be known (streamReplyWithCGLag). */
    public Long lag(ConsumerGroup g) {
        if (entriesAdded == 0) {
            return 0L;
        }
        if (g.entriesRead() != ConsumerGroup.INVALID_ENTRIES_READ && !rangeHasTombstones(g.lastId(), null)) {
            return entriesAdded - g.entriesRead();
        }
        long read = estimateEntriesRead(g.lastId());
        return read == ConsumerGroup.INVALID_ENTRIES_READ ? null : entriesAdded - read;
    }

    /**
     * Counts a delivery of {@code id} to the group's read counter and moves its last ID
     * (streamReplyWithRange, for IDs above the group's last ID).
     */
    public void advanceGroup(ConsumerGroup g, StreamId id) {
        if (id.compareTo(g.lastId()) <= 0) {
            return;
        }
        if (g.entriesRead() != ConsumerGroup.INVALID_ENTRIES_READ && !rangeHasTombstones(id, null)) {
            g.entriesRead(g.entriesRead() + 1);
        } else if (entriesAdded != 0) {
            g.entriesRead(estimateEntriesRead(id));
        }
        g.lastId(id);
    }

    // ------------------------------------------------------------------ persistence

    /** An entry as its node holds it, tombstones included: what an RDB stream node lists. */
    public record NodeEntry(StreamId id, boolean deleted, byte[][] fieldsValues) {
    }

    /** Receives one node: its master ID and fields, and every entry in it in order. */
    public interface NodeVisitor {
        void visit(StreamId master, byte[][] masterFields, int live, int deleted, List<NodeEntry> entries);
    }

    /** Walks the nodes in ID order, as Redis's radix tree holds its listpacks (for RDB and DUMP). */
    public void forEachNode(NodeVisitor v) {
        for (int i = 0; i < nodeCount; i++) {
            StreamNode n = nodes[i];
            List<NodeEntry> entries = new ArrayList<>(n.total());
            StreamNode.Walker w = n.walker();
            for (boolean ok = w.first(); ok; ok = w.advance()) {
                entries.add(new NodeEntry(w.id, w.deletedFlag, w.fieldsValues()));
            }
            v.visit(n.master, n.masterFields(), n.live, n.deleted, entries);
        }
    }

    /**
     * Appends an entry read from an RDB payload: into a new node when {@code opensNode} (the
     * payload's node boundaries are kept), else into the last node; tombstones stay tombstones.
     * The caller sets the last ID, entries-added counter and largest deleted ID afterwards.
     */
    public void loadEntry(StreamId id, byte[][] fieldsValues, boolean tombstone, boolean opensNode) {
        StreamNode n;
        if (opensNode || nodeCount == 0) {
            n = new StreamNode(id, fieldsValues);
            insertNode(nodeCount, n);
            if (tombstone) {
                n.markDeletedAt(0);
            }
            nodeMemory += n.memory();
        } else {
            n = nodes[nodeCount - 1];
            long before = n.memory();
            n.appendLoaded(id, fieldsValues, tombstone);
            nodeMemory += n.memory() - before;
        }
        if (!tombstone) {
            length++;
        }
    }

    // ------------------------------------------------------------------ introspection

    /** Nodes in the stream (XINFO STREAM radix-tree-keys). */
    public int nodeCount() {
        return nodeCount;
    }

    /**
     * The node count of the radix tree Redis would hold for these nodes' keys (XINFO STREAM
     * radix-tree-nodes): keys are the 16-byte big-endian master IDs; a run shared by all keys below a
     * point is one compressed node, a fork one node with a child per distinct byte, each key ends in
     * a leaf, and an empty tree is its root alone.
     */
    public long radixTreeNodes() {
        if (nodeCount == 0) {
            return 1;
        }
        byte[][] keys = new byte[nodeCount][];
        for (int i = 0; i < nodeCount; i++) {
            keys[i] = raxKey(nodes[i].master);
        }
        return raxNodes(keys, 0, nodeCount, 0);
    }

    private static byte[] raxKey(StreamId id) {
        byte[] k = new byte[16];
        for (int i = 0; i < 8; i++) {
            k[i] = (byte) (id.ms() >>> (56 - 8 * i));
            k[8 + i] = (byte) (id.seq() >>> (56 - 8 * i));
        }
        return k;
    }

    private static long raxNodes(byte[][] keys, int lo, int hi, int depth) {
        if (depth == 16) {
            return 1;
        }
        int common = 0;
        while (depth + common < 16 && keys[lo][depth + common] == keys[hi - 1][depth + common]) {
            common++;
        }
        if (common > 0) {
            return 1 + raxNodes(keys, lo, hi, depth + common);
        }
        long n = 1;
        int i = lo;
        while (i < hi) {
            int j = i + 1;
            while (j < hi && keys[j][depth] == keys[i][depth]) {
                j++;
            }
            n += raxNodes(keys, i, j, depth + 1);
            i = j;
        }
        return n;
    }

    @Override
    public long memory() {
        long m = 96 + 16 + 8L * nodes.length + nodeMemory;
        if (groups != null) {
            m += 48;
            for (ConsumerGroup g : groups.values()) {
                m += g.memory();
            }
        }
        return m;
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

    @Override
    public StreamValue copy() {
        StreamValue s = new StreamValue();
        s.nodes = new StreamNode[Math.max(2, nodeCount)];
        for (int i = 0; i < nodeCount; i++) {
            s.nodes[i] = nodes[i].copy();
            s.nodeMemory += s.nodes[i].memory();
        }
        s.nodeCount = nodeCount;
        s.length = length;
        s.lastId = lastId;
        s.maxDeletedId = maxDeletedId;
        s.entriesAdded = entriesAdded;
        if (groups != null) {
            s.groups = new TreeMap<>(Arrays::compareUnsigned);
            for (ConsumerGroup g : groups.values()) {
                s.groups.put(g.name, g.copy());
            }
        }
        return s;
    }
}
