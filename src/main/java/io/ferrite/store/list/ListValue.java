package io.ferrite.store.list;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.CollectionValue;
import io.ferrite.store.MemoryEstimate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A list value, laid out as Redis's quicklist: a sequence of nodes, each a packed byte array of
 * elements ({@link Packed}), sized by {@code list-max-listpack-size} (negative: a byte limit of
 * 4/8/16/32/64 KB per node; positive: a number of elements per node, within an 8 KB safety limit).
 * Each node keeps spare room at the end it grows from, so pushes at either end are amortised O(1);
 * a node that fills up is trimmed to its exact size.
 * <p>
 * Every method taking a {@code fill} is given the current {@code list-max-listpack-size}.
 * <p>
 * An element of at least {@link #setPackedThreshold packed-threshold} bytes gets a node of its own
 * that nothing is ever packed beside, Redis's "plain" node: a huge element is then pushed, replaced
 * or popped without copying its neighbours.
 */
@ShardConfined
public final class ListValue implements CollectionValue {
    /** Object header, the buffer reference and three ints of a node. */
    private static final int NODE_OVERHEAD = 32;
    /** The ListValue object itself. */
    private static final int SELF = 40;
    /** Redis's SIZE_SAFETY_LIMIT for count-limited nodes. */
    private static final int SAFETY_LIMIT = 8192;
    private static final int[] SIZE_LIMITS = {4096, 8192, 16384, 32768, 65536};
    /** Redis's default packed_threshold: 1 GB. */
    private static final long DEFAULT_PACKED_THRESHOLD = 1L << 30;
    /** Redis refuses thresholds at or slightly below 4 GB (quicklistisSetPackedThreshold). */
    private static final long MAX_PACKED_THRESHOLD = (1L << 32) - (1 << 20);

    /**
     * Elements this long or longer go to plain nodes. One process-wide debugging knob, as in Redis;
     * volatile because DEBUG may set it from any shard's thread.
     */
    private static volatile long packedThreshold = DEFAULT_PACKED_THRESHOLD;

    static final class Node {
        byte[] buf;
        int start;
        int end;
        int count;
        /** Holds one large element and takes no other (Redis's QUICKLIST_NODE_CONTAINER_PLAIN). */
        boolean plain;

        Node(byte[] buf, int start, int end, int count) {
            this.buf = buf;
            this.start = start;
            this.end = end;
            this.count = count;
        }

        /** A node holding only {@code v}, plain when {@code v} is large. */
        static Node single(byte[] v) {
            byte[] b = new byte[Packed.encodedSize(v.length)];
            Node n = new Node(b, 0, Packed.write(b, 0, v, 0, v.length), 1);
            n.plain = isLarge(v.length);
            return n;
        }

        int used() {
            return end - start;
        }
    }

    /** Sees an element in place: {@code len} bytes of {@code buf} from {@code off}. */
    @FunctionalInterface
    public interface ElementVisitor {
        void visit(byte[] buf, int off, int len);
    }

    private Node[] nodes = new Node[1];
    private int nodeCount;
    private long size;
    /** Sum over nodes of node overhead plus buffer footprint. */
    private long nodeBytes;

    /**
     * What a value loaded with sanitize-dump-payload no was found to break, or null: Redis keeps
     * such a value and trips an assertion when a command reads it; so does {@link #corruption}.
     */
    private String corruption;

    public ListValue() {
    }

    /**
     * DEBUG QUICKLIST-PACKED-THRESHOLD: elements of at least {@code bytes} bytes get plain nodes
     * from now on (0 restores the 1 GB default). False, and nothing changed, for a threshold
     * Redis refuses (above 4 GB less 1 MB).
     */
    public static boolean setPackedThreshold(long bytes) {
        if (bytes < 0 || bytes > MAX_PACKED_THRESHOLD) {
            return false;
        }
        packedThreshold = bytes == 0 ? DEFAULT_PACKED_THRESHOLD : bytes;
        return true;
    }

    /** Whether an element of {@code len} bytes gets a plain node of its own (isLargeElement). */
    public static boolean isLarge(long len) {
        return len >= packedThreshold;
    }

    public long size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Number of quicklist nodes (for tests and DEBUG-style introspection). */
    public int nodeCount() {
        return nodeCount;
    }

    /** Number of plain nodes (for tests). */
    int plainNodes() {
        int n = 0;
        for (int i = 0; i < nodeCount; i++) {
            n += nodes[i].plain ? 1 : 0;
        }
        return n;
    }

    @Override
    public long memory() {
        return SELF + MemoryEstimate.bytes(nodes.length * 4) + nodeBytes;
    }

    @Override
    public ListValue copy() {
        ListValue c = new ListValue();
        c.nodes = new Node[Math.max(1, nodeCount)];
        for (int i = 0; i < nodeCount; i++) {
            Node n = nodes[i];
            Node m = new Node(Arrays.copyOfRange(n.buf, n.start, n.end), 0, n.used(), n.count);
            m.plain = n.plain;
            c.nodes[i] = m;
            c.nodeBytes += NODE_OVERHEAD + MemoryEstimate.bytes(m.buf.length);
        }
        c.nodeCount = nodeCount;
        c.size = size;
        return c;
    }

    // ------------------------------------------------------------------ fill rules

    private static int byteLimit(int fill) {
        if (fill >= 0) {
            return SAFETY_LIMIT;
        }
        return SIZE_LIMITS[fill < -5 ? 4 : -fill - 1];
    }

    /** Whether a node of {@code count} elements and {@code bytes} packed bytes respects the fill. */
    static boolean fits(long count, long bytes, int fill) {
        if (count <= 1) {
            return true;
        }
        if (fill < 0) {
            return bytes <= byteLimit(fill);
        }
        return bytes <= SAFETY_LIMIT && count <= fill;
    }

    /** Whether {@code v} may join node {@code n} (Redis's _quicklistNodeAllowInsert). */
    private static boolean canTake(Node n, byte[] v, int need, int fill) {
        return !n.plain && !isLarge(v.length) && fits(n.count + 1L, (long) n.used() + need, fill);
    }

    // ------------------------------------------------------------------ node bookkeeping

    private void setBuf(Node n, byte[] b) {
        nodeBytes += MemoryEstimate.bytes(b.length) - MemoryEstimate.bytes(n.buf.length);
        n.buf = b;
    }

    private void insertNode(int at, Node n) {
        if (nodeCount == nodes.length) {
            nodes = Arrays.copyOf(nodes, Math.max(4, nodeCount + (nodeCount >> 1)));
        }
        System.arraycopy(nodes, at, nodes, at + 1, nodeCount - at);
        nodes[at] = n;
        nodeCount++;
        nodeBytes += NODE_OVERHEAD + MemoryEstimate.bytes(n.buf.length);
    }

    private void removeNode(int at) {
        Node n = nodes[at];
        nodeBytes -= NODE_OVERHEAD + MemoryEstimate.bytes(n.buf.length);
        System.arraycopy(nodes, at + 1, nodes, at, nodeCount - at - 1);
        nodes[--nodeCount] = null;
        if (nodes.length > 8 && nodeCount < nodes.length / 4) {
            nodes = Arrays.copyOf(nodes, Math.max(4, nodeCount * 2));
        }
    }

    /** Drops spare room: used when a node is full or has shrunk a lot. */
    private void trimNode(Node n) {
        if (n.buf.length != n.used()) {
            setBuf(n, Arrays.copyOfRange(n.buf, n.start, n.end));
            n.end = n.used();
            n.start = 0;
        }
    }

    private void maybeShrink(Node n) {
        if (n.buf.length > 64 && n.used() < n.buf.length / 2) {
            trimNode(n);
        }
    }

    private void ensureTail(Node n, int need, int fill) {
        if (n.buf.length - n.end >= need) {
            return;
        }
        int used = n.used();
        int extra = Math.max(0, Math.min(used / 2, byteLimit(fill) - used - need));
        byte[] b = new byte[used + need + extra];
        System.arraycopy(n.buf, n.start, b, 0, used);
        setBuf(n, b);
        n.start = 0;
        n.end = used;
    }

    private void ensureHead(Node n, int need, int fill) {
        if (n.start >= need) {
            return;
        }
        int used = n.used();
        int extra = Math.max(0, Math.min(used / 2, byteLimit(fill) - used - need));
        byte[] b = new byte[used + need + extra];
        int ns = need + extra;
        System.arraycopy(n.buf, n.start, b, ns, used);
        setBuf(n, b);
        n.start = ns;
        n.end = ns + used;
    }

    // ------------------------------------------------------------------ ends

    public void pushTail(byte[] v, int fill) {
        int need = Packed.encodedSize(v.length);
        Node t = nodeCount == 0 ? null : nodes[nodeCount - 1];
        if (t == null || !canTake(t, v, need, fill)) {
            if (t != null) {
                trimNode(t);
            }
            t = new Node(new byte[need], 0, 0, 0);
            t.plain = isLarge(v.length);
            insertNode(nodeCount, t);
        } else {
            ensureTail(t, need, fill);
        }
        t.end = Packed.write(t.buf, t.end, v, 0, v.length);
        t.count++;
        size++;
    }

    public void pushHead(byte[] v, int fill) {
        int need = Packed.encodedSize(v.length);
        Node h = nodeCount == 0 ? null : nodes[0];
        if (h == null || !canTake(h, v, need, fill)) {
            if (h != null) {
                trimNode(h);
            }
            h = new Node(new byte[need], need, need, 0);
            h.plain = isLarge(v.length);
            insertNode(0, h);
        } else {
            ensureHead(h, need, fill);
        }
        Packed.write(h.buf, h.start - need, v, 0, v.length);
        h.start -= need;
        h.count++;
        size++;
    }

    public void push(byte[] v, boolean head, int fill) {
        if (head) {
            pushHead(v, fill);
        } else {
            pushTail(v, fill);
        }
    }

    /** Removes and returns the first element; null when empty. */
    public byte[] popHead() {
        if (size == 0) {
            return null;
        }
        Node h = nodes[0];
        int len = Packed.lenAt(h.buf, h.start);
        int d = Packed.dataAt(h.start, len);
        byte[] out = Arrays.copyOfRange(h.buf, d, d + len);
        h.start += Packed.encodedSize(len);
        h.count--;
        size--;
        if (h.count == 0) {
            removeNode(0);
        } else {
            maybeShrink(h);
        }
        return out;
    }

    /** Removes and returns the last element; null when empty. */
    public byte[] popTail() {
        if (size == 0) {
            return null;
        }
        Node t = nodes[nodeCount - 1];
        int len = Packed.lenBefore(t.buf, t.end);
        int d = t.end - Packed.varLen(len) - len;
        byte[] out = Arrays.copyOfRange(t.buf, d, d + len);
        t.end -= Packed.encodedSize(len);
        t.count--;
        size--;
        if (t.count == 0) {
            removeNode(nodeCount - 1);
        } else {
            maybeShrink(t);
        }
        return out;
    }

    public byte[] pop(boolean head) {
        return head ? popHead() : popTail();
    }

    /** Removes {@code k} elements from the head (k <= size). */
    public void removeHead(long k) {
        while (k > 0) {
            Node h = nodes[0];
            if (h.count <= k) {
                k -= h.count;
                size -= h.count;
                removeNode(0);
            } else {
                int p = h.start;
                for (long i = 0; i < k; i++) {
                    p += Packed.encodedSize(Packed.lenAt(h.buf, p));
                }
                h.start = p;
                h.count -= (int) k;
                size -= k;
                k = 0;
                maybeShrink(h);
            }
        }
    }

    /** Removes {@code k} elements from the tail (k <= size). */
    public void removeTail(long k) {
        while (k > 0) {
            Node t = nodes[nodeCount - 1];
            if (t.count <= k) {
                k -= t.count;
                size -= t.count;
                removeNode(nodeCount - 1);
            } else {
                int q = t.end;
                for (long i = 0; i < k; i++) {
                    q -= Packed.encodedSize(Packed.lenBefore(t.buf, q));
                }
                t.end = q;
                t.count -= (int) k;
                size -= k;
                k = 0;
                maybeShrink(t);
            }
        }
    }

    // ------------------------------------------------------------------ positions and iteration

    /**
     * A position on one element, movable in both directions; {@link #valid()} turns false past
     * either end. Any change to the list invalidates it.
     */
    public final class Iter {
        int node;
        int off;
        int len;
        long index;

        private Iter(int node, int off, long index) {
            this.node = node;
            this.off = off;
            this.index = index;
            if (node >= 0 && node < nodeCount) {
                len = Packed.lenAt(nodes[node].buf, off);
            }
        }

        public boolean valid() {
            return node >= 0 && node < nodeCount;
        }

        public byte[] buf() {
            return nodes[node].buf;
        }

        public int dataOff() {
            return Packed.dataAt(off, len);
        }

        public int len() {
            return len;
        }

        /** The element's index in the list. */
        public long index() {
            return index;
        }

        public byte[] value() {
            int d = dataOff();
            return Arrays.copyOfRange(buf(), d, d + len);
        }

        public boolean equalsTo(byte[] e) {
            int d = dataOff();
            return len == e.length && Arrays.equals(buf(), d, d + len, e, 0, len);
        }

        public void next() {
            Node n = nodes[node];
            off += Packed.encodedSize(len);
            index++;
            if (off >= n.end) {
                node++;
                if (node >= nodeCount) {
                    return;
                }
                off = nodes[node].start;
            }
            len = Packed.lenAt(nodes[node].buf, off);
        }

        public void prev() {
            Node n = nodes[node];
            index--;
            if (off <= n.start) {
                node--;
                if (node < 0) {
                    return;
                }
                n = nodes[node];
                off = n.end;
            }
            len = Packed.lenBefore(n.buf, off);
            off -= Packed.encodedSize(len);
        }

        public void move(boolean forward) {
            if (forward) {
                next();
            } else {
                prev();
            }
        }
    }

    /** A position on element {@code index} (0 <= index < size). */
    public Iter at(long index) {
        if (index < 0 || index >= size) {
            return new Iter(-1, 0, index);
        }
        int i;
        long rem;
        if (index < size / 2) {
            i = 0;
            rem = index;
            while (rem >= nodes[i].count) {
                rem -= nodes[i].count;
                i++;
            }
        } else {
            i = nodeCount - 1;
            long fromEnd = size - 1 - index;
            while (fromEnd >= nodes[i].count) {
                fromEnd -= nodes[i].count;
                i--;
            }
            rem = nodes[i].count - 1 - fromEnd;
        }
        Node n = nodes[i];
        int k = (int) rem;
        int off;
        if (k <= n.count / 2) {
            off = n.start;
            for (int j = 0; j < k; j++) {
                off += Packed.encodedSize(Packed.lenAt(n.buf, off));
            }
        } else {
            off = n.end;
            for (int j = n.count; j > k; j--) {
                off -= Packed.encodedSize(Packed.lenBefore(n.buf, off));
            }
        }
        return new Iter(i, off, index);
    }

    public Iter first() {
        return at(0);
    }

    public Iter last() {
        return at(size - 1);
    }

    /** Element {@code index} (0-based, must be in range), copied. */
    public byte[] get(long index) {
        return at(index).value();
    }

    /** Visits {@code count} elements from {@code start} towards the tail (or the head when {@code reverse}). */
    public void range(long start, long count, boolean reverse, ElementVisitor v) {
        if (count <= 0) {
            return;
        }
        Iter it = at(start);
        for (long i = 0; i < count && it.valid(); i++) {
            v.visit(it.buf(), it.dataOff(), it.len());
            it.move(!reverse);
        }
    }

    public List<byte[]> toList() {
        List<byte[]> out = new ArrayList<>();
        range(0, size, false, (b, o, l) -> out.add(Arrays.copyOfRange(b, o, o + l)));
        return out;
    }

    // ------------------------------------------------------------------ changes in the middle

    /** Replaces the element {@code it} points at. */
    public void set(Iter it, byte[] v, int fill) {
        Node n = nodes[it.node];
        if (n.count == 1 && (n.plain || isLarge(v.length))) {
            // the element has its node to itself: the node becomes plain or packed with it
            Node m = Node.single(v);
            removeNode(it.node);
            insertNode(it.node, m);
            if (!m.plain) {
                mergeAround(it.node, fill);
            }
            return;
        }
        if (isLarge(v.length)) {
            // a large element leaves the packed node: split it around the element
            int at = splitAt(it.node, it.off);
            Node rest = nodes[at];
            removeFirst(rest);
            if (rest.count == 0) {
                removeNode(at);
            }
            insertNode(at, Node.single(v));
            return;
        }
        int oldSize = Packed.encodedSize(it.len);
        int newSize = Packed.encodedSize(v.length);
        byte[] b = new byte[n.used() - oldSize + newSize];
        int before = it.off - n.start;
        System.arraycopy(n.buf, n.start, b, 0, before);
        int p = Packed.write(b, before, v, 0, v.length);
        System.arraycopy(n.buf, it.off + oldSize, b, p, n.end - it.off - oldSize);
        setBuf(n, b);
        n.start = 0;
        n.end = b.length;
        splitIfNeeded(it.node, fill);
    }

    /** Inserts {@code v} before ({@code after} false) or after the element {@code it} points at. */
    public void insert(Iter it, boolean after, byte[] v, int fill) {
        Node n = nodes[it.node];
        int at = after ? it.off + Packed.encodedSize(it.len) : it.off;
        if (n.plain || isLarge(v.length)) {
            // a plain node takes no neighbour, and a large element joins no packed node: the new
            // element gets a node of its own where it goes, splitting a packed node if needed
            int ni = splitAt(it.node, at);
            insertNode(ni, Node.single(v));
            size++;
            if (!isLarge(v.length)) {
                mergeAround(ni, fill);
            }
            return;
        }
        int add = Packed.encodedSize(v.length);
        byte[] b = new byte[n.used() + add];
        int before = at - n.start;
        System.arraycopy(n.buf, n.start, b, 0, before);
        int p = Packed.write(b, before, v, 0, v.length);
        System.arraycopy(n.buf, at, b, p, n.end - at);
        setBuf(n, b);
        n.start = 0;
        n.end = b.length;
        n.count++;
        size++;
        splitIfNeeded(it.node, fill);
    }

    /**
     * Splits node {@code ni} at byte offset {@code off} (an element boundary) and returns the index
     * a node inserted at {@code off} takes: an offset at either end of the node splits nothing.
     */
    private int splitAt(int ni, int off) {
        Node n = nodes[ni];
        if (off <= n.start) {
            return ni;
        }
        if (off >= n.end) {
            return ni + 1;
        }
        int k = 0;
        for (int p = n.start; p < off; p += Packed.encodedSize(Packed.lenAt(n.buf, p))) {
            k++;
        }
        Node tail = new Node(Arrays.copyOfRange(n.buf, off, n.end), 0, n.end - off, n.count - k);
        n.end = off;
        n.count = k;
        trimNode(n);
        insertNode(ni + 1, tail);
        return ni + 1;
    }

    /** Drops the first element of node {@code n}, which stays in place even when emptied. */
    private void removeFirst(Node n) {
        n.start += Packed.encodedSize(Packed.lenAt(n.buf, n.start));
        n.count--;
        trimNode(n);
    }

    /** Joins node {@code i} with its neighbours where their elements fit one packed node. */
    private void mergeAround(int i, int fill) {
        if (i + 1 < nodeCount) {
            mergePair(i, fill);
        }
        if (i > 0) {
            mergePair(i - 1, fill);
        }
    }

    /** Joins nodes {@code i} and {@code i + 1} if neither is plain and together they respect the fill. */
    private boolean mergePair(int i, int fill) {
        Node a = nodes[i];
        Node b = nodes[i + 1];
        if (a.plain || b.plain || !fits((long) a.count + b.count, (long) a.used() + b.used(), fill)) {
            return false;
        }
        byte[] m = new byte[a.used() + b.used()];
        System.arraycopy(a.buf, a.start, m, 0, a.used());
        System.arraycopy(b.buf, b.start, m, a.used(), b.used());
        setBuf(a, m);
        a.start = 0;
        a.end = m.length;
        a.count += b.count;
        removeNode(i + 1);
        return true;
    }

    /** Splits node {@code ni} into nodes that respect the fill, if it no longer does. */
    private void splitIfNeeded(int ni, int fill) {
        Node n = nodes[ni];
        if (fits(n.count, n.used(), fill)) {
            return;
        }
        List<Node> pieces = new ArrayList<>();
        int pieceStart = n.start;
        int pieceCount = 0;
        int p = n.start;
        while (p < n.end) {
            int sz = Packed.encodedSize(Packed.lenAt(n.buf, p));
            if (pieceCount > 0 && !fits(pieceCount + 1L, (long) p - pieceStart + sz, fill)) {
                pieces.add(new Node(Arrays.copyOfRange(n.buf, pieceStart, p), 0, p - pieceStart, pieceCount));
                pieceStart = p;
                pieceCount = 0;
            }
            pieceCount++;
            p += sz;
        }
        pieces.add(new Node(Arrays.copyOfRange(n.buf, pieceStart, p), 0, p - pieceStart, pieceCount));
        removeNode(ni);
        for (int i = 0; i < pieces.size(); i++) {
            insertNode(ni + i, pieces.get(i));
        }
    }

    /**
     * LREM: removes up to {@code limit} elements equal to {@code e} (all when 0), from the head,
     * or from the tail when {@code fromTail}. Returns how many were removed.
     */
    public long removeMatching(byte[] e, long limit, boolean fromTail, int fill) {
        long remaining = limit == 0 ? Long.MAX_VALUE : limit;
        long removed = 0;
        int[] matches = new int[8];
        int ni = fromTail ? nodeCount - 1 : 0;
        for (; remaining > 0 && ni >= 0 && ni < nodeCount; ni += fromTail ? -1 : 1) {
            Node n = nodes[ni];
            int m = 0;
            int p = n.start;
            while (p < n.end) {
                int len = Packed.lenAt(n.buf, p);
                int d = Packed.dataAt(p, len);
                if (len == e.length && Arrays.equals(n.buf, d, d + len, e, 0, len)) {
                    if (m == matches.length) {
                        matches = Arrays.copyOf(matches, m * 2);
                    }
                    matches[m++] = p;
                }
                p = d + len + Packed.varLen(len);
            }
            if (m == 0) {
                continue;
            }
            int take = (int) Math.min(m, remaining);
            int from = fromTail ? m - take : 0;
            int to = from + take;
            // rebuild the node without matches[from, to)
            byte[] b = new byte[n.used()];
            int w = 0;
            int r = n.start;
            for (int k = from; k < to; k++) {
                int mp = matches[k];
                System.arraycopy(n.buf, r, b, w, mp - r);
                w += mp - r;
                r = mp + Packed.encodedSize(Packed.lenAt(n.buf, mp));
            }
            System.arraycopy(n.buf, r, b, w, n.end - r);
            w += n.end - r;
            n.count -= take;
            size -= take;
            removed += take;
            remaining -= take;
            if (n.count == 0) {
                removeNode(ni);
                if (!fromTail) {
                    ni--; // the next node moved into this index
                }
            } else {
                setBuf(n, w == b.length ? b : Arrays.copyOf(b, w));
                n.start = 0;
                n.end = w;
            }
        }
        if (removed > 0) {
            mergeNodes(fill);
        }
        return removed;
    }

    /** Joins neighbouring nodes whose elements fit one node. */
    private void mergeNodes(int fill) {
        for (int i = 0; i + 1 < nodeCount; ) {
            if (!mergePair(i, fill)) {
                i++;
            }
        }
    }

    /** Consistency check for tests: counts, sizes and memory bookkeeping agree. */
    public void verify() {
        long total = 0;
        long bytes = 0;
        for (int i = 0; i < nodeCount; i++) {
            Node n = nodes[i];
            int c = 0;
            int p = n.start;
            while (p < n.end) {
                int len = Packed.lenAt(n.buf, p);
                int q = p + Packed.encodedSize(len);
                if (Packed.lenBefore(n.buf, q) != len) {
                    throw new IllegalStateException("bad backlen in node " + i);
                }
                p = q;
                c++;
            }
            if (p != n.end || c != n.count || c == 0 || (n.plain && c != 1)) {
                throw new IllegalStateException("bad node " + i + ": count " + n.count + " actual " + c);
            }
            total += c;
            bytes += NODE_OVERHEAD + MemoryEstimate.bytes(n.buf.length);
        }
        if (total != size || bytes != nodeBytes) {
            throw new IllegalStateException("size " + size + " actual " + total + ", bytes " + nodeBytes + " actual " + bytes);
        }
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
