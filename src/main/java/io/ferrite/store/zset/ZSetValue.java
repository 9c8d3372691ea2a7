package io.ferrite.store.zset;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.Bytes;
import io.ferrite.store.CollectionValue;
import io.ferrite.store.Encoding;
import io.ferrite.store.MemoryEstimate;
import io.ferrite.store.list.Packed;
import io.ferrite.store.set.ChainedTable;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A Redis sorted set. Small ones are "listpack" encoded: the members packed one after another in one
 * byte array (the quicklist's {@link Packed} element format), their scores in a parallel array,
 * ordered by (score, member), walked linearly as Redis walks its listpack; past zset-max-listpack-entries elements or a member longer than
 * zset-max-listpack-value they become "skiplist" encoded: a {@link SkipList} whose nodes double as
 * the entries of a member-to-node hash table, as Redis pairs its zskiplist with a dict.
 * Positions everywhere are 0-based ranks in ascending order.
 */
@ShardConfined
public final class ZSetValue implements CollectionValue {
    /** Receives one element of a walk. */
    public interface Visitor {
        void accept(byte[] member, double score);
    }

    /** Receives one element of a walk that may stop early: returns false to stop. */
    public interface Walker {
        boolean accept(byte[] member, double score);
    }

    // listpack encoding: lp[0..lpUsed) holds the n members, scores[i] is member i's score
    private byte[] lp;
    private int lpUsed;
    private double[] scores;
    private int n;

    // skiplist encoding
    private SkipList zsl;
    private ChainedTable<SkipList.Node> dict;
    private long nodeBytes;

    private ZSetValue() {
    }

    public static ZSetValue listpack(int capacity) {
        ZSetValue z = new ZSetValue();
        z.lp = new byte[8];
        z.scores = new double[Math.max(1, capacity)];
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

    /** Offset in lp of member {@code i} (i == n gives lpUsed). */
    private int posOf(int i) {
        int pos = 0;
        for (int k = 0; k < i; k++) {
            pos += Packed.encodedSize(Packed.lenAt(lp, pos));
        }
        return pos;
    }

    private byte[] memberAtPos(int pos) {
        int len = Packed.lenAt(lp, pos);
        int off = Packed.dataAt(pos, len);
        return Arrays.copyOfRange(lp, off, off + len);
    }

    /** Compares the member packed at {@code pos} with {@code m}, as memcmp then length. */
    private int compareAt(int pos, byte[] m) {
        int len = Packed.lenAt(lp, pos);
        int off = Packed.dataAt(pos, len);
        return Arrays.compareUnsigned(lp, off, off + len, m, 0, m.length);
    }

    private int lpFind(byte[] m) {
        int pos = 0;
        for (int i = 0; i < n; i++) {
            int len = Packed.lenAt(lp, pos);
            int off = Packed.dataAt(pos, len);
            if (len == m.length && Arrays.equals(lp, off, off + len, m, 0, len)) {
                return i;
            }
            pos += Packed.encodedSize(len);
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
        // the members of a lex range share one score, so they are in member order: count the prefix below v
        int pos = 0;
        int i = 0;
        while (i < n) {
            int c = compareAt(pos, v);
            if (!(c < 0 || (orEqual && c == 0))) {
                break;
            }
            pos += Packed.encodedSize(Packed.lenAt(lp, pos));
            i++;
        }
        return i;
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
            int[] pos = new int[(int) (to - from + 1)];
            int p = posOf((int) from);
            for (int i = 0; i < pos.length; i++) {
                pos[i] = p;
                p += Packed.encodedSize(Packed.lenAt(lp, p));
            }
            for (int i = 0; i < pos.length; i++) {
                int k = reverse ? pos.length - 1 - i : i;
                v.accept(memberAtPos(pos[k]), scores[(int) from + k]);
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
            int pos = posOf((int) from);
            for (int i = (int) from; i < to; i++) {
                if (!w.accept(memberAtPos(pos), scores[i])) {
                    return;
                }
                pos += Packed.encodedSize(Packed.lenAt(lp, pos));
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
            return memberAtPos(posOf((int) rank));
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
        int pos = 0;
        while (lo < n && (scores[lo] < score || (scores[lo] == score && compareAt(pos, m) < 0))) {
            pos += Packed.encodedSize(Packed.lenAt(lp, pos));
            lo++;
        }
        // both arrays grow to fit, as a listpack is realloc'ed per insert: the insert moves the tail anyway
        if (n == scores.length) {
            scores = Arrays.copyOf(scores, n + 1);
        }
        int size = Packed.encodedSize(m.length);
        if (lpUsed + size > lp.length) {
            lp = Arrays.copyOf(lp, (lpUsed + size + 7) & ~7);
        }
        System.arraycopy(lp, pos, lp, pos + size, lpUsed - pos);
        Packed.write(lp, pos, m, 0, m.length);
        lpUsed += size;
        System.arraycopy(scores, lo, scores, lo + 1, n - lo);
        scores[lo] = score;
        n++;
    }

    private void lpRemoveAt(int i) {
        lpRemoveRange(i, i);
    }

    /** Removes members {@code from..to} inclusive, shrinking the arrays when they become mostly empty. */
    private void lpRemoveRange(int from, int to) {
        int start = posOf(from);
        int end = start;
        for (int k = from; k <= to; k++) {
            end += Packed.encodedSize(Packed.lenAt(lp, end));
        }
        System.arraycopy(lp, end, lp, start, lpUsed - end);
        lpUsed -= end - start;
        System.arraycopy(scores, to + 1, scores, from, n - to - 1);
        n -= to - from + 1;
        if (scores.length > 16 && n < scores.length / 4) {
            scores = Arrays.copyOf(scores, n * 2);
        }
        if (lp.length > 64 && lpUsed < lp.length / 4) {
            lp = Arrays.copyOf(lp, lpUsed * 2);
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
            lpRemoveRange((int) from, (int) to);
            return to - from + 1;
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
        int pos = 0;
        for (int i = 0; i < n; i++) {
            byte[] m = memberAtPos(pos);
            pos += Packed.encodedSize(m.length);
            SkipList.Node x = sl.insert(scores[i], m);
            d.insert(x);
            bytes += SkipList.nodeBytes(x.levels()) + MemoryEstimate.bytes(m.length);
        }
        zsl = sl;
        dict = d;
        nodeBytes = bytes;
        lp = null;
        lpUsed = 0;
        scores = null;
        n = 0;
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
        int packed = 0;
        for (SkipList.Node x = zsl.first(); x != null; x = x.next()) {
            packed += Packed.encodedSize(x.key.length);
        }
        byte[] buf = new byte[Math.max(8, packed)];
        double[] ss = new double[Math.max(2, len)];
        int i = 0;
        int pos = 0;
        for (SkipList.Node x = zsl.first(); x != null; x = x.next()) {
            pos = Packed.write(buf, pos, x.key, 0, x.key.length);
            ss[i++] = x.score == 0 ? 0.0 : x.score;
        }
        lp = buf;
        lpUsed = pos;
        scores = ss;
        n = len;
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
            return 32 + ((16 + lp.length + 7) & ~7L) + ((16 + 8L * scores.length + 7) & ~7L);
        }
        return 48 + SkipList.nodeBytes(SkipList.MAX_LEVEL) + dict.memory() + nodeBytes;
    }

    @Override
    public ZSetValue copy() {
        if (zsl == null) {
            ZSetValue z = new ZSetValue();
            z.lp = Arrays.copyOf(lp, Math.max(8, lpUsed));
            z.lpUsed = lpUsed;
            z.scores = Arrays.copyOf(scores, Math.max(2, n));
            z.n = n;
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
