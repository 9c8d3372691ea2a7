package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.command.Lookup;
import io.ferrite.command.Numbers;
import io.ferrite.engine.Notify;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.store.Bytes;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.Glob;
import io.ferrite.store.ValueType;
import io.ferrite.store.hash.FieldTable;
import io.ferrite.store.hash.HashValue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hash commands (Redis 7.0 t_hash.c). Small hashes are listpacks, converted for good to a hash
 * table once they exceed hash-max-listpack-entries fields or get a field or value longer than
 * hash-max-listpack-value bytes.
 */
public final class HashFamily {
    private HashFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("hset", c -> hset(c, false));
        r.add("hmset", c -> hset(c, true));
        r.add("hsetnx", HashFamily::hsetnx);
        r.add("hget", HashFamily::hget);
        r.add("hmget", HashFamily::hmget);
        r.add("hdel", HashFamily::hdel);
        r.add("hlen", HashFamily::hlen);
        r.add("hstrlen", HashFamily::hstrlen);
        r.add("hexists", HashFamily::hexists);
        r.add("hkeys", c -> getAll(c, true, false));
        r.add("hvals", c -> getAll(c, false, true));
        r.add("hgetall", c -> getAll(c, true, true));
        r.add("hincrby", HashFamily::hincrby);
        r.add("hincrbyfloat", HashFamily::hincrbyfloat);
        r.add("hrandfield", HashFamily::hrandfield);
        r.add("hscan", HashFamily::hscan);
    }

    /** The hash a command reads or changes; one loaded corrupt with sanitize-dump-payload no ends the server here. */
    private static HashValue hash(Entry e) {
        HashValue h = (HashValue) e.value();
        FamilyUtil.readable(h.corruption(), "hash");
        return h;
    }

    /** A hash being written, with what is needed to account for the change afterwards. */
    private static final class Target {
        Entry entry;
        HashValue hash;
        long before;
        long maxValue;
        long maxEntries;
    }

    /** Redis's hashTypeLookupWriteOrCreate: null after replying WRONGTYPE. */
    private static Target writeOrCreate(Call c, byte[] key) {
        Entry e = c.ks().write(key);
        if (Lookup.wrongType(c, e, ValueType.HASH)) {
            return null;
        }
        if (e == null) {
            e = c.ks().add(key, ValueType.HASH, new HashValue(), Encoding.LISTPACK);
        }
        Target t = new Target();
        t.entry = e;
        t.hash = hash(e);
        t.before = t.hash.memory();
        t.maxValue = c.server.config().getLong("hash-max-listpack-value");
        t.maxEntries = c.server.config().getLong("hash-max-listpack-entries");
        return t;
    }

    /** Redis's hashTypeSet: converts first for a long field or value, afterwards when too many fields. */
    private static boolean set(Target t, byte[] f, byte[] v) {
        HashValue h = t.hash;
        if (h.isListpack() && (f.length > t.maxValue || v.length > t.maxValue)) {
            h.convertToTable();
        }
        boolean created = h.set(f, v);
        if (h.isListpack() && h.size() > t.maxEntries) {
            h.convertToTable();
        }
        return created;
    }

    private static void done(Call c, Target t, String event) {
        t.entry.encoding(t.hash.encoding());
        c.ks().modified(t.entry, t.hash.memory() - t.before);
        c.ks().notify(Notify.HASH, event, t.entry.key);
    }

    // ---------------------------------------------------------------- writes

    static void hset(Call c, boolean hmset) {
        if (c.argc() % 2 == 1) {
            c.reply().error("ERR wrong number of arguments for '" + (hmset ? "hmset" : "hset") + "' command");
            return;
        }
        Target t = writeOrCreate(c, c.arg(1));
        if (t == null) {
            return;
        }
        // hashTypeTryConversion: any long argument converts before anything is set
        if (t.hash.isListpack()) {
            for (int i = 2; i < c.argc(); i++) {
                if (c.arg(i).length > t.maxValue) {
                    t.hash.convertToTable();
                    break;
                }
            }
        }
        int created = 0;
        for (int i = 2; i < c.argc(); i += 2) {
            if (set(t, c.arg(i), c.arg(i + 1))) {
                created++;
            }
        }
        done(c, t, "hset");
        if (hmset) {
            c.reply().ok();
        } else {
            c.reply().integer(created);
        }
    }

    static void hsetnx(Call c) {
        Target t = writeOrCreate(c, c.arg(1));
        if (t == null) {
            return;
        }
        if (t.hash.contains(c.arg(2))) {
            c.reply().integer(0);
            return;
        }
        set(t, c.arg(2), c.arg(3));
        done(c, t, "hset");
        c.reply().integer(1);
    }

    static void hdel(Call c) {
        Entry e = Lookup.writeOrReply(c, c.arg(1), ValueType.HASH, Lookup.ZERO);
        if (e == null) {
            return;
        }
        HashValue h = hash(e);
        long before = h.memory();
        int deleted = 0;
        for (int i = 2; i < c.argc(); i++) {
            if (h.delete(c.arg(i))) {
                deleted++;
                if (h.size() == 0) {
                    break;
                }
            }
        }
        if (deleted > 0) {
            c.ks().modified(e, h.memory() - before);
            c.ks().notify(Notify.HASH, "hdel", e.key);
            FamilyUtil.deleteIfEmpty(c, e.key, h.size() == 0);
        }
        c.reply().integer(deleted);
    }

    static void hincrby(Call c) {
        Long incr = Args.longOrReply(c, 3);
        if (incr == null) {
            return;
        }
        Target t = writeOrCreate(c, c.arg(1));
        if (t == null) {
            return;
        }
        long value = 0;
        byte[] cur = t.hash.get(c.arg(2));
        if (cur != null) {
            Long v = Bytes.parseLongStrict(cur);
            if (v == null) {
                c.reply().error("ERR hash value is not an integer");
                return;
            }
            value = v;
        }
        long by = incr;
        if ((by < 0 && value < 0 && by < Long.MIN_VALUE - value) || (by > 0 && value > 0 && by > Long.MAX_VALUE - value)) {
            c.reply().error(Errors.OVERFLOW);
            return;
        }
        value += by;
        set(t, c.arg(2), Bytes.fromLong(value));
        done(c, t, "hincrby");
        c.reply().integer(value);
    }

    static void hincrbyfloat(Call c) {
        Numbers.LongDouble incr = Numbers.parseLongDouble(c.arg(3));
        if (incr == null) {
            c.reply().error(Errors.NOT_FLOAT);
            return;
        }
        if (incr.isInfinite()) {
            c.reply().error("ERR value is NaN or Infinity");
            return;
        }
        Target t = writeOrCreate(c, c.arg(1));
        if (t == null) {
            return;
        }
        Numbers.LongDouble value = Numbers.LongDouble.ZERO;
        byte[] cur = t.hash.get(c.arg(2));
        if (cur != null) {
            value = Numbers.parseLongDouble(cur);
            if (value == null) {
                c.reply().error("ERR hash value is not a float");
                return;
            }
        }
        Numbers.LongDouble sum = Numbers.add(value, incr);
        if (sum == null || sum.isInfinite()) {
            c.reply().error("ERR increment would produce NaN or Infinity");
            return;
        }
        byte[] formatted = Numbers.formatHuman(sum);
        set(t, c.arg(2), formatted);
        done(c, t, "hincrbyfloat");
        Propagated.as(c, Propagated.HSET, c.arg(1), c.arg(2), formatted);
        c.reply().bulk(formatted);
    }

    // ---------------------------------------------------------------- reads

    /** The hash at a key for reading: null after replying {@code missing} (or WRONGTYPE). */
    private static HashValue readHash(Call c, Lookup.Missing missing) {
        return Lookup.value(Lookup.readOrReply(c, c.arg(1), ValueType.HASH, missing));
    }

    static void hget(Call c) {
        HashValue h = readHash(c, Lookup.NIL);
        if (h != null) {
            c.reply().bulk(h.get(c.arg(2)));
        }
    }

    static void hmget(Call c) {
        Entry e = c.ks().read(c.arg(1));
        if (Lookup.wrongType(c, e, ValueType.HASH)) {
            return;
        }
        HashValue h = Lookup.value(e);
        c.reply().array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            c.reply().bulk(h == null ? null : h.get(c.arg(i)));
        }
    }

    static void hlen(Call c) {
        HashValue h = readHash(c, Lookup.ZERO);
        if (h != null) {
            c.reply().integer(h.size());
        }
    }

    static void hstrlen(Call c) {
        HashValue h = readHash(c, Lookup.ZERO);
        if (h != null) {
            c.reply().integer(Math.max(0, h.valueLength(c.arg(2))));
        }
    }

    static void hexists(Call c) {
        HashValue h = readHash(c, Lookup.ZERO);
        if (h != null) {
            c.reply().integer(h.contains(c.arg(2)) ? 1 : 0);
        }
    }

    static void getAll(Call c, boolean fields, boolean values) {
        boolean map = fields && values;
        HashValue h = readHash(c, map ? Lookup.EMPTY_MAP : Lookup.EMPTY_ARRAY);
        if (h == null) {
            return;
        }
        if (map) {
            c.reply().map(h.size());
        } else {
            c.reply().array(h.size());
        }
        h.forEach((fb, fo, fl, vb, vo, vl) -> {
            if (fields) {
                c.reply().bulk(fb, fo, fl);
            }
            if (values) {
                c.reply().bulk(vb, vo, vl);
            }
        });
    }

    // ---------------------------------------------------------------- HRANDFIELD

    static void hrandfield(Call c) {
        if (c.argc() >= 3) {
            Long l = Args.longOrReply(c, 2);
            if (l == null) {
                return;
            }
            if (l == Long.MIN_VALUE) {
                c.reply().error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
                return;
            }
            boolean withValues = false;
            if (c.argc() > 4 || (c.argc() == 4 && !c.argIs(3, "withvalues"))) {
                c.reply().error(Errors.SYNTAX);
                return;
            } else if (c.argc() == 4) {
                withValues = true;
                if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                    c.reply().error("ERR value is out of range");
                    return;
                }
            }
            randomWithCount(c, l, withValues);
            return;
        }
        HashValue h = readHash(c, Lookup.NIL);
        if (h == null) {
            return;
        }
        c.reply().bulk(h.fieldAtPos(h.posOf(ThreadLocalRandom.current().nextInt(h.size()))));
    }

    private static void randomWithCount(Call c, long l, boolean withValues) {
        HashValue h = readHash(c, Lookup.EMPTY_ARRAY);
        if (h == null) {
            return;
        }
        boolean uniq = l >= 0;
        long count = uniq ? l : -l;
        if (count == 0) {
            c.reply().array(0);
            return;
        }
        boolean resp3 = c.reply().resp3();
        int size = h.size();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (!uniq || count == 1) {
            if (FamilyUtil.tooManyRandomPicks(c, count, withValues)) {
                return;
            }
            // a table's positions are its indexes: no need to list them
            int[] pos = h.isListpack() ? h.pairOffsets() : null;
            c.reply().array(withValues && !resp3 ? (int) (count * 2) : (int) count);
            for (long i = 0; i < count; i++) {
                int k = rnd.nextInt(size);
                replyPair(c, h, pos == null ? k : pos[k], withValues, resp3);
            }
            return;
        }
        int n;
        int[] chosen;
        if (count >= size) {
            n = size;
            chosen = h.pairOffsets();
        } else if (!h.isListpack() && count * 3 <= size) {
            // few of many (Redis's case 4): random picks, skipping repeats
            n = (int) count;
            chosen = new int[n];
            java.util.HashSet<Integer> taken = new java.util.HashSet<>();
            for (int k = 0; k < n; ) {
                int i = rnd.nextInt(size);
                if (taken.add(i)) {
                    chosen[k++] = i;
                }
            }
        } else {
            int[] pos = h.pairOffsets();
            n = (int) count;
            chosen = new int[n];
            if (h.isListpack()) {
                // selection sampling keeps listpack order, as lpRandomPairsUnique does
                int need = n;
                int k = 0;
                for (int i = 0; i < size && need > 0; i++) {
                    if (rnd.nextInt(size - i) < need) {
                        chosen[k++] = pos[i];
                        need--;
                    }
                }
            } else {
                for (int i = 0; i < n; i++) {
                    int j = i + rnd.nextInt(size - i);
                    int tmp = pos[i];
                    pos[i] = pos[j];
                    pos[j] = tmp;
                    chosen[i] = pos[i];
                }
            }
        }
        c.reply().array(withValues && !resp3 ? n * 2 : n);
        for (int i = 0; i < n; i++) {
            replyPair(c, h, chosen[i], withValues, resp3);
        }
    }

    private static void replyPair(Call c, HashValue h, int pos, boolean withValues, boolean resp3) {
        if (withValues && resp3) {
            c.reply().array(2);
        }
        c.reply().bulk(h.fieldAtPos(pos));
        if (withValues) {
            c.reply().bulk(h.valueAtPos(pos));
        }
    }

    // ---------------------------------------------------------------- HSCAN

    static void hscan(Call c) {
        Long cursor = KeyFamily.Scan.parseCursor(c.arg(2));
        if (cursor == null) {
            c.reply().error("ERR invalid cursor");
            return;
        }
        HashValue h = readHash(c, Lookup.EMPTY_SCAN);
        if (h == null) {
            return;
        }
        long count = 10;
        byte[] pattern = null;
        for (int i = 3; i < c.argc(); ) {
            int more = c.argc() - i;
            if (c.argIs(i, "count") && more >= 2) {
                Long n = Args.longOrReply(c, i + 1);
                if (n == null) {
                    return;
                }
                if (n < 1) {
                    c.reply().error(Errors.SYNTAX);
                    return;
                }
                count = n;
                i += 2;
            } else if (c.argIs(i, "match") && more >= 2) {
                byte[] p = c.arg(i + 1);
                pattern = Glob.matchesAll(p) ? null : p;
                i += 2;
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        List<byte[]> items = new ArrayList<>();
        long next = 0;
        FieldTable table = h.table();
        if (table == null) {
            h.forEach((fb, fo, fl, vb, vo, vl) -> {
                items.add(java.util.Arrays.copyOfRange(fb, fo, fo + fl));
                items.add(java.util.Arrays.copyOfRange(vb, vo, vo + vl));
            });
        } else {
            long maxIterations = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
            long cur = cursor;
            do {
                cur = table.scan(cur, (f, v) -> {
                    items.add(f);
                    items.add(v);
                });
            } while (cur != 0 && maxIterations-- > 0 && items.size() < count);
            next = cur;
        }
        int n = items.size();
        if (pattern != null) {
            int w = 0;
            for (int i = 0; i < n; i += 2) {
                if (Glob.match(pattern, items.get(i))) {
                    items.set(w++, items.get(i));
                    items.set(w++, items.get(i + 1));
                }
            }
            n = w;
        }
        c.reply().array(2);
        c.reply().bulk(Bytes.of(Long.toUnsignedString(next)));
        c.reply().array(n);
        for (int i = 0; i < n; i++) {
            c.reply().bulk(items.get(i));
        }
    }
}
