package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.command.Lookup;
import io.ferrite.command.Numbers;
import io.ferrite.engine.Keyspace;
import io.ferrite.engine.Notify;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.store.Bytes;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;

import java.util.Arrays;

/** String commands (Redis t_string.c). */
public final class StringFamily {
    private StringFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("get", StringFamily::get);
        r.add("set", StringFamily::set);
        r.add("setnx", StringFamily::setnx);
        r.add("setex", c -> setWithExpire(c, SetOptions.Unit.EX, "setex"));
        r.add("psetex", c -> setWithExpire(c, SetOptions.Unit.PX, "psetex"));
        r.add("getex", StringFamily::getex);
        r.add("getdel", StringFamily::getdel);
        r.add("getset", StringFamily::getset);
        r.add("mget", StringFamily::mget);
        r.add("mset", c -> mset(c, false));
        r.add("msetnx", c -> mset(c, true));
        r.add("append", StringFamily::append);
        r.add("strlen", StringFamily::strlen);
        r.add("getrange", StringFamily::getrange);
        r.add("substr", StringFamily::getrange);
        r.add("setrange", StringFamily::setrange);
        r.add("incr", c -> incrBy(c, 1));
        r.add("decr", c -> incrBy(c, -1));
        r.add("incrby", c -> incrByArg(c, false));
        r.add("decrby", c -> incrByArg(c, true));
        r.add("incrbyfloat", StringFamily::incrbyfloat);
        r.add("lcs", StringFamily::lcs);
    }

    /** proto-max-bulk-len, capped at what a Java array can hold. */
    static long maxStringLength(Call c) {
        return Math.min(c.server.config().getLong("proto-max-bulk-len"), Integer.MAX_VALUE - 16);
    }

    /** Redis's checkStringLength: false after replying when {@code current + added} is too long. */
    static boolean checkStringLength(Call c, long current, long added) {
        long total = current + added;
        if (total < current || total > maxStringLength(c)) {
            c.reply().error(Errors.STRING_TOO_LONG);
            return false;
        }
        return true;
    }

    /**
     * Redis's getGenericCommand: replies the value (or nil); false after replying WRONGTYPE.
     */
    private static boolean getGeneric(Call c) {
        Entry e = c.ks().read(c.arg(1));
        if (Lookup.wrongType(c, e, ValueType.STRING)) {
            return false;
        }
        c.reply().bulk(e == null ? null : e.bytes());
        return true;
    }

    static void get(Call c) {
        getGeneric(c);
    }

    static void set(Call c) {
        SetOptions o = SetOptions.parse(c, 3, SetOptions.Mode.SET);
        if (o == null || !o.resolveExpire(c, "set")) {
            return;
        }
        setGeneric(c, o, c.arg(1), c.arg(2), false);
    }

    /** Redis's setGenericCommand; {@code integerReply} is SETNX's 1/0 instead of OK/nil. */
    private static void setGeneric(Call c, SetOptions o, byte[] key, byte[] value, boolean integerReply) {
        Keyspace ks = c.ks();
        if (o.get && !getGeneric(c)) {
            return;
        }
        Entry old = ks.write(key);
        boolean found = old != null;
        if ((o.nx && found) || (o.xx && !found)) {
            if (!o.get) {
                if (integerReply) {
                    c.reply().integer(0);
                } else {
                    c.reply().nil();
                }
            }
            return;
        }
        // the entry found above is overwritten in place: no second lookup of the key
        Encoding encoding = Encoding.forNewString(value);
        Entry e = old;
        if (e == null) {
            e = ks.add(key, ValueType.STRING, value, encoding);
        } else {
            ks.replace(e, ValueType.STRING, value, encoding);
            if (!o.keepTtl && e.hasExpiry()) {
                ks.expire(e, Entry.NO_EXPIRY);
            }
        }
        ks.notify(Notify.STRING, "set", key);
        if (o.expireAt != Entry.NO_EXPIRY) {
            ks.expire(e, o.expireAt);
            ks.notify(Notify.GENERIC, "expire", key);
            // PXAT given too: Redis 7.0 rewrites whatever the form, dropping NX, XX and GET
            Propagated.asSetPxat(c, key, value, o.expireAt);
        } else if (o.get) {
            // setCommand propagates itself without its GET words: a replica has no one to answer
            Propagated.withoutGet(c);
        }
        if (!o.get) {
            if (integerReply) {
                c.reply().integer(1);
            } else {
                c.reply().ok();
            }
        }
    }

    static void setnx(Call c) {
        SetOptions o = new SetOptions();
        o.nx = true;
        setGeneric(c, o, c.arg(1), c.arg(2), true);
    }

    private static void setWithExpire(Call c, SetOptions.Unit unit, String name) {
        SetOptions o = new SetOptions();
        o.unit = unit;
        o.expire = c.arg(2);
        if (!o.resolveExpire(c, name)) {
            return;
        }
        setGeneric(c, o, c.arg(1), c.arg(3), false);
    }

    static void getex(Call c) {
        SetOptions o = SetOptions.parse(c, 2, SetOptions.Mode.GETEX);
        if (o == null) {
            return;
        }
        byte[] key = c.arg(1);
        Entry e = Lookup.readOrReply(c, key, ValueType.STRING, Lookup.NIL);
        if (e == null) {
            return;
        }
        if (!o.resolveExpire(c, "getex")) {
            return;
        }
        c.reply().bulk(e.bytes());
        if (o.absolute() && o.expireAt <= c.now() && !c.ks().keepsPastExpiries()) {
            c.ks().delete(key);
            c.ks().notify(Notify.GENERIC, "del", key);
            Propagated.asExpiredDelete(c, key);
        } else if (o.unit != SetOptions.Unit.NONE) {
            c.ks().expire(e, o.expireAt);
            c.ks().notify(Notify.GENERIC, "expire", key);
            Propagated.asPexpireat(c, key, o.expireAt);
        } else if (o.persist && e.hasExpiry()) {
            c.ks().expire(e, Entry.NO_EXPIRY);
            c.ks().notify(Notify.GENERIC, "persist", key);
            Propagated.as(c, Propagated.PERSIST, key);
        }
    }

    static void getdel(Call c) {
        Entry e = Lookup.readOrReply(c, c.arg(1), ValueType.STRING, Lookup.NIL);
        if (e == null) {
            return;
        }
        c.reply().bulk(e.bytes());
        c.ks().delete(c.arg(1));
        c.ks().notify(Notify.GENERIC, "del", c.arg(1));
        Propagated.as(c, Propagated.DEL, c.arg(1));
    }

    static void getset(Call c) {
        if (!getGeneric(c)) {
            return;
        }
        byte[] value = c.arg(2);
        c.ks().setString(c.arg(1), value, Encoding.forNewString(value), false);
        c.ks().notify(Notify.STRING, "set", c.arg(1));
        // getsetCommand rewrites its argv[0]: replicas and the AOF see (and count) a SET
        Propagated.as(c, Propagated.SET, c.arg(1), value);
    }

    static void mget(Call c) {
        c.reply().array(c.argc() - 1);
        for (int i = 1; i < c.argc(); i++) {
            Entry e = c.ks().read(c.arg(i));
            c.reply().bulk(e == null || e.type() != ValueType.STRING ? null : e.bytes());
        }
    }

    static void mset(Call c, boolean nx) {
        if (c.argc() % 2 == 0) {
            c.reply().error("ERR wrong number of arguments for '" + (nx ? "msetnx" : "mset") + "' command");
            return;
        }
        if (nx) {
            for (int i = 1; i < c.argc(); i += 2) {
                if (c.ks().write(c.arg(i)) != null) {
                    c.reply().integer(0);
                    return;
                }
            }
        }
        for (int i = 1; i < c.argc(); i += 2) {
            c.ks().setString(c.arg(i), c.arg(i + 1), Encoding.forNewString(c.arg(i + 1)), false);
            c.ks().notify(Notify.STRING, "set", c.arg(i));
        }
        if (nx) {
            c.reply().integer(1);
        } else {
            c.reply().ok();
        }
    }

    static void append(Call c) {
        byte[] key = c.arg(1);
        byte[] add = c.arg(2);
        Entry e = c.ks().write(key);
        if (Lookup.wrongType(c, e, ValueType.STRING)) {
            return;
        }
        if (e == null) {
            c.ks().add(key, ValueType.STRING, add, Encoding.forNewString(add));
            c.ks().notify(Notify.STRING, "append", key);
            c.reply().integer(add.length);
            return;
        }
        byte[] old = e.bytes();
        if (!checkStringLength(c, old.length, add.length)) {
            return;
        }
        byte[] v = Arrays.copyOf(old, old.length + add.length);
        System.arraycopy(add, 0, v, old.length, add.length);
        c.ks().replace(e, ValueType.STRING, v, Encoding.RAW);
        c.ks().notify(Notify.STRING, "append", key);
        c.reply().integer(v.length);
    }

    static void strlen(Call c) {
        Entry e = Lookup.readOrReply(c, c.arg(1), ValueType.STRING, Lookup.ZERO);
        if (e != null) {
            c.reply().integer(e.bytes().length);
        }
    }

    static void getrange(Call c) {
        Long s = Args.longOrReply(c, 2);
        if (s == null) {
            return;
        }
        Long en = Args.longOrReply(c, 3);
        if (en == null) {
            return;
        }
        Entry e = Lookup.readOrReply(c, c.arg(1), ValueType.STRING, Lookup.EMPTY_BULK);
        if (e == null) {
            return;
        }
        byte[] v = e.bytes();
        long len = v.length;
        long start = s;
        long end = en;
        if (start < 0 && end < 0 && start > end) {
            c.reply().bulk(Bytes.EMPTY);
            return;
        }
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            c.reply().bulk(Bytes.EMPTY);
        } else {
            c.reply().bulk(v, (int) start, (int) (end - start + 1));
        }
    }

    static void setrange(Call c) {
        Long off = Args.longOrReply(c, 2);
        if (off == null) {
            return;
        }
        long offset = off;
        if (offset < 0) {
            c.reply().error(Errors.OFFSET);
            return;
        }
        byte[] key = c.arg(1);
        byte[] value = c.arg(3);
        Entry e = c.ks().write(key);
        if (Lookup.wrongType(c, e, ValueType.STRING)) {
            return;
        }
        if (e == null) {
            if (value.length == 0) {
                c.reply().integer(0);
                return;
            }
            if (!checkStringLength(c, offset, value.length)) {
                return;
            }
            byte[] v = new byte[(int) offset + value.length];
            System.arraycopy(value, 0, v, (int) offset, value.length);
            c.ks().add(key, ValueType.STRING, v, Encoding.RAW);
            c.ks().notify(Notify.STRING, "setrange", key);
            c.reply().integer(v.length);
            return;
        }
        byte[] old = e.bytes();
        if (value.length == 0) {
            c.reply().integer(old.length);
            return;
        }
        if (!checkStringLength(c, offset, value.length)) {
            return;
        }
        byte[] v = Arrays.copyOf(old, (int) Math.max(old.length, offset + value.length));
        System.arraycopy(value, 0, v, (int) offset, value.length);
        c.ks().replace(e, ValueType.STRING, v, Encoding.RAW);
        c.ks().notify(Notify.STRING, "setrange", key);
        c.reply().integer(v.length);
    }

    private static void incrByArg(Call c, boolean negate) {
        Long by = Args.longOrReply(c, 2);
        if (by == null) {
            return;
        }
        if (negate) {
            if (by == Long.MIN_VALUE) {
                c.reply().error("ERR decrement would overflow");
                return;
            }
            by = -by;
        }
        incrBy(c, by);
    }

    static void incrBy(Call c, long by) {
        byte[] key = c.arg(1);
        Entry e = c.ks().write(key);
        if (Lookup.wrongType(c, e, ValueType.STRING)) {
            return;
        }
        long current = 0;
        if (e != null) {
            Long v = Bytes.parseLongStrict(e.bytes());
            if (v == null) {
                c.reply().error(Errors.NOT_INTEGER);
                return;
            }
            current = v;
        }
        if ((by < 0 && current < 0 && by < Long.MIN_VALUE - current)
            || (by > 0 && current > 0 && by > Long.MAX_VALUE - current)) {
            c.reply().error(Errors.OVERFLOW);
            return;
        }
        long result = current + by;
        byte[] value = Bytes.fromLong(result);
        if (e == null) {
            c.ks().add(key, ValueType.STRING, value, Encoding.INT);
        } else {
            c.ks().replace(e, ValueType.STRING, value, Encoding.INT);
        }
        c.ks().notify(Notify.STRING, "incrby", key);
        c.reply().integer(result);
    }

    static void incrbyfloat(Call c) {
        byte[] key = c.arg(1);
        Entry e = c.ks().write(key);
        if (Lookup.wrongType(c, e, ValueType.STRING)) {
            return;
        }
        Numbers.LongDouble current = Numbers.LongDouble.ZERO;
        if (e != null) {
            current = Numbers.parseLongDouble(e.bytes());
            if (current == null) {
                c.reply().error(Errors.NOT_FLOAT);
                return;
            }
        }
        Numbers.LongDouble incr = Numbers.parseLongDouble(c.arg(2));
        if (incr == null) {
            c.reply().error(Errors.NOT_FLOAT);
            return;
        }
        Numbers.LongDouble sum = Numbers.add(current, incr);
        if (sum == null || sum.isInfinite()) {
            c.reply().error("ERR increment would produce NaN or Infinity");
            return;
        }
        byte[] value = Numbers.formatHuman(sum);
        // createStringObject: embstr when short, never int
        Encoding enc = value.length <= Encoding.EMBSTR_LIMIT ? Encoding.EMBSTR : Encoding.RAW;
        if (e == null) {
            c.ks().add(key, ValueType.STRING, value, enc);
        } else {
            c.ks().replace(e, ValueType.STRING, value, enc);
        }
        c.ks().notify(Notify.STRING, "incrbyfloat", key);
        // the result, not the increment: float formatting must not differ between master and replica
        Propagated.as(c, Propagated.SET, key, value, Propagated.KEEPTTL);
        c.reply().bulk(value);
    }

    static void lcs(Call c) {
        Entry ea = c.ks().read(c.arg(1));
        Entry eb = c.ks().read(c.arg(2));
        if ((ea != null && ea.type() != ValueType.STRING) || (eb != null && eb.type() != ValueType.STRING)) {
            c.reply().error("ERR The specified keys must contain string values");
            return;
        }
        byte[] a = ea == null ? Bytes.EMPTY : ea.bytes();
        byte[] b = eb == null ? Bytes.EMPTY : eb.bytes();
        boolean getLen = false;
        boolean getIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < c.argc(); j++) {
            int more = c.argc() - 1 - j;
            if (c.argIs(j, "idx")) {
                getIdx = true;
            } else if (c.argIs(j, "len")) {
                getLen = true;
            } else if (c.argIs(j, "withmatchlen")) {
                withMatchLen = true;
            } else if (c.argIs(j, "minmatchlen") && more > 0) {
                Long v = Args.longOrReply(c, j + 1);
                if (v == null) {
                    return;
                }
                minMatchLen = Math.max(0, v);
                j++;
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        if (getIdx && getLen) {
            c.reply().error("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        int alen = a.length;
        int blen = b.length;
        long cells = (long) (alen + 1) * (blen + 1);
        if (cells * 4 > c.server.config().getLong("proto-max-bulk-len")) {
            c.reply().error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        int[] lcs;
        try {
            if (cells > Integer.MAX_VALUE - 16) {
                throw new OutOfMemoryError();
            }
            lcs = new int[(int) cells];
        } catch (OutOfMemoryError oom) {
            c.reply().error("ERR Insufficient memory, failed allocating transient memory for LCS");
            return;
        }
        int w = blen + 1;
        for (int i = 1; i <= alen; i++) {
            int row = i * w;
            int prev = (i - 1) * w;
            byte ai = a[i - 1];
            for (int j = 1; j <= blen; j++) {
                if (ai == b[j - 1]) {
                    lcs[row + j] = lcs[prev + j - 1] + 1;
                } else {
                    int l1 = lcs[prev + j];
                    int l2 = lcs[row + j - 1];
                    lcs[row + j] = Math.max(l1, l2);
                }
            }
        }
        int total = lcs[alen * w + blen];
        boolean computeLcs = getIdx || !getLen;
        if (!computeLcs) {
            c.reply().integer(total);
            return;
        }
        byte[] result = new byte[total];
        int idx = total;
        // ranges found, as {aStart, aEnd, bStart, bEnd, len}, in emission order
        java.util.List<long[]> ranges = new java.util.ArrayList<>();
        int arangeStart = alen;
        int arangeEnd = 0;
        int brangeStart = 0;
        int brangeEnd = 0;
        int i = alen;
        int j = blen;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                result[idx - 1] = a[i - 1];
                if (arangeStart == alen) {
                    arangeStart = i - 1;
                    arangeEnd = i - 1;
                    brangeStart = j - 1;
                    brangeEnd = j - 1;
                } else if (arangeStart == i && brangeStart == j) {
                    arangeStart--;
                    brangeStart--;
                } else {
                    emit = true;
                }
                if (arangeStart == 0 || brangeStart == 0) {
                    emit = true;
                }
                idx--;
                i--;
                j--;
            } else {
                int l1 = lcs[(i - 1) * w + j];
                int l2 = lcs[i * w + j - 1];
                if (l1 > l2) {
                    i--;
                } else {
                    j--;
                }
                if (arangeStart != alen) {
                    emit = true;
                }
            }
            long matchLen = (long) arangeEnd - arangeStart + 1;
            if (emit) {
                if (minMatchLen == 0 || matchLen >= minMatchLen) {
                    ranges.add(new long[] {arangeStart, arangeEnd, brangeStart, brangeEnd, matchLen});
                }
                arangeStart = alen;
            }
        }
        if (!getIdx) {
            c.reply().bulk(result);
            return;
        }
        c.reply().map(2);
        c.reply().bulk(MATCHES);
        c.reply().array(ranges.size());
        for (long[] r : ranges) {
            c.reply().array(withMatchLen ? 3 : 2);
            c.reply().array(2);
            c.reply().integer(r[0]);
            c.reply().integer(r[1]);
            c.reply().array(2);
            c.reply().integer(r[2]);
            c.reply().integer(r[3]);
            if (withMatchLen) {
                c.reply().integer(r[4]);
            }
        }
        c.reply().bulk(LEN);
        c.reply().integer(total);
    }

    private static final byte[] MATCHES = Bytes.of("matches");
    private static final byte[] LEN = Bytes.of("len");
}
