package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.command.Lookup;
import io.ferrite.engine.Notify;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.store.BytesKey;
import io.ferrite.store.Entry;
import io.ferrite.store.Glob;
import io.ferrite.store.ValueType;
import io.ferrite.store.set.SetValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The set commands (Redis 7.0 t_set.c). */
public final class SetFamily {
    private SetFamily() {
    }

    static final String POSITIVE = "ERR value is out of range, must be positive";
    private static final String NUMKEYS = "ERR numkeys should be greater than 0";
    private static final String LIMIT_NEGATIVE = "ERR LIMIT can't be negative";

    public static void register(CommandRegistry r) {
        r.add("sadd", SetFamily::sadd);
        r.add("srem", SetFamily::srem);
        r.add("scard", SetFamily::scard);
        r.add("sismember", SetFamily::sismember);
        r.add("smismember", SetFamily::smismember);
        r.add("smembers", SetFamily::smembers);
        r.add("spop", SetFamily::spop);
        r.add("srandmember", SetFamily::srandmember);
        r.add("smove", SetFamily::smove);
        r.add("sinter", c -> sinter(c, 1, c.argc() - 1, null, false, 0));
        r.add("sinterstore", c -> sinter(c, 2, c.argc() - 2, c.arg(1), false, 0));
        r.add("sintercard", SetFamily::sintercard);
        r.add("sunion", c -> sunionDiff(c, 1, null, false));
        r.add("sunionstore", c -> sunionDiff(c, 2, c.arg(1), false));
        r.add("sdiff", c -> sunionDiff(c, 1, null, true));
        r.add("sdiffstore", c -> sunionDiff(c, 2, c.arg(1), true));
        r.add("sscan", SetFamily::sscan);
    }

    // ---------------------------------------------------------------- helpers

    static long maxIntset(Call c) {
        return c.server.config().getLong("set-max-intset-entries");
    }

    /** The set at key for reading: null after replying {@code missing} (or WRONGTYPE). */
    private static SetValue readSet(Call c, byte[] key, Lookup.Missing missing) {
        return Lookup.value(Lookup.readOrReply(c, key, ValueType.SET, missing));
    }

    /** Reports an in-place change and deletes the key when the set became empty. */
    private static void changed(Call c, Entry e, SetValue s, long before, String event) {
        e.encoding(s.encoding());
        c.ks().modified(e, s.memory() - before);
        c.ks().notify(Notify.SET, event, e.key);
        FamilyUtil.deleteIfEmpty(c, e.key, s.size() == 0);
    }

    /** Redis's setKey for a computed set: replaces any value at {@code key} (a "new" key only if absent), dropping its TTL. */
    private static void store(Call c, byte[] key, SetValue s, String event) {
        FamilyUtil.setKey(c, key, ValueType.SET, s, s.encoding());
        c.ks().notify(Notify.SET, event, key);
    }

    // ---------------------------------------------------------------- commands

    static void sadd(Call c) {
        byte[] key = c.arg(1);
        Entry e = c.ks().write(key);
        if (Lookup.wrongType(c, e, ValueType.SET)) {
            return;
        }
        long max = maxIntset(c);
        long added = 0;
        if (e == null) {
            SetValue s = SetValue.createFor(c.arg(2), c.argc() - 2);
            for (int i = 2; i < c.argc(); i++) {
                if (s.add(c.arg(i), max)) {
                    added++;
                }
            }
            c.ks().add(key, ValueType.SET, s, s.encoding());
            c.ks().notify(Notify.SET, "sadd", key);
        } else {
            SetValue s = (SetValue) e.value();
            long before = s.memory();
            for (int i = 2; i < c.argc(); i++) {
                if (s.add(c.arg(i), max)) {
                    added++;
                }
            }
            if (added > 0) {
                changed(c, e, s, before, "sadd");
            }
        }
        c.reply().integer(added);
    }

    static void srem(Call c) {
        Entry e = Lookup.writeOrReply(c, c.arg(1), ValueType.SET, Lookup.ZERO);
        if (e == null) {
            return;
        }
        SetValue s = (SetValue) e.value();
        long before = s.memory();
        long removed = 0;
        for (int i = 2; i < c.argc(); i++) {
            if (s.remove(c.arg(i))) {
                removed++;
                if (s.size() == 0) {
                    break;
                }
            }
        }
        if (removed > 0) {
            changed(c, e, s, before, "srem");
        }
        c.reply().integer(removed);
    }

