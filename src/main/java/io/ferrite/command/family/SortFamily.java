package io.ferrite.command.family;

import io.ferrite.command.Lookup;
import io.ferrite.engine.AclGate;
import io.ferrite.engine.Notify;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandKeys;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.store.Bytes;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;
import io.ferrite.store.hash.HashValue;
import io.ferrite.store.list.ListValue;
import io.ferrite.store.set.SetValue;
import io.ferrite.store.zset.FloatParse;
import io.ferrite.store.zset.ZSetValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * SORT and SORT_RO (Redis 7.0 sort.c). BY and GET patterns name keys that are not among the
 * arguments and may live on any shard: such a call declares them ({@link #KEYS}), and the engine
 * runs it with every shard held against a keyspace reaching any key. A call without patterns (or
 * with {@code GET #} only) takes the ordinary path of its sort key and STORE destination.
 */
public final class SortFamily {
    static final String NOT_DOUBLE = "ERR One or more scores can't be converted into double";

    private SortFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("sort", c -> sort(c, false), KEYS);
        r.add("sort_ro", c -> sort(c, true), READ_ONLY_KEYS);
    }

    // ---------------------------------------------------------------- keys

    /**
     * Redis's sortGetKeys: the sorted key, and the last STORE destination; options are skipped as
     * the parser skips them. Patterns with a '*' after BY or GET reach undeclared keys.
     */
    static final CommandKeys KEYS = new CommandKeys() {
        @Override
        public void positions(byte[][] args, Sink sink) {
            sink.key(1, 0);
            int store = -1;
            for (int i = 2; i < args.length; i++) {
                int skip = optionArgs(args[i]);
                if (skip > 0) {
                    i += skip;
                } else if (Bytes.is(args[i], "store") && i + 1 < args.length) {
                    store = i + 1;
                }
            }
            if (store > 0) {
                sink.key(store, 2);
            }
        }

        @Override
        public boolean undeclared(byte[][] args) {
            return hasPattern(args);
        }
    };

    static final CommandKeys READ_ONLY_KEYS = new CommandKeys() {
        @Override
        public void positions(byte[][] args, Sink sink) {
            sink.key(1, 0);
        }

        @Override
        public boolean undeclared(byte[][] args) {
            return hasPattern(args);
        }
    };

    /** How many arguments follow an option in sortGetKeys's skip list (LIMIT 2, GET and BY 1). */
    private static int optionArgs(byte[] a) {
        if (Bytes.is(a, "limit")) {
            return 2;
        }
        return Bytes.is(a, "get") || Bytes.is(a, "by") ? 1 : 0;
    }

    /** Any argument after a BY or GET that contains '*': a superset of the patterns SORT looks keys up with. */
    private static boolean hasPattern(byte[][] args) {
        for (int i = 3; i < args.length; i++) {
            if ((Bytes.is(args[i - 1], "by") || Bytes.is(args[i - 1], "get")) && cStringIndexOf(args[i], (byte) '*', 0) >= 0) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- options

    /** The parsed options, as sortCommandGeneric reads them. */
    private static final class Options {
        boolean desc;
        boolean alpha;
        long limitStart;
        long limitCount = -1;
        byte[] by;
        boolean dontSort;
        byte[] store;
        final List<byte[]> gets = new ArrayList<>();

        /** Null after replying Redis's error. */
        static Options parse(Call c, boolean readOnly) {
            Options o = new Options();
            for (int j = 2; j < c.argc(); j++) {
                int left = c.argc() - j - 1;
                if (c.argIs(j, "asc")) {
                    o.desc = false;
                } else if (c.argIs(j, "desc")) {
                    o.desc = true;
                } else if (c.argIs(j, "alpha")) {
                    o.alpha = true;
                } else if (c.argIs(j, "limit") && left >= 2) {
                    Long start = Bytes.parseLongStrict(c.arg(j + 1));
                    Long count = start == null ? null : Bytes.parseLongStrict(c.arg(j + 2));
                    if (count == null) {
                        c.reply().error(Errors.NOT_INTEGER);
                        return null;
                    }
                    o.limitStart = start;
                    o.limitCount = count;
                    j += 2;
                } else if (!readOnly && c.argIs(j, "store") && left >= 1) {
                    o.store = c.arg(++j);
                } else if (c.argIs(j, "by") && left >= 1) {
                    o.by = c.arg(++j);
                    // a BY without '*' is constant: nothing to look up, nothing to sort
                    if (cStringIndexOf(o.by, (byte) '*', 0) < 0) {
                        o.dontSort = true;
                    } else if (!AclGate.readsEveryKey(c)) {
                        // the pattern reaches keys the user's key patterns may not allow
                        c.reply().error("ERR BY option of SORT denied due to insufficient ACL permissions.");
                        return null;
                    }
                } else if (c.argIs(j, "get") && left >= 1) {
                    if (!AclGate.readsEveryKey(c)) {
                        c.reply().error("ERR GET option of SORT denied due to insufficient ACL permissions.");
                        return null;
                    }
                    o.gets.add(c.arg(++j));
                } else {
                    c.reply().error(Errors.SYNTAX);
                    return null;
                }
            }
            return o;
        }
    }

    /** One element being sorted: its bytes, and the numeric score or the BY value it sorts by. */
    private static final class Item {
        final byte[] obj;
        double score;
        byte[] cmp;

        Item(byte[] obj) {
            this.obj = obj;
        }
    }

    // ---------------------------------------------------------------- SORT

    /** What SORT sorts; a missing key sorts as an empty list. */
    private static final Set<ValueType> SORTABLE = EnumSet.of(ValueType.LIST, ValueType.SET, ValueType.ZSET);

    static void sort(Call c, boolean readOnly) {
        Options o = Options.parse(c, readOnly);
        if (o == null) {
            return;
        }
        Entry e = c.ks().read(c.arg(1));
        if (Lookup.wrongType(c, e, SORTABLE)) {
            return;
        }
        ValueType type = e == null ? ValueType.LIST : e.type();
        // a set has no order of its own: stored, or returned to a script, without sorting, it is
        // sorted ALPHA for a stable result (a script's effects must not depend on hash order)
        if (o.dontSort && type == ValueType.SET && (o.store != null || c.client.script())) {
            o.dontSort = false;
            o.alpha = true;
            o.by = null;
        }
        if (type == ValueType.ZSET) {
            toSkiplist(c, e);
        }
        int size = e == null ? 0 : switch (type) {
            case LIST -> (int) ((ListValue) e.value()).size();
            case SET -> ((SetValue) e.value()).size();
            default -> ((ZSetValue) e.value()).size();
        };
        // LIMIT, clamped to the size as Redis 7.0 does (no overflow for huge values)
        long start = Math.min(Math.max(o.limitStart, 0), size);
        long count = Math.min(Math.max(o.limitCount, -1), size);
        long end = count < 0 ? size - 1 : start + count - 1;
        if (start >= size) {
            start = size - 1;
            end = size - 2;
        }
        if (end >= size) {
            end = size - 1;
        }
        Item[] vector;
        if (o.dontSort && type != ValueType.SET) {
            // lists and sorted sets keep their own order (reversed by DESC); only the range is loaded
            vector = loadRange(e, type, start, end, o.desc, size);
            end -= start;
            start = 0;
        } else {
            vector = loadAll(e, type, size);
        }
        boolean converted = true;
        if (!o.dontSort) {
            converted = weigh(c, o, vector);
            sortRange(o, vector, start, end);
        }
        long outLen = (o.gets.isEmpty() ? 1 : o.gets.size()) * (end - start + 1);
        if (!converted) {
            c.reply().error(NOT_DOUBLE);
        } else if (o.store == null) {
            c.reply().array((int) outLen);
            for (long j = start; j <= end; j++) {
                Item it = vector[(int) j];
                if (o.gets.isEmpty()) {
                    c.reply().bulk(it.obj);
                }
                for (byte[] pattern : o.gets) {
                    c.reply().bulk(lookupByPattern(c, pattern, it.obj));
                }
            }
        } else {
            store(c, o, vector, start, end, outLen);
        }
    }

    /**
     * Gives each element what it sorts by: the BY value (a missing one leaves score 0 and no ALPHA
     * value) or the element itself, as a number unless ALPHA. False when a number does not convert.
     */
    private static boolean weigh(Call c, Options o, Item[] vector) {
        boolean converted = true;
        for (Item it : vector) {
            byte[] by = o.by == null ? it.obj : lookupByPattern(c, o.by, it.obj);
            if (by == null) {
                continue;
            }
            if (o.alpha) {
                if (o.by != null) {
                    it.cmp = by;
                }
            } else {
                Double d = score(by);
                if (d == null) {
                    converted = false;
                } else {
                    it.score = d;
                }
            }
        }
        return converted;
    }

    /** Sorts as Redis: BY with a LIMIT that cuts the result uses pqsort, anything else qsort. */
    private static void sortRange(Options o, Item[] vector, long start, long end) {
        if (end < start) {
            return; // nothing is output, so no order can be observed
        }
        Comparator<Item> cmp = comparator(o);
        if (o.by != null && (start != 0 || end != vector.length - 1)) {
            PartialQuickSort.sort(vector, cmp, (int) start, (int) end);
        } else {
            // glibc's qsort is a stable merge sort here, as is Java's object sort
            Arrays.sort(vector, cmp);
        }
    }

    /** STORE: the result replaces the destination as a list (TTL dropped), or deletes it when empty. */
    private static void store(Call c, Options o, Item[] vector, long start, long end, long outLen) {
        ListValue list = new ListValue();
        int fill = ListFamily.fill(c);
        for (long j = start; j <= end; j++) {
            Item it = vector[(int) j];
            if (o.gets.isEmpty()) {
                list.pushTail(it.obj, fill);
            }
            for (byte[] pattern : o.gets) {
                byte[] v = lookupByPattern(c, pattern, it.obj);
                list.pushTail(v == null ? Bytes.EMPTY : v, fill);
            }
        }
        if (outLen > 0) {
            c.ks().delete(o.store);
            c.ks().add(o.store, ValueType.LIST, list, Encoding.QUICKLIST);
            c.ks().notify(Notify.LIST, "sortstore", o.store);
            c.ks().signalReady(o.store);
        } else {
            FamilyUtil.deleteTarget(c, o.store);
        }
        c.reply().integer(outLen);
    }

    /** SORT converts a listpack sorted set to a skiplist for good, as Redis's zsetConvert does. */
    private static void toSkiplist(Call c, Entry e) {
        ZSetValue z = (ZSetValue) e.value();
        if (z.isListpack()) {
            long before = z.memory();
            z.toSkiplist();
            e.encoding(Encoding.SKIPLIST);
            c.ks().resized(e, z.memory() - before);
        }
    }

    private static Item[] loadAll(Entry e, ValueType type, int size) {
        Item[] v = new Item[size];
        if (e == null) {
            return v;
        }
        int[] n = {0};
        switch (type) {
            case LIST -> ((ListValue) e.value()).range(0, size, false,
                (b, off, len) -> v[n[0]++] = new Item(Arrays.copyOfRange(b, off, off + len)));
            case SET -> ((SetValue) e.value()).forEach(m -> v[n[0]++] = new Item(m));
            default -> ((ZSetValue) e.value()).forEach((m, s) -> v[n[0]++] = new Item(m));
        }
        return v;
    }

    /** Elements {@code start..end} of a list or sorted set in its own order, counted from the tail when {@code desc}. */
    private static Item[] loadRange(Entry e, ValueType type, long start, long end, boolean desc, int size) {
        int n = (int) Math.max(0, end - start + 1);
        Item[] v = new Item[n];
        if (n == 0) {
            return v;
        }
        int[] k = {0};
        if (type == ValueType.LIST) {
            ((ListValue) e.value()).range(desc ? size - start - 1 : start, n, desc,
                (b, off, len) -> v[k[0]++] = new Item(Arrays.copyOfRange(b, off, off + len)));
        } else {
            long from = desc ? size - 1 - end : start;
            ((ZSetValue) e.value()).range(from, from + n - 1, desc, (m, s) -> v[k[0]++] = new Item(m));
        }
        return v;
    }

    /**
     * sortCompare: numeric by score, ties by the elements' bytes; ALPHA by the BY values (missing
     * ones first) or by the elements. Without STORE Redis compares with strcoll, which in the C and
     * C.UTF-8 locales is strcmp: bytes up to the first NUL. With STORE it compares all the bytes.
     */
    private static Comparator<Item> comparator(Options o) {
        boolean binary = o.store != null;
        Comparator<Item> cmp;
        if (!o.alpha) {
            cmp = (a, b) -> a.score > b.score ? 1 : a.score < b.score ? -1 : Bytes.compare(a.obj, b.obj);
        } else if (o.by != null) {
            cmp = (a, b) -> {
                if (a.cmp == null || b.cmp == null) {
                    return a.cmp == b.cmp ? 0 : a.cmp == null ? -1 : 1;
                }
                return binary ? Bytes.compare(a.cmp, b.cmp) : cStringCompare(a.cmp, b.cmp);
            };
        } else {
            cmp = (a, b) -> binary ? Bytes.compare(a.obj, b.obj) : cStringCompare(a.obj, b.obj);
        }
        if (o.desc) {
            Comparator<Item> asc = cmp;
            return (a, b) -> -Integer.signum(asc.compare(a, b));
        }
        return cmp;
    }

    /**
     * strtod over the C string, as SORT scores it: all of it up to the first NUL must parse (a NUL
     * is never part of a number, so strtod stops there), no overflow or underflow, no NaN.
     */
    private static Double score(byte[] v) {
        FloatParse.Result r = FloatParse.strtod(v, 0);
        if (r.end() != cStringLength(v) || r.range() || Double.isNaN(r.value())) {
            return null;
        }
        return r.value();
    }

    // ---------------------------------------------------------------- patterns

    /**
     * lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the
     * element and the key's string value is returned, or with "->field" after the '*' that field
     * of the key's hash. Null when the pattern has no '*' or the key, type or field does not fit.
     * Like Redis, the '*' and "->" are searched for as in a C string (up to a NUL byte).
     */
    static byte[] lookupByPattern(Call c, byte[] pattern, byte[] element) {
        if (pattern.length > 0 && pattern[0] == '#' && (pattern.length == 1 || pattern[1] == 0)) {
            return element;
        }
        int star = cStringIndexOf(pattern, (byte) '*', 0);
        if (star < 0) {
            return null;
        }
        int arrow = cStringIndexOf(pattern, (byte) '-', star + 1);
        while (arrow >= 0 && !(arrow + 1 < pattern.length && pattern[arrow + 1] == '>')) {
            arrow = cStringIndexOf(pattern, (byte) '-', arrow + 1);
        }
        byte[] field = null;
        if (arrow >= 0 && arrow + 2 < pattern.length && pattern[arrow + 2] != 0) {
            field = Arrays.copyOfRange(pattern, arrow + 2, pattern.length);
        }
        int postfix = pattern.length - (star + 1) - (field != null ? field.length + 2 : 0);
        byte[] key = new byte[star + element.length + postfix];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(element, 0, key, star, element.length);
        System.arraycopy(pattern, star + 1, key, star + element.length, postfix);
        Entry e = c.ks().read(key);
        if (e == null) {
            return null;
        }
        if (field != null) {
            return e.type() == ValueType.HASH ? ((HashValue) e.value()).get(field) : null;
        }
        return e.type() == ValueType.STRING ? e.bytes() : null;
    }

    /** Index of {@code b} in {@code s} from {@code from}, looking no further than the first NUL (strchr). */
    private static int cStringIndexOf(byte[] s, byte b, int from) {
        for (int i = from; i < s.length && s[i] != 0; i++) {
            if (s[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int cStringLength(byte[] s) {
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0) {
                return i;
            }
        }
        return s.length;
    }

    /** strcmp: unsigned bytes up to the first NUL of either. */
    static int cStringCompare(byte[] a, byte[] b) {
        int la = cStringLength(a);
        int lb = cStringLength(b);
        return Arrays.compareUnsigned(a, 0, la, b, 0, lb);
    }
}
