package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.command.Lookup;
import io.ferrite.command.Numbers;
import io.ferrite.engine.Notify;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.store.Bytes;
import io.ferrite.store.BytesKey;
import io.ferrite.store.Entry;
import io.ferrite.store.Glob;
import io.ferrite.store.ValueType;
import io.ferrite.store.set.SetValue;
import io.ferrite.store.zset.FloatParse;
import io.ferrite.store.zset.ZSetValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** The sorted-set commands (Redis 7.0 t_zset.c), blocking pops excepted. */
public final class ZSetFamily {
    private ZSetFamily() {
    }

    static final String NAN = "ERR resulting score is not a number (NaN)";
    static final String MINMAX_FLOAT = "ERR min or max is not a float";
    static final String MINMAX_LEX = "ERR min or max not valid string range item";

    public static void register(CommandRegistry r) {
        r.add("zadd", c -> zadd(c, false));
        r.add("zincrby", c -> zadd(c, true));
        r.add("zrem", ZSetFamily::zrem);
        r.add("zcard", ZSetFamily::zcard);
        r.add("zscore", ZSetFamily::zscore);
        r.add("zmscore", ZSetFamily::zmscore);
        r.add("zrank", c -> zrank(c, false));
        r.add("zrevrank", c -> zrank(c, true));
        r.add("zcount", ZSetFamily::zcount);
        r.add("zlexcount", ZSetFamily::zlexcount);
        r.add("zrange", c -> zrange(c, 1, false, RangeBy.AUTO, Direction.AUTO));
        r.add("zrangestore", c -> zrange(c, 2, true, RangeBy.AUTO, Direction.AUTO));
        r.add("zrevrange", c -> zrange(c, 1, false, RangeBy.RANK, Direction.REVERSE));
        r.add("zrangebyscore", c -> zrange(c, 1, false, RangeBy.SCORE, Direction.FORWARD));
        r.add("zrevrangebyscore", c -> zrange(c, 1, false, RangeBy.SCORE, Direction.REVERSE));
        r.add("zrangebylex", c -> zrange(c, 1, false, RangeBy.LEX, Direction.FORWARD));
        r.add("zrevrangebylex", c -> zrange(c, 1, false, RangeBy.LEX, Direction.REVERSE));
        r.add("zremrangebyrank", c -> zremrange(c, RangeBy.RANK));
        r.add("zremrangebyscore", c -> zremrange(c, RangeBy.SCORE));
        r.add("zremrangebylex", c -> zremrange(c, RangeBy.LEX));
        r.add("zpopmin", c -> zpopMinMax(c, false));
        r.add("zpopmax", c -> zpopMinMax(c, true));
        r.add("zmpop", ZSetFamily::zmpop);
        r.add("zrandmember", ZSetFamily::zrandmember);
        r.add("zunion", c -> zsetop(c, null, 1, SetOp.UNION, false));
        r.add("zunionstore", c -> zsetop(c, c.arg(1), 2, SetOp.UNION, false));
        r.add("zinter", c -> zsetop(c, null, 1, SetOp.INTER, false));
        r.add("zinterstore", c -> zsetop(c, c.arg(1), 2, SetOp.INTER, false));
        r.add("zintercard", c -> zsetop(c, null, 1, SetOp.INTER, true));
        r.add("zdiff", c -> zsetop(c, null, 1, SetOp.DIFF, false));
        r.add("zdiffstore", c -> zsetop(c, c.arg(1), 2, SetOp.DIFF, false));
        r.add("zscan", ZSetFamily::zscan);
    }

    // ---------------------------------------------------------------- helpers

    static long maxEntries(Call c) {
        return c.server.config().getLong("zset-max-listpack-entries");
    }

    static long maxValue(Call c) {
        return c.server.config().getLong("zset-max-listpack-value");
    }

    /** addReplyDouble: "%.17g" ("inf"/"-inf"), a bulk string in RESP2 and a double in RESP3. */
    static void dbl(Call c, double d) {
        c.reply().dbl(d, Bytes.of(Numbers.g17(d)));
    }

    /** The sorted set at key for reading: null after replying {@code missing} (or WRONGTYPE). */
    static ZSetValue readZset(Call c, byte[] key, Lookup.Missing missing) {
        return Lookup.value(Lookup.readOrReply(c, key, ValueType.ZSET, missing));
    }

    /** An in-place change reported as {@code event} (none if null); an emptied set's key is deleted ("del"). */
    private static void changed(Call c, Entry e, ZSetValue z, long before, String event) {
        e.encoding(z.encoding());
        c.ks().modified(e, z.memory() - before);
        if (event != null) {
            c.ks().notify(Notify.ZSET, event, e.key);
        }
        FamilyUtil.deleteIfEmpty(c, e.key, z.size() == 0);
    }

