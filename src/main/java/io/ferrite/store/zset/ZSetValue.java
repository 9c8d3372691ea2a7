package io.ferrite.store.zset;

import io.ferrite.store.Bytes;
import io.ferrite.store.CollectionValue;
import io.ferrite.store.Encoding;
import io.ferrite.store.MemoryEstimate;
import io.ferrite.store.set.ChainedTable;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A Redis sorted set. Small ones are "listpack" encoded: members and scores in two parallel arrays
 * ordered by (score, member); past zset-max-listpack-entries elements or a member longer than
 * zset-max-listpack-value they become "skiplist" encoded: a {@link SkipList} whose nodes double as
 * the entries of a member-to-node hash table, as Redis pairs its zskiplist with a dict.
 * Positions everywhere are 0-based ranks in ascending order.
 */
public final class ZSetValue implements CollectionValue {
    /** Receives one element of a walk. */
    public interface Visitor {
        void accept(byte[] member, double score);
    }

    /** Receives one element of a walk that may stop early: returns false to stop. */
    public interface Walker {
        boolean accept(byte[] member, double score);
    }

    // listpack encoding
    private byte[][] members;
    private double[] scores;
    private int n;
    private long memberBytes;

    // skiplist encoding
    private SkipList zsl;
    private ChainedTable<SkipList.Node> dict;
    private long nodeBytes;

    private ZSetValue() {
    }

    public static ZSetValue listpack(int capacity) {
        ZSetValue z = new ZSetValue();
        z.members = new byte[Math.max(2, capacity)][];
        z.scores = new double[Math.max(2, capacity)];
        return z;
    }

    public static ZSetValue skiplist(int capacity) {
        ZSetValue z = new ZSetValue();
        z.zsl = new SkipList();
        z.dict = new ChainedTable<>(capacity);
        return z;
    }

    public Encoding encoding() {
        return zsl == null ? Encoding.LISTPACK : Encoding.SKIPLIST;
    }

    public boolean isListpack() {
        return zsl == null;
    }

    public int size() {
        return zsl == null ? n : zsl.length();
    }

    // ------------------------------------------------------------ lookups

    private int lpFind(byte[] m) {
        for (int i = 0; i < n; i++) {
            if (Arrays.equals(members[i], m)) {
                return i;
            }
        }
        return -1;
    }

    /** The member's score, or NaN when absent (scores are never NaN). */
    public double score(byte[] m) {
        if (zsl == null) {
            int i = lpFind(m);
            return i < 0 ? Double.NaN : scores[i];
        }
        SkipList.Node x = dict.get(m);
        return x == null ? Double.NaN : x.score;
    }

    public boolean contains(byte[] m) {
        return zsl == null ? lpFind(m) >= 0 : dict.get(m) != null;
    }

    /** 0-based ascending rank, or -1. */
    public long rank(byte[] m) {
        if (zsl == null) {
            return lpFind(m);
        }
        SkipList.Node x = dict.get(m);
        return x == null ? -1 : zsl.rank(x.score, m) - 1;
    }

    private static int cmp(double s1, byte[] m1, double s2, byte[] m2) {
        if (s1 < s2) {
            return -1;
        }
        if (s1 > s2) {
            return 1;
        }
        return Bytes.compare(m1, m2);
    }

