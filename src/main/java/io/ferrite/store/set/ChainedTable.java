package io.ferrite.store.set;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.Bytes;

import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A chained hash table of byte-string keys with a power-of-two bucket array, like Redis's dict
 * (without incremental rehashing). The nodes carry their own chain link, so a collection can make
 * its own element type the node (the sorted set's skiplist nodes are also its dict entries).
 * {@link #scan} uses Redis's reverse-binary cursor, so elements present for a whole scan are
 * returned at least once even across resizes.
 */
@ShardConfined
public final class ChainedTable<N extends ChainedTable.Node<N>> {
    /** A table entry: the key, its hash and the next node of the same bucket. */
    public abstract static class Node<N> {
        public final byte[] key;
        final int hash;
        N chain;

        protected Node(byte[] key) {
            this.key = key;
            this.hash = key == null ? 0 : Bytes.hash(key);
        }
    }

    private static final int MIN_BUCKETS = 4;
    /** Redis's GETFAIR_NUM_ENTRIES: nodes gathered per fair random pick. */
    private static final int FAIR_SAMPLE = 15;
    private Node<N>[] buckets;
    private int size;

    @SuppressWarnings("unchecked")
    public ChainedTable(int expected) {
        int n = MIN_BUCKETS;
        while (n < expected) {
            n <<= 1;
        }
        buckets = new Node[n];
    }

    public int size() {
        return size;
    }

    public int buckets() {
        return buckets.length;
    }

    @SuppressWarnings("unchecked")
    public N get(byte[] key) {
        int h = Bytes.hash(key);
        Node<N> n = buckets[h & (buckets.length - 1)];
        while (n != null) {
            if (n.hash == h && java.util.Arrays.equals(n.key, key)) {
                return (N) n;
            }
            n = (Node<N>) n.chain;
        }
        return null;
    }

    /** Adds a node whose key is known to be absent. */
    @SuppressWarnings("unchecked")
    public void insert(N node) {
        if (size + 1 > buckets.length) {
            resize(buckets.length << 1);
        }
        int i = node.hash & (buckets.length - 1);
        node.chain = (N) buckets[i];
        buckets[i] = node;
        size++;
    }

    @SuppressWarnings("unchecked")
    public N remove(byte[] key) {
        int h = Bytes.hash(key);
        int i = h & (buckets.length - 1);
        Node<N> prev = null;
        Node<N> n = buckets[i];
        while (n != null) {
            if (n.hash == h && java.util.Arrays.equals(n.key, key)) {
                if (prev == null) {
                    buckets[i] = (Node<N>) n.chain;
                } else {
                    prev.chain = n.chain;
                }
                n.chain = null;
                size--;
                if (buckets.length > MIN_BUCKETS && size * 10 < buckets.length) {
                    int target = MIN_BUCKETS;
                    while (target < size) {
                        target <<= 1;
                    }
                    resize(target);
                }
                return (N) n;
            }
            prev = n;
            n = (Node<N>) n.chain;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private void resize(int n) {
        Node<N>[] nb = new Node[n];
        for (Node<N> b : buckets) {
            while (b != null) {
                Node<N> next = (Node<N>) b.chain;
                int i = b.hash & (n - 1);
                b.chain = (N) nb[i];
                nb[i] = b;
                b = next;
            }
        }
        buckets = nb;
    }

    @SuppressWarnings("unchecked")
    public void forEach(Consumer<N> fn) {
        for (Node<N> b : buckets) {
            while (b != null) {
                Node<N> next = (Node<N>) b.chain;
                fn.accept((N) b);
                b = next;
            }
        }
    }

    /**
     * A random node, as Redis's dictGetFairRandomKey: up to {@value #FAIR_SAMPLE} nodes gathered
     * from consecutive buckets after a random one (dictGetSomeKeys), then one of those uniformly.
     * Picking a random bucket and then a random node of its chain would favour the nodes of short
     * chains: members sharing a bucket would each come up half as often. Null when empty.
     */
    @SuppressWarnings("unchecked")
    public N random(RandomGenerator rnd) {
        if (size == 0) {
            return null;
        }
        int want = Math.min(FAIR_SAMPLE, size);
        Node<N>[] picked = new Node[want];
        int stored = 0;
        int mask = buckets.length - 1;
        int i = rnd.nextInt(buckets.length);
        int empty = 0;
        // dictGetSomeKeys's bounds: a limited walk, restarted elsewhere after a long empty run
        for (int steps = want * 10; stored < want && steps > 0; steps--) {
            Node<N> b = buckets[i];
            if (b == null) {
                empty++;
                if (empty >= 5 && empty > want) {
                    i = rnd.nextInt(buckets.length);
                    empty = 0;
                    continue;
                }
            } else {
                empty = 0;
                for (; b != null && stored < want; b = (Node<N>) b.chain) {
                    picked[stored++] = b;
                }
            }
            i = (i + 1) & mask;
        }
        return stored > 0 ? (N) picked[rnd.nextInt(stored)] : anyNode(rnd);
    }

    /** A random non-empty bucket, then a random node of its chain. */
    @SuppressWarnings("unchecked")
    private N anyNode(RandomGenerator rnd) {
        Node<N> b;
        do {
            b = buckets[rnd.nextInt(buckets.length)];
        } while (b == null);
        int len = 0;
        for (Node<N> x = b; x != null; x = (Node<N>) x.chain) {
            len++;
        }
        int k = rnd.nextInt(len);
        while (k-- > 0) {
            b = (Node<N>) b.chain;
        }
        return (N) b;
    }

    /** One step of Redis's dictScan: visits one bucket, returns the next cursor (0 when done). */
    @SuppressWarnings("unchecked")
    public long scan(long cursor, Consumer<N> fn) {
        if (size == 0) {
            return 0;
        }
        long mask = buckets.length - 1;
        Node<N> b = buckets[(int) (cursor & mask)];
        while (b != null) {
            Node<N> next = (Node<N>) b.chain;
            fn.accept((N) b);
            b = next;
        }
        cursor |= ~mask;
        cursor = Long.reverse(cursor);
        cursor++;
        cursor = Long.reverse(cursor);
        return cursor;
    }

    /** Bytes of the bucket array and the table object (nodes are counted by the owner). */
    public long memory() {
        return 24 + ((16 + 4L * buckets.length + 7) & ~7L);
    }
}