    static void store(Call c, byte[] key, ZSetValue z, String event) {
        FamilyUtil.setKey(c, key, ValueType.ZSET, z, z.encoding());
        c.ks().notify(Notify.ZSET, event, key);
    }

    // ---------------------------------------------------------------- ranges

    /** A parsed score interval (zrangespec). */
    static final class ScoreRange {
        double min;
        double max;
        boolean minex;
        boolean maxex;

        static ScoreRange parse(byte[] min, byte[] max) {
            ScoreRange r = new ScoreRange();
            Double a = bound(min);
            Double b = bound(max);
            if (a == null || b == null) {
                return null;
            }
            r.min = a;
            r.max = b;
            r.minex = min.length > 0 && min[0] == '(';
            r.maxex = max.length > 0 && max[0] == '(';
            return r;
        }

        private static Double bound(byte[] b) {
            return FloatParse.rangeBound(b, b.length > 0 && b[0] == '(' ? 1 : 0);
        }

        /** First ascending rank in the range. */
        long lo(ZSetValue z) {
            return z.countBelow(min, minex);
        }

        /** One past the last ascending rank in the range. */
        long hi(ZSetValue z) {
            return z.countBelow(max, !maxex);
        }
    }

    /** A parsed lex interval (zlexrangespec): '-' and '+' or '[' / '(' prefixed strings. */
    static final class LexRange {
        /** What one end of the interval is: a member included or excluded, or an infinity. */
        enum Bound {
            INCLUSIVE, EXCLUSIVE, MINUS_INFINITY, PLUS_INFINITY;

            boolean namesMember() {
                return this == INCLUSIVE || this == EXCLUSIVE;
            }
        }

        Bound minKind;
        Bound maxKind;
        byte[] min;
        byte[] max;

        static LexRange parse(byte[] min, byte[] max) {
            LexRange r = new LexRange();
            r.minKind = kind(min);
            r.maxKind = kind(max);
            if (r.minKind == null || r.maxKind == null) {
                return null;
            }
            r.min = r.minKind.namesMember() ? Arrays.copyOfRange(min, 1, min.length) : null;
            r.max = r.maxKind.namesMember() ? Arrays.copyOfRange(max, 1, max.length) : null;
            return r;
        }

        /** The bound {@code b} names, or null when it is not a valid range item. */
        private static Bound kind(byte[] b) {
            if (b.length == 0) {
                return null;
            }
            return switch (b[0]) {
                case '+' -> b.length == 1 ? Bound.PLUS_INFINITY : null;
                case '-' -> b.length == 1 ? Bound.MINUS_INFINITY : null;
                case '(' -> Bound.EXCLUSIVE;
                case '[' -> Bound.INCLUSIVE;
                default -> null;
            };
        }

        long lo(ZSetValue z) {
            return switch (minKind) {
                case MINUS_INFINITY -> 0;
                case PLUS_INFINITY -> z.size();
                default -> z.countLexBelow(min, minKind == Bound.EXCLUSIVE);
            };
        }

        long hi(ZSetValue z) {
            return switch (maxKind) {
                case MINUS_INFINITY -> 0;
                case PLUS_INFINITY -> z.size();
                default -> z.countLexBelow(max, maxKind == Bound.INCLUSIVE);
            };
        }
    }

    // ---------------------------------------------------------------- ZADD ZINCRBY