    /** Number of elements with score below {@code s} (at most {@code s} when {@code orEqual}). */
    public long countBelow(double s, boolean orEqual) {
        if (zsl != null) {
            return zsl.countBelow(s, orEqual);
        }
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (scores[mid] < s || (orEqual && scores[mid] == s)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Number of elements whose member is below {@code v} (at most {@code v} when {@code orEqual}). */
    public long countLexBelow(byte[] v, boolean orEqual) {
        if (zsl != null) {
            return zsl.countLexBelow(v, orEqual);
        }
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = Bytes.compare(members[mid], v);
            if (c < 0 || (orEqual && c == 0)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Visits the elements of ranks {@code from..to} (inclusive, ascending ranks, clamped by the
     * caller), in ascending order or, when {@code reverse}, from {@code to} down to {@code from}.
     */
    public void range(long from, long to, boolean reverse, Visitor v) {
        if (from > to) {
            return;
        }
        if (zsl == null) {
            if (reverse) {
                for (int i = (int) to; i >= from; i--) {
                    v.accept(members[i], scores[i]);
                }
            } else {
                for (int i = (int) from; i <= to; i++) {
                    v.accept(members[i], scores[i]);
                }
            }
            return;
        }
        long count = to - from + 1;
        SkipList.Node x = zsl.byRank(reverse ? to + 1 : from + 1);
        while (count-- > 0 && x != null) {
            v.accept(x.key, x.score);
            x = reverse ? x.prev() : x.next();
        }
    }

    /** Visits in ascending order the elements with {@code min <= score < max}, until the walker stops. */
    public void walkScores(double min, double max, Walker w) {
        long from = countBelow(min, false);
        long to = countBelow(max, false);
        if (zsl == null) {
            for (int i = (int) from; i < to; i++) {
                if (!w.accept(members[i], scores[i])) {
                    return;
                }
            }
            return;
        }
        if (from >= to) {
            return;
        }
        SkipList.Node x = zsl.byRank(from + 1);
        for (long k = from; k < to && x != null; k++, x = x.next()) {
            if (!w.accept(x.key, x.score)) {
                return;
            }
        }
    }

    public void forEach(Visitor v) {
        range(0, size() - 1, false, v);
    }

    public byte[] memberAt(long rank) {
        if (zsl == null) {
            return members[(int) rank];
        }
        return zsl.byRank(rank + 1).key;
    }

    public double scoreAt(long rank) {
        if (zsl == null) {
            return scores[(int) rank];
        }
        return zsl.byRank(rank + 1).score;
    }

    // ------------------------------------------------------------ changes

    /**
     * Sets a member's score, adding it when absent; converts to a skiplist when the listpack
     * limits are passed. Returns true when the member was added.
     */
    public boolean put(byte[] m, double score, long maxEntries, long maxValue) {
        if (zsl == null) {
            int i = lpFind(m);
            if (i >= 0) {
                if (scores[i] == score) {
                    return false;
                }
                lpRemoveAt(i);
                lpInsert(m, score);
                return false;
            }
            if (n + 1 > maxEntries || m.length > maxValue) {
                toSkiplist();
            } else {
                lpInsert(m, score);
                return true;
            }
        }
        SkipList.Node x = dict.get(m);
        if (x != null) {
            if (x.score != score) {
                SkipList.Node moved = zsl.updateScore(x, score);
                if (moved != x) {
                    dict.remove(m);
                    dict.insert(moved);
                    nodeBytes += SkipList.nodeBytes(moved.levels()) - SkipList.nodeBytes(x.levels());
                }
            }
            return false;
        }
        SkipList.Node node = zsl.insert(score, m);
        dict.insert(node);
        nodeBytes += SkipList.nodeBytes(node.levels()) + MemoryEstimate.bytes(m.length);
        return true;
    }

    private void lpInsert(byte[] m, double score) {
        if (score == 0) {
            // a listpack stores integral scores as integers: -0 comes back as 0
            score = 0.0;
        }
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cmp(scores[mid], members[mid], score, m) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (n == members.length) {
            int cap = Math.max(4, n + (n >> 1));
            members = Arrays.copyOf(members, cap);
            scores = Arrays.copyOf(scores, cap);
        }
        System.arraycopy(members, lo, members, lo + 1, n - lo);
        System.arraycopy(scores, lo, scores, lo + 1, n - lo);
        members[lo] = m;
        scores[lo] = score;
        n++;
        memberBytes += MemoryEstimate.bytes(m.length);
    }

    private void lpRemoveAt(int i) {
        memberBytes -= MemoryEstimate.bytes(members[i].length);
        System.arraycopy(members, i + 1, members, i, n - i - 1);
        System.arraycopy(scores, i + 1, scores, i, n - i - 1);
        n--;
        members[n] = null;
        if (members.length > 16 && n < members.length / 4) {
            members = Arrays.copyOf(members, n * 2);
            scores = Arrays.copyOf(scores, n * 2);
        }
    }

    public boolean remove(byte[] m) {
        if (zsl == null) {
            int i = lpFind(m);
            if (i < 0) {
                return false;
            }
            lpRemoveAt(i);
            return true;
        }
        SkipList.Node x = dict.remove(m);
        if (x == null) {
            return false;
        }
        zsl.delete(x.score, m);
        nodeBytes -= SkipList.nodeBytes(x.levels()) + MemoryEstimate.bytes(m.length);
        return true;
    }

    /** Removes the elements of ascending ranks {@code from..to} inclusive; returns how many. */
    public long removeRange(long from, long to) {
        if (from > to) {
            return 0;
        }
        if (zsl == null) {
            int k = (int) (to - from + 1);
            for (int i = (int) from; i <= to; i++) {
                memberBytes -= MemoryEstimate.bytes(members[i].length);
            }
            System.arraycopy(members, (int) to + 1, members, (int) from, n - (int) to - 1);
            System.arraycopy(scores, (int) to + 1, scores, (int) from, n - (int) to - 1);
            Arrays.fill(members, n - k, n, null);
            n -= k;
            return k;
        }
        byte[][] victims = new byte[(int) (to - from + 1)][];
        int[] i = {0};
        range(from, to, false, (m, s) -> victims[i[0]++] = m);
        for (byte[] m : victims) {
            remove(m);
        }
        return victims.length;
    }

    /** Converts to the skiplist encoding (one-way, unless {@link #maybeToListpack} is asked). */
    public void toSkiplist() {
        if (zsl != null) {
            return;
        }
        SkipList sl = new SkipList();
        ChainedTable<SkipList.Node> d = new ChainedTable<>(n);
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            SkipList.Node x = sl.insert(scores[i], members[i]);
            d.insert(x);
            bytes += SkipList.nodeBytes(x.levels()) + MemoryEstimate.bytes(members[i].length);
        }
        zsl = sl;
        dict = d;
        nodeBytes = bytes;
        members = null;
        scores = null;
        n = 0;
        memberBytes = 0;
    }

    /** Redis's zsetConvertToListpackIfNeeded: back to a listpack when within both limits. */
    public void maybeToListpack(long maxEntries, long maxValue) {
        if (zsl == null || zsl.length() > maxEntries) {
            return;
        }
        long longest = 0;
        for (SkipList.Node x = zsl.first(); x != null; x = x.next()) {
            longest = Math.max(longest, x.key.length);
        }
        if (longest > maxValue) {
            return;
        }
        int len = zsl.length();
        byte[][] ms = new byte[Math.max(2, len)][];
        double[] ss = new double[Math.max(2, len)];
        long bytes = 0;
        int i = 0;
        for (SkipList.Node x = zsl.first(); x != null; x = x.next()) {
            ms[i] = x.key;
            ss[i++] = x.score == 0 ? 0.0 : x.score;
            bytes += MemoryEstimate.bytes(x.key.length);
        }
        members = ms;
        scores = ss;
        n = len;
        memberBytes = bytes;
        zsl = null;
        dict = null;
        nodeBytes = 0;
    }

    /** One ZSCAN step: a listpack is returned whole with cursor 0. */
    public long scan(long cursor, Visitor v) {
        if (zsl == null) {
            forEach(v);
            return 0;
        }
        return dict.scan(cursor, x -> v.accept(x.key, x.score));
    }

    @Override
    public long memory() {
        if (zsl == null) {
            return 32 + 2 * ((16 + 8L * members.length + 7) & ~7L) + memberBytes;
        }
        return 48 + SkipList.nodeBytes(SkipList.MAX_LEVEL) + dict.memory() + nodeBytes;
    }

    @Override
    public ZSetValue copy() {
        if (zsl == null) {
            ZSetValue z = new ZSetValue();
            z.members = Arrays.copyOf(members, Math.max(2, n));
            z.scores = Arrays.copyOf(scores, Math.max(2, n));
            z.n = n;
            z.memberBytes = memberBytes;
            return z;
        }
        ZSetValue z = skiplist(zsl.length());
        for (SkipList.Node x = zsl.first(); x != null; x = x.next()) {
            SkipList.Node c = z.zsl.insert(x.score, x.key);
            z.dict.insert(c);
            z.nodeBytes += SkipList.nodeBytes(c.levels()) + MemoryEstimate.bytes(x.key.length);
        }
        return z;
    }
}
