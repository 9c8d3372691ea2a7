package io.ferrite.store.zset;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.Bytes;
import io.ferrite.store.set.ChainedTable;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis's zskiplist (t_zset.c): nodes ordered by (score, member bytes) with per-level spans so
 * ranks are found in O(log n), and a backward link on level 0 for reverse walks. The nodes are also
 * the entries of the member-to-score dict kept beside it ({@link ChainedTable}).
 */
@ShardConfined
public final class SkipList {
    public static final int MAX_LEVEL = 32;
    private static final double P = 0.25;

    /** A skiplist node; also a dict entry keyed by its member. */
    public static final class Node extends ChainedTable.Node<Node> {
        double score;
        Node backward;
        final Node[] forward;
        final int[] span;

        Node(byte[] member, double score, int level) {
            super(member);
            this.score = score;
            this.forward = new Node[level];
            this.span = new int[level];
        }

        public byte[] member() {
            return key;
        }

        public Node next() {
            return forward[0];
        }

        public Node prev() {
            return backward;
        }

        int levels() {
            return forward.length;
        }
    }

    final Node header = new Node(null, 0, MAX_LEVEL);
    Node tail;
    int length;
    int level = 1;

    public int length() {
        return length;
    }

    public Node first() {
        return header.forward[0];
    }

    public Node last() {
        return tail;
    }

    static int randomLevel() {
        int lvl = 1;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while ((r.nextInt() & 0xFFFF) < (int) (P * 0xFFFF)) {
            lvl++;
        }
        return Math.min(lvl, MAX_LEVEL);
    }

    /** (score, member) order: -1, 0, 1 of node against the given pair. */
    static int cmp(Node n, double score, byte[] member) {
        if (n.score < score) {
            return -1;
        }
        if (n.score > score) {
            return 1;
        }
        return Integer.signum(Bytes.compare(n.key, member));
    }

    /** Inserts a member known to be absent; returns its node. */
    public Node insert(double score, byte[] member) {
        Node[] update = new Node[MAX_LEVEL];
        int[] rank = new int[MAX_LEVEL];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            while (x.forward[i] != null && cmp(x.forward[i], score, member) < 0) {
                rank[i] += x.span[i];
                x = x.forward[i];
            }
            update[i] = x;
        }
        int lvl = randomLevel();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                update[i].span[i] = length;
            }
            level = lvl;
        }
        x = new Node(member, score, lvl);
        for (int i = 0; i < lvl; i++) {
            x.forward[i] = update[i].forward[i];
            update[i].forward[i] = x;
            x.span[i] = update[i].span[i] - (rank[0] - rank[i]);
            update[i].span[i] = (rank[0] - rank[i]) + 1;
        }
        for (int i = lvl; i < level; i++) {
            update[i].span[i]++;
        }
        x.backward = update[0] == header ? null : update[0];
        if (x.forward[0] != null) {
            x.forward[0].backward = x;
        } else {
            tail = x;
        }
        length++;
        return x;
    }

    private void unlink(Node x, Node[] update) {
        for (int i = 0; i < level; i++) {
            if (update[i].forward[i] == x) {
                update[i].span[i] += x.span[i] - 1;
                update[i].forward[i] = x.forward[i];
            } else {
                update[i].span[i] -= 1;
            }
        }
        if (x.forward[0] != null) {
            x.forward[0].backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && header.forward[level - 1] == null) {
            level--;
        }
        length--;
    }

    private Node[] path(double score, byte[] member) {
        Node[] update = new Node[MAX_LEVEL];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && cmp(x.forward[i], score, member) < 0) {
                x = x.forward[i];
            }
            update[i] = x;
        }
        return update;
    }

    /** Removes the node with this score and member; returns it, or null. */
    public Node delete(double score, byte[] member) {
        Node[] update = path(score, member);
        Node x = update[0].forward[0];
        if (x != null && x.score == score && Bytes.equal(x.key, member)) {
            unlink(x, update);
            return x;
        }
        return null;
    }

    /**
     * Redis's zslUpdateScore: moves the node in place when its position does not change, else
     * removes and reinserts it. Returns the node now holding the member.
     */
    public Node updateScore(Node node, double newScore) {
        Node[] update = path(node.score, node.key);
        Node x = update[0].forward[0];
        if ((x.backward == null || cmp(x.backward, newScore, x.key) < 0)
            && (x.forward[0] == null || cmp(x.forward[0], newScore, x.key) > 0)) {
            x.score = newScore;
            return x;
        }
        unlink(x, update);
        Node n = insert(newScore, x.key);
        return n;
    }

    /** 1-based rank of the member with this score, 0 if absent. */
    public long rank(double score, byte[] member) {
        Node x = header;
        long rank = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && cmp(x.forward[i], score, member) <= 0) {
                rank += x.span[i];
                x = x.forward[i];
            }
            if (x.key != null && x != header && x.score == score && Bytes.equal(x.key, member)) {
                return rank;
            }
        }
        return 0;
    }

    /** The node at a 1-based rank, or null. */
    public Node byRank(long rank) {
        if (rank < 1 || rank > length) {
            return null;
        }
        Node x = header;
        long traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && traversed + x.span[i] <= rank) {
                traversed += x.span[i];
                x = x.forward[i];
            }
            if (traversed == rank) {
                return x;
            }
        }
        return null;
    }

    /** How many elements have a score below {@code score} (or at most it, when {@code orEqual}). */
    public long countBelow(double score, boolean orEqual) {
        Node x = header;
        long rank = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null
                && (x.forward[i].score < score || (orEqual && x.forward[i].score == score))) {
                rank += x.span[i];
                x = x.forward[i];
            }
        }
        return rank;
    }

    /** How many elements have a member below {@code value} (or at most it), comparing members only. */
    public long countLexBelow(byte[] value, boolean orEqual) {
        Node x = header;
        long rank = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null) {
                int c = Bytes.compare(x.forward[i].key, value);
                if (c < 0 || (orEqual && c == 0)) {
                    rank += x.span[i];
                    x = x.forward[i];
                } else {
                    break;
                }
            }
        }
        return rank;
    }

    /** Memory of a node with {@code levels} levels, without the member bytes. */
    static long nodeBytes(int levels) {
        // node object + forward array + span array
        return 40 + ((16 + 4L * levels + 7) & ~7L) * 2;
    }
}