    static void zadd(Call c, boolean zincrby) {
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        boolean ch = false;
        boolean incr = zincrby;
        int scoreIdx = 2;
        if (!zincrby) {
            while (scoreIdx < c.argc()) {
                if (c.argIs(scoreIdx, "nx")) {
                    nx = true;
                } else if (c.argIs(scoreIdx, "xx")) {
                    xx = true;
                } else if (c.argIs(scoreIdx, "ch")) {
                    ch = true;
                } else if (c.argIs(scoreIdx, "incr")) {
                    incr = true;
                } else if (c.argIs(scoreIdx, "gt")) {
                    gt = true;
                } else if (c.argIs(scoreIdx, "lt")) {
                    lt = true;
                } else {
                    break;
                }
                scoreIdx++;
            }
        }
        int elements = c.argc() - scoreIdx;
        if (elements % 2 != 0 || elements == 0) {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        elements /= 2;
        if (nx && xx) {
            c.reply().error("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            c.reply().error("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (incr && elements > 1) {
            c.reply().error("ERR INCR option supports a single increment-element pair");
            return;
        }
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            Double d = Args.doubleOrReply(c, scoreIdx + j * 2);
            if (d == null) {
                return;
            }
            scores[j] = d;
        }
        byte[] key = c.arg(1);
        Entry e = c.ks().write(key);
        if (Lookup.wrongType(c, e, ValueType.ZSET)) {
            return;
        }
        long maxEntries = maxEntries(c);
        long maxValue = maxValue(c);
        ZSetValue z;
        long before = 0;
        if (e == null) {
            if (xx) {
                if (incr) {
                    c.reply().nil();
                } else {
                    c.reply().integer(0);
                }
                return;
            }
            if (maxEntries == 0 || maxValue < c.arg(scoreIdx + 1).length) {
                z = ZSetValue.skiplist(elements);
            } else {
                z = ZSetValue.listpack(Math.min(elements, (int) Math.min(maxEntries, 128)));
            }
        } else {
            z = (ZSetValue) e.value();
            before = z.memory();
        }
        long added = 0;
        long updated = 0;
        long processed = 0;
        double score = 0;
        String error = null;
        for (int j = 0; j < elements; j++) {
            score = scores[j];
            byte[] m = c.arg(scoreIdx + j * 2 + 1);
            double cur = z.score(m);
            if (!Double.isNaN(cur)) {
                if (nx) {
                    continue;
                }
                if (incr) {
                    score += cur;
                    if (Double.isNaN(score)) {
                        error = NAN;
                        break;
                    }
                }
                if ((lt && score >= cur) || (gt && score <= cur)) {
                    continue;
                }
                processed++;
                if (score != cur) {
                    z.put(m, score, maxEntries, maxValue);
                    updated++;
                }
            } else if (!xx) {
                z.put(m, score, maxEntries, maxValue);
                added++;
                processed++;
            }
        }
        if (e == null) {
            if (z.size() > 0) {
                c.ks().add(key, ValueType.ZSET, z, z.encoding());
                c.ks().notify(Notify.ZSET, incr ? "zincr" : "zadd", key);
            }
        } else if (added + updated > 0) {
            changed(c, e, z, before, incr ? "zincr" : "zadd");
        }
        if (error != null) {
            c.reply().error(error);
            return;
        }
        if (incr) {
            if (processed > 0) {
                dbl(c, score);
            } else {
                c.reply().nil();
            }
        } else {
            c.reply().integer(ch ? added + updated : added);
        }
    }

    // ---------------------------------------------------------------- simple reads and ZREM

    static void zrem(Call c) {
        Entry e = Lookup.writeOrReply(c, c.arg(1), ValueType.ZSET, Lookup.ZERO);
        if (e == null) {
            return;
        }
        ZSetValue z = (ZSetValue) e.value();
        long before = z.memory();
        long deleted = 0;
        for (int i = 2; i < c.argc(); i++) {
            if (z.remove(c.arg(i))) {
                deleted++;
                if (z.size() == 0) {
                    break;
                }
            }
        }
        if (deleted > 0) {
            changed(c, e, z, before, "zrem");
        }
        c.reply().integer(deleted);
    }

    static void zcard(Call c) {
        ZSetValue z = readZset(c, c.arg(1), Lookup.ZERO);
        if (z != null) {
            c.reply().integer(z.size());
        }
    }

    static void zscore(Call c) {
        ZSetValue z = readZset(c, c.arg(1), Lookup.NIL);
        if (z == null) {
            return;
        }
        double s = z.score(c.arg(2));
        if (Double.isNaN(s)) {
            c.reply().nil();
        } else {
            dbl(c, s);
        }
    }

    static void zmscore(Call c) {
        Entry e = c.ks().read(c.arg(1));
        if (Lookup.wrongType(c, e, ValueType.ZSET)) {
            return;
        }
        ZSetValue z = Lookup.value(e);
        c.reply().array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            double s = z == null ? Double.NaN : z.score(c.arg(i));
            if (Double.isNaN(s)) {
                c.reply().nil();
            } else {
                dbl(c, s);
            }
        }
    }

    static void zrank(Call c, boolean reverse) {
        ZSetValue z = readZset(c, c.arg(1), Lookup.NIL);
        if (z == null) {
            return;
        }
        long r = z.rank(c.arg(2));
        if (r < 0) {
            c.reply().nil();
            return;
        }
        c.reply().integer(reverse ? z.size() - 1 - r : r);
    }

    static void zcount(Call c) {
        ScoreRange range = ScoreRange.parse(c.arg(2), c.arg(3));
        if (range == null) {
            c.reply().error(MINMAX_FLOAT);
            return;
        }
        ZSetValue z = readZset(c, c.arg(1), Lookup.ZERO);
        if (z != null) {
            c.reply().integer(Math.max(0, range.hi(z) - range.lo(z)));
        }
    }

    static void zlexcount(Call c) {
        LexRange range = LexRange.parse(c.arg(2), c.arg(3));
        if (range == null) {
            c.reply().error(MINMAX_LEX);
            return;
        }
        ZSetValue z = readZset(c, c.arg(1), Lookup.ZERO);
        if (z != null) {
            c.reply().integer(Math.max(0, range.hi(z) - range.lo(z)));
        }
    }

    // ---------------------------------------------------------------- ZRANGE and friends

    /** Redis's zrange_type: what the interval of a ZRANGE-family command counts in (AUTO until its options say). */
    enum RangeBy { AUTO, RANK, SCORE, LEX }

    /** Redis's zrange_direction (AUTO until ZRANGE's REV option says). */
    enum Direction { AUTO, FORWARD, REVERSE }

    /** Ascending ranks [from, to] visited forward or in reverse. */
    private record Span(long from, long to, boolean reverse) {
        static final Span EMPTY = new Span(0, -1, false);

        long length() {
            return Math.max(0, to - from + 1);
        }
    }

    /** Redis's zrangeGenericCommand. */
    static void zrange(Call c, int argStart, boolean store, RangeBy rangeType, Direction direction) {
        byte[] key = c.arg(argStart);
        int minIdx = argStart + 1;
        int maxIdx = argStart + 2;
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = argStart + 3; j < c.argc(); j++) {
            int left = c.argc() - j - 1;
            if (!store && c.argIs(j, "withscores")) {
                withScores = true;
            } else if (c.argIs(j, "limit") && left >= 2) {
                Long o = Args.longOrReply(c, j + 1);
                if (o == null) {
                    return;
                }
                Long l = Args.longOrReply(c, j + 2);
                if (l == null) {
                    return;
                }
                offset = o;
                limit = l;
                j += 2;
            } else if (direction == Direction.AUTO && c.argIs(j, "rev")) {
                direction = Direction.REVERSE;
            } else if (rangeType == RangeBy.AUTO && c.argIs(j, "bylex")) {
                rangeType = RangeBy.LEX;
            } else if (rangeType == RangeBy.AUTO && c.argIs(j, "byscore")) {
                rangeType = RangeBy.SCORE;
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        if (direction == Direction.AUTO) {
            direction = Direction.FORWARD;
        }
        if (rangeType == RangeBy.AUTO) {
            rangeType = RangeBy.RANK;
        }
        if (limit != -1 && rangeType == RangeBy.RANK) {
            c.reply().error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return;
        }
        if (withScores && rangeType == RangeBy.LEX) {
            c.reply().error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return;
        }
        boolean reverse = direction == Direction.REVERSE;
        if (reverse && rangeType != RangeBy.RANK) {
            int t = maxIdx;
            maxIdx = minIdx;
            minIdx = t;
        }
        long start = 0;
        long end = 0;
        ScoreRange sr = null;
        LexRange lr = null;
        switch (rangeType) {
            case RANK -> {
                Long a = Args.longOrReply(c, minIdx);
                if (a == null) {
                    return;
                }
                Long b = Args.longOrReply(c, maxIdx);
                if (b == null) {
                    return;
                }
                start = a;
                end = b;
            }
            case SCORE -> {
                sr = ScoreRange.parse(c.arg(minIdx), c.arg(maxIdx));
                if (sr == null) {
                    c.reply().error(MINMAX_FLOAT);
                    return;
                }
            }
            default -> {
                lr = LexRange.parse(c.arg(minIdx), c.arg(maxIdx));
                if (lr == null) {
                    c.reply().error(MINMAX_LEX);
                    return;
                }
            }
        }
        Entry e = c.ks().read(key);
        if (Lookup.wrongType(c, e, ValueType.ZSET)) {
            return;
        }
        byte[] dst = store ? c.arg(1) : null;
        if (e == null) {
            if (store) {
                FamilyUtil.deleteTarget(c, dst);
                c.reply().integer(0);
            } else {
                c.reply().array(0);
            }
            return;
        }
        ZSetValue z = (ZSetValue) e.value();
        Span span;
        if (rangeType == RangeBy.RANK) {
            span = rankSpan(z.size(), start, end, reverse);
        } else {
            long lo = sr != null ? sr.lo(z) : lr.lo(z);
            long hi = sr != null ? sr.hi(z) : lr.hi(z);
            span = limitSpan(z.size(), lo, hi, offset, limit, reverse);
        }
        if (store) {
            long n = span.length();
            if (n == 0) {
                FamilyUtil.deleteTarget(c, dst);
                c.reply().integer(0);
                return;
            }
            long maxEntries = maxEntries(c);
            long maxValue = maxValue(c);
            ZSetValue d = n <= maxEntries ? ZSetValue.listpack((int) n) : ZSetValue.skiplist((int) n);
            z.range(span.from, span.to, span.reverse, (m, s) -> d.put(m, s, maxEntries, maxValue));
            store(c, dst, d, "zrangestore");
            c.reply().integer(d.size());
            return;
        }
        emitRange(c, z, span, withScores);
    }

    private static void emitRange(Call c, ZSetValue z, Span span, boolean withScores) {
        long n = span.length();
        boolean nested = withScores && c.reply().resp3();
        c.reply().array((int) (withScores && !nested ? n * 2 : n));
        z.range(span.from, span.to, span.reverse, (m, s) -> {
            if (nested) {
                c.reply().array(2);
            }
            c.reply().bulk(m);
            if (withScores) {
                dbl(c, s);
            }
        });
    }

    /** genericZrangebyrankCommand's index sanitising; {@code reverse} indexes count from the top. */
    static Span rankSpan(long llen, long start, long end, boolean reverse) {
        if (start < 0) {
            start = llen + start;
        }
        if (end < 0) {
            end = llen + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= llen) {
            return Span.EMPTY;
        }
        if (end >= llen) {
            end = llen - 1;
        }
        if (reverse) {
            return new Span(llen - 1 - end, llen - 1 - start, true);
        }
        return new Span(start, end, false);
    }

    /** The ranks [lo, hi) of a score or lex range after LIMIT offset count. */
    static Span limitSpan(long size, long lo, long hi, long offset, long limit, boolean reverse) {
        if (offset < 0 || (offset > 0 && offset >= size) || hi <= lo || limit == 0) {
            return Span.EMPTY;
        }
        long avail = hi - lo - offset;
        if (avail <= 0) {
            return Span.EMPTY;
        }
        long n = limit < 0 ? avail : Math.min(avail, limit);
        if (reverse) {
            long top = hi - 1 - offset;
            return new Span(top - n + 1, top, true);
        }
        long from = lo + offset;
        return new Span(from, from + n - 1, false);
    }

    // ---------------------------------------------------------------- ZREMRANGEBY*

    static void zremrange(Call c, RangeBy type) {
        long start = 0;
        long end = 0;
        ScoreRange sr = null;
        LexRange lr = null;
        if (type == RangeBy.RANK) {
            Long a = Args.longOrReply(c, 2);
            if (a == null) {
                return;
            }
            Long b = Args.longOrReply(c, 3);
            if (b == null) {
                return;
            }
            start = a;
            end = b;
        } else if (type == RangeBy.SCORE) {
            sr = ScoreRange.parse(c.arg(2), c.arg(3));
            if (sr == null) {
                c.reply().error(MINMAX_FLOAT);
                return;
            }
        } else {
            lr = LexRange.parse(c.arg(2), c.arg(3));
            if (lr == null) {
                c.reply().error(MINMAX_LEX);
                return;
            }
        }
        Entry e = Lookup.writeOrReply(c, c.arg(1), ValueType.ZSET, Lookup.ZERO);
        if (e == null) {
            return;
        }
        ZSetValue z = (ZSetValue) e.value();
        long from;
        long to;
        if (type == RangeBy.RANK) {
            Span s = rankSpan(z.size(), start, end, false);
            from = s.from;
            to = s.to;
        } else {
            from = sr != null ? sr.lo(z) : lr.lo(z);
            to = (sr != null ? sr.hi(z) : lr.hi(z)) - 1;
        }
        if (to < from) {
            c.reply().integer(0);
            return;
        }
        long before = z.memory();
        long removed = z.removeRange(from, to);
        changed(c, e, z, before, removed == 0 ? null
            : type == RangeBy.RANK ? "zremrangebyrank" : type == RangeBy.SCORE ? "zremrangebyscore" : "zremrangebylex");
        c.reply().integer(removed);
    }

    // ---------------------------------------------------------------- pops

    static void zpopMinMax(Call c, boolean max) {
        if (c.argc() > 3) {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        long count = -1;
        if (c.argc() == 3) {
            Long l = Args.atLeastOrReply(c, 2, 0, SetFamily.POSITIVE);
            if (l == null) {
                return;
            }
            count = l;
        }
        boolean nested = c.reply().resp3() && count != -1;
        genericPop(c, 1, 1, max, false, count, nested, false);
    }

    private static void genericPop(Call c, int firstKey, int keyc, boolean max, boolean emitKey, long count,
                                   boolean nested, boolean nilWhenEmpty) {
        genericPop(c, java.util.Arrays.copyOfRange(c.args, firstKey, firstKey + keyc), max, emitKey, count, nested,
            nilWhenEmpty);
    }

    /** Redis's genericZpopCommand: pops from the first of {@code keys} that exists (BZPOPMIN and BZMPOP too). */
    static void genericPop(Call c, byte[][] keys, boolean max, boolean emitKey, long count, boolean nested,
                           boolean nilWhenEmpty) {
        Entry e = null;
        for (byte[] key : keys) {
            Entry x = c.ks().write(key);
            if (x == null) {
                continue;
            }
            if (Lookup.wrongType(c, x, ValueType.ZSET)) {
                return;
            }
            e = x;
            break;
        }
        if (e == null) {
            if (nilWhenEmpty) {
                c.reply().nilArray();
            } else {
                c.reply().array(0);
            }
            return;
        }
        if (count == 0) {
            c.reply().array(0);
            return;
        }
        if (count == -1) {
            count = 1;
        }
        ZSetValue z = (ZSetValue) e.value();
        long n = Math.min(count, z.size());
        if (nested) {
            // ZMPOP and BZMPOP as ZPOPMIN/ZPOPMAX key with the number popped (Redis's genericZpopCommand)
            Propagated.as(c, max ? Propagated.ZPOPMAX : Propagated.ZPOPMIN, e.key, Propagated.number(n));
        } else if (emitKey) {
            // BZPOPMIN and BZPOPMAX, whether served at once or later
            Propagated.as(c, max ? Propagated.ZPOPMAX : Propagated.ZPOPMIN, e.key);
        }
        if (!nested && !emitKey) {
            c.reply().array((int) (n * 2));
        } else if (nested && !emitKey) {
            c.reply().array((int) n);
        } else if (!nested) {
            c.reply().array((int) (n * 2 + 1));
            c.reply().bulk(e.key);
        } else {
            c.reply().array(2);
            c.reply().bulk(e.key);
            c.reply().array((int) n);
        }
        long before = z.memory();
        long size = z.size();
        long from = max ? size - n : 0;
        long to = max ? size - 1 : n - 1;
        z.range(from, to, max, (m, s) -> {
            if (nested) {
                c.reply().array(2);
            }
            c.reply().bulk(m);
            dbl(c, s);
        });
        z.removeRange(from, to);
        changed(c, e, z, before, max ? "zpopmax" : "zpopmin");
    }

    static void zmpop(Call c) {
        MultiPop<End> a = MultiPop.parse(c, 1, ZSetFamily::end);
        if (a != null) {
            genericPop(c, 2, a.numkeys(), a.end() == End.MAX, true, a.count(), true, true);
        }
    }

    /** The ends ZMPOP and BZMPOP pop from: the lowest or the highest scores. */
    enum End { MIN, MAX }

    /** MIN or MAX at argument {@code i}, or null after a syntax error. */
    static End end(Call c, int i) {
        if (c.argIs(i, "min")) {
            return End.MIN;
        }
        if (c.argIs(i, "max")) {
            return End.MAX;
        }
        c.reply().error(Errors.SYNTAX);
        return null;
    }

    // ---------------------------------------------------------------- ZRANDMEMBER

    static void zrandmember(Call c) {
        if (c.argc() >= 3) {
            Long l = Args.longOrReply(c, 2);
            if (l == null) {
                return;
            }
            if (l == Long.MIN_VALUE) {
                c.reply().error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
                return;
            }
            boolean withScores = false;
            if (c.argc() > 4 || (c.argc() == 4 && !c.argIs(3, "withscores"))) {
                c.reply().error(Errors.SYNTAX);
                return;
            } else if (c.argc() == 4) {
                withScores = true;
                if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                    c.reply().error("ERR value is out of range");
                    return;
                }
            }
            zrandmemberCount(c, l, withScores);
            return;
        }
        ZSetValue z = readZset(c, c.arg(1), Lookup.NIL);
        if (z == null) {
            return;
        }
        c.reply().bulk(z.memberAt(ThreadLocalRandom.current().nextInt(z.size())));
    }

    private static void zrandmemberCount(Call c, long l, boolean withScores) {
        boolean uniq = l >= 0;
        long count = Math.abs(l);
        ZSetValue z = readZset(c, c.arg(1), Lookup.EMPTY_ARRAY);
        if (z == null) {
            return;
        }
        if (count == 0) {
            c.reply().array(0);
            return;
        }
        int size = z.size();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        boolean nested = withScores && c.reply().resp3();
        if (!uniq || count == 1) {
            if (FamilyUtil.tooManyRandomPicks(c, count, withScores)) {
                return;
            }
            c.reply().array((int) (withScores && !nested ? count * 2 : count));
            for (long i = 0; i < count; i++) {
                int r = rnd.nextInt(size);
                emitPair(c, z.memberAt(r), z.scoreAt(r), withScores, nested);
            }
            return;
        }
        if (count >= size) {
            c.reply().array(withScores && !nested ? size * 2 : size);
            // Redis walks the whole set from the highest score down here
            z.range(0, size - 1, true, (m, s) -> emitPair(c, m, s, withScores, nested));
            return;
        }
        c.reply().array((int) (withScores && !nested ? count * 2 : count));
        if (count * 3 < size) {
            // few of many: sample distinct ranks
            java.util.HashSet<Integer> picked = new java.util.HashSet<>();
            while (picked.size() < count) {
                int r = rnd.nextInt(size);
                if (picked.add(r)) {
                    emitPair(c, z.memberAt(r), z.scoreAt(r), withScores, nested);
                }
            }
            return;
        }
        int[] ranks = new int[size];
        for (int i = 0; i < size; i++) {
            ranks[i] = i;
        }
        for (int i = 0; i < count; i++) {
            int j = i + rnd.nextInt(size - i);
            int t = ranks[i];
            ranks[i] = ranks[j];
            ranks[j] = t;
            emitPair(c, z.memberAt(ranks[i]), z.scoreAt(ranks[i]), withScores, nested);
        }
    }

    private static void emitPair(Call c, byte[] m, double s, boolean withScores, boolean nested) {
        if (nested) {
            c.reply().array(2);
        }
        c.reply().bulk(m);
        if (withScores) {
            dbl(c, s);
        }
    }


    // ---------------------------------------------------------------- ZUNION ZINTER ZDIFF

    /** The set operation of ZUNION, ZINTER, ZDIFF and their STORE and CARD forms. */
    enum SetOp { UNION, INTER, DIFF }

    /** AGGREGATE: how the scores of a member found in several sets combine. */
    private enum Aggregate { SUM, MIN, MAX }

    /** One input of a set operation: a sorted set, a set (scores 1) or nothing. */
    private static final class Src {
        Object value;
        double weight = 1;

        int size() {
            if (value instanceof ZSetValue z) {
                return z.size();
            }
            if (value instanceof SetValue s) {
                return s.size();
            }
            return 0;
        }

        /** The member's score, NaN when absent. */
        double find(byte[] m) {
            if (value instanceof ZSetValue z) {
                return z.score(m);
            }
            if (value instanceof SetValue s) {
                return s.contains(m) ? 1.0 : Double.NaN;
            }
            return Double.NaN;
        }

        void forEach(ZSetValue.Visitor v) {
            if (value instanceof ZSetValue z) {
                z.forEach(v);
            } else if (value instanceof SetValue s) {
                s.forEach(m -> v.accept(m, 1.0));
            }
        }
    }

    private static double aggregate(double target, double val, Aggregate agg) {
        if (agg == Aggregate.SUM) {
            double r = target + val;
            return Double.isNaN(r) ? 0.0 : r;
        }
        if (agg == Aggregate.MIN) {
            return val < target ? val : target;
        }
        return val > target ? val : target;
    }

    /** What ZUNION, ZINTER and ZDIFF read: sorted sets, and sets as if every score were 1. */
    private static final Set<ValueType> SET_OP_INPUTS = EnumSet.of(ValueType.ZSET, ValueType.SET);

    /** Redis's zunionInterDiffGenericCommand. */
    static void zsetop(Call c, byte[] dstKey, int numkeysIdx, SetOp op, boolean cardOnly) {
        Long setnumL = Args.longOrReply(c, numkeysIdx);
        if (setnumL == null) {
            return;
        }
        if (setnumL < 1) {
            c.reply().error("ERR at least 1 input key is needed for '" + c.command.name() + "' command");
            return;
        }
        if (setnumL > c.argc() - (numkeysIdx + 1)) {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        int setnum = setnumL.intValue();
        Src[] src = new Src[setnum];
        int j = numkeysIdx + 1;
        for (int i = 0; i < setnum; i++, j++) {
            Entry e = c.ks().read(c.arg(j));
            src[i] = new Src();
            if (Lookup.wrongType(c, e, SET_OP_INPUTS)) {
                return;
            }
            if (e != null) {
                src[i].value = e.value();
            }
        }
        Aggregate agg = Aggregate.SUM;
        boolean withScores = false;
        long limit = 0;
        int remaining = c.argc() - j;
        while (remaining > 0) {
            if (op != SetOp.DIFF && !cardOnly && remaining >= setnum + 1 && c.argIs(j, "weights")) {
                j++;
                remaining--;
                for (int i = 0; i < setnum; i++, j++, remaining--) {
                    Double w = FloatParse.string2d(c.arg(j));
                    if (w == null) {
                        c.reply().error("ERR weight value is not a float");
                        return;
                    }
                    src[i].weight = w;
                }
            } else if (op != SetOp.DIFF && !cardOnly && remaining >= 2 && c.argIs(j, "aggregate")) {
                j++;
                remaining--;
                if (c.argIs(j, "sum")) {
                    agg = Aggregate.SUM;
                } else if (c.argIs(j, "min")) {
                    agg = Aggregate.MIN;
                } else if (c.argIs(j, "max")) {
                    agg = Aggregate.MAX;
                } else {
                    c.reply().error(Errors.SYNTAX);
                    return;
                }
                j++;
                remaining--;
            } else if (remaining >= 1 && dstKey == null && !cardOnly && c.argIs(j, "withscores")) {
                j++;
                remaining--;
                withScores = true;
            } else if (cardOnly && remaining >= 2 && c.argIs(j, "limit")) {
                j++;
                remaining--;
                Long l = Args.atLeastOrReply(c, j, 0, "ERR LIMIT can't be negative");
                if (l == null) {
                    return;
                }
                limit = l;
                j++;
                remaining--;
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        if (op != SetOp.DIFF) {
            Arrays.sort(src, Comparator.comparingInt(Src::size));
        }
        ZSetValue dst = ZSetValue.skiplist(16);
        long maxLen = 0;
        long card = 0;
        if (op == SetOp.INTER) {
            if (src[0].size() > 0) {
                final Aggregate aggF = agg;
                final long limitF = limit;
                List<Object[]> found = new ArrayList<>();
                long[] cardinality = {0};
                boolean[] stop = {false};
                src[0].forEach((m, s0) -> {
                    if (stop[0]) {
                        return;
                    }
                    double score = src[0].weight * s0;
                    if (Double.isNaN(score)) {
                        score = 0;
                    }
                    for (int k = 1; k < src.length; k++) {
                        double v;
                        if (src[k].value == src[0].value) {
                            v = s0 * src[k].weight;
                        } else {
                            v = src[k].find(m);
                            if (Double.isNaN(v)) {
                                return;
                            }
                            v *= src[k].weight;
                        }
                        score = aggregate(score, v, aggF);
                    }
                    if (cardOnly) {
                        cardinality[0]++;
                        if (limitF != 0 && cardinality[0] >= limitF) {
                            stop[0] = true;
                        }
                    } else {
                        found.add(new Object[] {m, score});
                    }
                });
                card = cardinality[0];
                for (Object[] f : found) {
                    byte[] m = (byte[]) f[0];
                    dst.put(m, (Double) f[1], Long.MAX_VALUE, Long.MAX_VALUE);
                    maxLen = Math.max(maxLen, m.length);
                }
            }
        } else if (op == SetOp.UNION) {
            Map<BytesKey, double[]> acc = new LinkedHashMap<>();
            Map<BytesKey, byte[]> keys = new HashMap<>();
            for (Src s : src) {
                if (s.size() == 0) {
                    continue;
                }
                final Aggregate aggF = agg;
                s.forEach((m, sc) -> {
                    double score = s.weight * sc;
                    if (Double.isNaN(score)) {
                        score = 0;
                    }
                    BytesKey k = new BytesKey(0, m);
                    double[] cur = acc.get(k);
                    if (cur == null) {
                        acc.put(k, new double[] {score});
                    } else {
                        cur[0] = aggregate(cur[0], score, aggF);
                    }
                });
            }
            for (Map.Entry<BytesKey, double[]> en : acc.entrySet()) {
                byte[] m = en.getKey().bytes();
                dst.put(m, en.getValue()[0], Long.MAX_VALUE, Long.MAX_VALUE);
                maxLen = Math.max(maxLen, m.length);
            }
        } else {
            if (src[0].size() > 0) {
                long[] ml = {0};
                src[0].forEach((m, s0) -> {
                    for (int k = 1; k < src.length; k++) {
                        if (src[k].value == src[0].value || !Double.isNaN(src[k].find(m))) {
                            return;
                        }
                    }
                    dst.put(m, s0, Long.MAX_VALUE, Long.MAX_VALUE);
                    ml[0] = Math.max(ml[0], m.length);
                });
                maxLen = ml[0];
            }
        }
        if (dstKey != null) {
            if (dst.size() > 0) {
                if (maxLen <= maxValue(c)) {
                    dst.maybeToListpack(maxEntries(c), maxValue(c));
                }
                store(c, dstKey, dst, op == SetOp.UNION ? "zunionstore" : op == SetOp.INTER ? "zinterstore" : "zdiffstore");
                c.reply().integer(dst.size());
            } else {
                FamilyUtil.deleteTarget(c, dstKey);
                c.reply().integer(0);
            }
        } else if (cardOnly) {
            c.reply().integer(card);
        } else {
            emitRange(c, dst, new Span(0, dst.size() - 1, false), withScores);
        }
    }

    // ---------------------------------------------------------------- ZSCAN

    static void zscan(Call c) {
        Long cursor = KeyFamily.Scan.parseCursor(c.arg(2));
        if (cursor == null) {
            c.reply().error("ERR invalid cursor");
            return;
        }
        ZSetValue z = readZset(c, c.arg(1), Lookup.EMPTY_SCAN);
        if (z == null) {
            return;
        }
        SetFamily.ScanOptions opt = SetFamily.ScanOptions.parse(c, 3);
        if (opt == null) {
            return;
        }
        List<byte[]> out = new ArrayList<>();
        long cur = cursor;
        long maxIterations = opt.count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : opt.count * 10;
        do {
            cur = z.scan(cur, (m, s) -> {
                out.add(m);
                out.add(Bytes.of(Numbers.g17(s)));
            });
        } while (cur != 0 && maxIterations-- > 0 && out.size() < opt.count);
        if (opt.pattern != null) {
            List<byte[]> kept = new ArrayList<>();
            for (int i = 0; i < out.size(); i += 2) {
                if (Glob.match(opt.pattern, out.get(i))) {
                    kept.add(out.get(i));
                    kept.add(out.get(i + 1));
                }
            }
            out.clear();
            out.addAll(kept);
        }
        c.reply().array(2);
        c.reply().bulk(Long.toUnsignedString(cur));
        c.reply().array(out.size());
        for (byte[] m : out) {
            c.reply().bulk(m);
        }
    }
}