    static void scard(Call c) {
        SetValue s = readSet(c, c.arg(1), Lookup.ZERO);
        if (s != null) {
            c.reply().integer(s.size());
        }
    }

    static void sismember(Call c) {
        SetValue s = readSet(c, c.arg(1), Lookup.ZERO);
        if (s != null) {
            c.reply().integer(s.contains(c.arg(2)) ? 1 : 0);
        }
    }

    static void smismember(Call c) {
        Entry e = c.ks().read(c.arg(1));
        if (Lookup.wrongType(c, e, ValueType.SET)) {
            return;
        }
        SetValue s = Lookup.value(e);
        c.reply().array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            c.reply().integer(s != null && s.contains(c.arg(i)) ? 1 : 0);
        }
    }

    static void smembers(Call c) {
        SetValue s = readSet(c, c.arg(1), Lookup.EMPTY_SET);
        if (s == null) {
            return;
        }
        c.reply().set(s.size());
        s.forEach(c.reply()::bulk);
    }

    static void spop(Call c) {
        if (c.argc() > 3) {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        byte[] key = c.arg(1);
        if (c.argc() == 3) {
            spopCount(c, key);
            return;
        }
        Entry e = Lookup.writeOrReply(c, key, ValueType.SET, Lookup.NIL);
        if (e == null) {
            return;
        }
        SetValue s = (SetValue) e.value();
        long before = s.memory();
        byte[] m = s.pop(ThreadLocalRandom.current());
        changed(c, e, s, before, "spop");
        // the member chosen at random, so that replicas remove the same one
        Propagated.as(c, Propagated.SREM, key, m);
        c.reply().bulk(m);
    }

    private static void spopCount(Call c, byte[] key) {
        Long l = Args.atLeastOrReply(c, 2, 0, POSITIVE);
        if (l == null) {
            return;
        }
        Entry e = Lookup.writeOrReply(c, key, ValueType.SET, Lookup.EMPTY_SET);
        if (e == null) {
            return;
        }
        if (l == 0) {
            c.reply().set(0);
            return;
        }
        SetValue s = (SetValue) e.value();
        if (l >= s.size()) {
            // Redis replies the whole set as SUNION of it would, then deletes the key
            SetValue copy = SetValue.intset();
            long max = maxIntset(c);
            s.forEach(m -> copy.add(m, max));
            c.ks().delete(key);
            c.ks().notify(Notify.SET, "spop", key);
            c.ks().notify(Notify.GENERIC, "del", key);
            Propagated.as(c, Propagated.DEL, key);
            c.reply().set(copy.size());
            copy.forEach(c.reply()::bulk);
            return;
        }
        long before = s.memory();
        int count = l.intValue();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        c.reply().set(count);
        for (int i = 0; i < count; i++) {
            byte[] m = s.pop(rnd);
            c.reply().bulk(m);
            // Redis 7.0 propagates one SREM per member (a unit of several, so wrapped in MULTI/EXEC)
            c.alsoPropagate(Propagated.SREM, key, m);
        }
        c.preventPropagation();
        changed(c, e, s, before, "spop");
    }

    static void srandmember(Call c) {
        if (c.argc() > 3) {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        if (c.argc() == 3) {
            srandmemberCount(c);
            return;
        }
        SetValue s = readSet(c, c.arg(1), Lookup.NIL);
        if (s != null) {
            c.reply().bulk(s.random(ThreadLocalRandom.current()));
        }
    }

    private static void srandmemberCount(Call c) {
        Long l = Args.longOrReply(c, 2);
        if (l == null) {
            return;
        }
        if (l == Long.MIN_VALUE) {
            c.reply().error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return;
        }
        boolean uniq = l >= 0;
        long count = Math.abs(l);
        SetValue s = readSet(c, c.arg(1), Lookup.EMPTY_ARRAY);
        if (s == null) {
            return;
        }
        if (count == 0) {
            c.reply().array(0);
            return;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (!uniq || count == 1) {
            if (FamilyUtil.tooManyRandomPicks(c, count, false)) {
                return;
            }
            c.reply().array((int) count);
            for (long i = 0; i < count; i++) {
                c.reply().bulk(s.random(rnd));
            }
            return;
        }
        int size = s.size();
        if (count >= size) {
            c.reply().array(size);
            s.forEach(c.reply()::bulk);
            return;
        }
        c.reply().array((int) count);
        if (count * 3 < size) {
            // few of many: sample until enough distinct members
            java.util.HashSet<BytesKey> picked = new java.util.HashSet<>();
            while (picked.size() < count) {
                byte[] m = s.random(rnd);
                if (picked.add(new BytesKey(0, m))) {
                    c.reply().bulk(m);
                }
            }
            return;
        }
        // distinct random members: shuffle the first count positions of the member list
        List<byte[]> all = s.members();
        for (int i = 0; i < count; i++) {
            int j = i + rnd.nextInt(size - i);
            byte[] t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
            c.reply().bulk(all.get(i));
        }
    }

    static void smove(Call c) {
        byte[] srcKey = c.arg(1);
        byte[] dstKey = c.arg(2);
        byte[] m = c.arg(3);
        Entry src = c.ks().write(srcKey);
        Entry dst = c.ks().write(dstKey);
        if (src == null) {
            c.reply().integer(0);
            return;
        }
        if (Lookup.wrongType(c, src, ValueType.SET) || Lookup.wrongType(c, dst, ValueType.SET)) {
            return;
        }
        SetValue s = (SetValue) src.value();
        if (Arrays.equals(srcKey, dstKey)) {
            c.reply().integer(s.contains(m) ? 1 : 0);
            return;
        }
        long before = s.memory();
        if (!s.remove(m)) {
            c.reply().integer(0);
            return;
        }
        changed(c, src, s, before, "srem");
        long max = maxIntset(c);
        if (dst == null) {
            SetValue d = SetValue.createFor(m, 1);
            d.add(m, max);
            c.ks().add(dstKey, ValueType.SET, d, d.encoding());
            c.ks().notify(Notify.SET, "sadd", dstKey);
        } else {
            SetValue d = (SetValue) dst.value();
            long dBefore = d.memory();
            if (d.add(m, max)) {
                changed(c, dst, d, dBefore, "sadd");
            }
        }
        c.reply().integer(1);
    }

    /** Looks up the sets of args[from, from+n); null after replying WRONGTYPE (every key is checked). */
    private static SetValue[] lookupSets(Call c, int from, int n) {
        SetValue[] sets = new SetValue[n];
        for (int j = 0; j < n; j++) {
            Entry e = c.ks().read(c.arg(from + j));
            if (Lookup.wrongType(c, e, ValueType.SET)) {
                return null;
            }
            sets[j] = Lookup.value(e);
        }
        return sets;
    }

    /** SINTER, SINTERSTORE and SINTERCARD: Redis's sinterGenericCommand. */
    static void sinter(Call c, int from, int n, byte[] dstKey, boolean cardOnly, long limit) {
        SetValue[] sets = lookupSets(c, from, n);
        if (sets == null) {
            return;
        }
        boolean empty = false;
        for (SetValue s : sets) {
            if (s == null) {
                empty = true;
            }
        }
        if (empty) {
            if (dstKey != null) {
                FamilyUtil.deleteTarget(c, dstKey);
                c.reply().integer(0);
            } else if (cardOnly) {
                c.reply().integer(0);
            } else {
                c.reply().set(0);
            }
            return;
        }
        SetValue[] sorted = sets.clone();
        Arrays.sort(sorted, Comparator.comparingInt(SetValue::size));
        List<byte[]> result = new ArrayList<>();
        long[] card = {0};
        boolean[] stop = {false};
        sorted[0].forEach(m -> {
            if (stop[0]) {
                return;
            }
            for (int j = 1; j < sorted.length; j++) {
                if (sorted[j] != sorted[0] && !sorted[j].contains(m)) {
                    return;
                }
            }
            if (cardOnly) {
                card[0]++;
                if (limit != 0 && card[0] >= limit) {
                    stop[0] = true;
                }
            } else {
                result.add(m);
            }
        });
        if (cardOnly) {
            c.reply().integer(card[0]);
            return;
        }
        if (dstKey == null) {
            c.reply().set(result.size());
            for (byte[] m : result) {
                c.reply().bulk(m);
            }
            return;
        }
        SetValue d = SetValue.intset();
        long max = maxIntset(c);
        for (byte[] m : result) {
            d.add(m, max);
        }
        if (d.size() > 0) {
            store(c, dstKey, d, "sinterstore");
        } else {
            FamilyUtil.deleteTarget(c, dstKey);
        }
        c.reply().integer(d.size());
    }

    static void sintercard(Call c) {
        Long numkeys = Args.atLeastOrReply(c, 1, 1, NUMKEYS);
        if (numkeys == null) {
            return;
        }
        if (numkeys > c.argc() - 2) {
            c.reply().error("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (int j = 2 + numkeys.intValue(); j < c.argc(); j++) {
            int more = c.argc() - 1 - j;
            if (c.argIs(j, "limit") && more > 0) {
                j++;
                Long l = Args.atLeastOrReply(c, j, 0, LIMIT_NEGATIVE);
                if (l == null) {
                    return;
                }
                limit = l;
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        sinter(c, 2, numkeys.intValue(), null, true, limit);
    }

    /** SUNION, SDIFF and their STORE forms: Redis's sunionDiffGenericCommand. */
    static void sunionDiff(Call c, int from, byte[] dstKey, boolean diff) {
        int n = c.argc() - from;
        SetValue[] sets = lookupSets(c, from, n);
        if (sets == null) {
            return;
        }
        boolean sameset = false;
        for (int j = 1; j < n; j++) {
            if (sets[0] != null && sets[j] == sets[0]) {
                sameset = true;
            }
        }
        long max = maxIntset(c);
        SetValue d = SetValue.intset();
        if (!diff) {
            for (SetValue s : sets) {
                if (s != null) {
                    s.forEach(m -> d.add(m, max));
                }
            }
        } else if (sets[0] != null && !sameset) {
            sets[0].forEach(m -> {
                for (int j = 1; j < n; j++) {
                    if (sets[j] != null && sets[j].contains(m)) {
                        return;
                    }
                }
                d.add(m, max);
            });
        }
        if (dstKey == null) {
            c.reply().set(d.size());
            d.forEach(c.reply()::bulk);
            return;
        }
        if (d.size() > 0) {
            store(c, dstKey, d, diff ? "sdiffstore" : "sunionstore");
        } else {
            FamilyUtil.deleteTarget(c, dstKey);
        }
        c.reply().integer(d.size());
    }

    static void sscan(Call c) {
        Long cursor = KeyFamily.Scan.parseCursor(c.arg(2));
        if (cursor == null) {
            c.reply().error("ERR invalid cursor");
            return;
        }
        SetValue s = readSet(c, c.arg(1), Lookup.EMPTY_SCAN);
        if (s == null) {
            return;
        }
        ScanOptions opt = ScanOptions.parse(c, 3);
        if (opt == null) {
            return;
        }
        List<byte[]> out = new ArrayList<>();
        long cur = cursor;
        long maxIterations = opt.count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : opt.count * 10;
        do {
            cur = s.scan(cur, out::add);
        } while (cur != 0 && maxIterations-- > 0 && out.size() < opt.count);
        if (opt.pattern != null) {
            out.removeIf(m -> !Glob.match(opt.pattern, m));
        }
        c.reply().array(2);
        c.reply().bulk(Long.toUnsignedString(cur));
        c.reply().array(out.size());
        for (byte[] m : out) {
            c.reply().bulk(m);
        }
    }

    /** The options of SSCAN, HSCAN-like ZSCAN: COUNT and MATCH (TYPE is SCAN's only). */
    static final class ScanOptions {
        long count = 10;
        byte[] pattern;

        static ScanOptions parse(Call c, int from) {
            ScanOptions o = new ScanOptions();
            int i = from;
            while (i < c.argc()) {
                int j = c.argc() - i;
                if (c.argIs(i, "count") && j >= 2) {
                    Long n = Args.longOrReply(c, i + 1);
                    if (n == null) {
                        return null;
                    }
                    if (n < 1) {
                        c.reply().error(Errors.SYNTAX);
                        return null;
                    }
                    o.count = n;
                    i += 2;
                } else if (c.argIs(i, "match") && j >= 2) {
                    byte[] p = c.arg(i + 1);
                    o.pattern = p.length == 1 && p[0] == '*' ? null : p;
                    i += 2;
                } else {
                    c.reply().error(Errors.SYNTAX);
                    return null;
                }
            }
            return o;
        }
    }
}
