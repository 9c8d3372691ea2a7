package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.command.Call;
import io.ferrite.command.CommandRegistry;
import io.ferrite.command.Errors;
import io.ferrite.engine.Keyspace;
import io.ferrite.store.Bytes;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;

/** String commands (Redis t_string.c). */
public final class StringFamily {
    private StringFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("get", StringFamily::get);
        r.add("set", StringFamily::set);
        r.add("mget", StringFamily::mget);
        r.add("mset", StringFamily::mset);
        r.add("incr", c -> incrBy(c, 1));
        r.add("decr", c -> incrBy(c, -1));
        r.add("incrby", c -> incrByArg(c, false));
        r.add("decrby", c -> incrByArg(c, true));
    }

    static void get(Call c) {
        Entry e = c.ks.read(c.arg(1));
        if (e == null) {
            c.reply.nil();
        } else if (e.type != ValueType.STRING) {
            c.reply.error(Errors.WRONGTYPE);
        } else {
            c.reply.bulk(e.bytes());
        }
    }

    static void set(Call c) {
        SetOptions o = SetOptions.parse(c, 3, SetOptions.Mode.SET);
        if (o == null) {
            return;
        }
        Keyspace ks = c.ks;
        byte[] key = c.arg(1);
        if (o.get) {
            Entry old = ks.read(key);
            if (old != null && old.type != ValueType.STRING) {
                c.reply.error(Errors.WRONGTYPE);
                return;
            }
            c.reply.bulk(old == null ? null : old.bytes());
        }
        boolean found = ks.write(key) != null;
        if ((o.nx && found) || (o.xx && !found)) {
            if (!o.get) {
                c.reply.nil();
            }
            return;
        }
        byte[] value = c.arg(2);
        Entry e = ks.setString(key, value, Encoding.forNewString(value), o.keepTtl);
        if (o.expireAt != Entry.NO_EXPIRY) {
            ks.expire(e, o.expireAt);
        }
        if (!o.get) {
            c.reply.ok();
        }
    }

    static void mget(Call c) {
        c.reply.array(c.argc() - 1);
        for (int i = 1; i < c.argc(); i++) {
            Entry e = c.ks.read(c.arg(i));
            c.reply.bulk(e == null || e.type != ValueType.STRING ? null : e.bytes());
        }
    }

    static void mset(Call c) {
        if (c.argc() % 2 == 0) {
            c.reply.error("ERR wrong number of arguments for 'mset' command");
            return;
        }
        for (int i = 1; i < c.argc(); i += 2) {
            c.ks.setString(c.arg(i), c.arg(i + 1), Encoding.forNewString(c.arg(i + 1)), false);
        }
        c.reply.ok();
    }

    private static void incrByArg(Call c, boolean negate) {
        Long by = Args.longOrReply(c, 2);
        if (by == null) {
            return;
        }
        if (negate) {
            if (by == Long.MIN_VALUE) {
                c.reply.error("ERR decrement would overflow");
                return;
            }
            by = -by;
        }
        incrBy(c, by);
    }

    static void incrBy(Call c, long by) {
        byte[] key = c.arg(1);
        Entry e = c.ks.write(key);
        if (e != null && e.type != ValueType.STRING) {
            c.reply.error(Errors.WRONGTYPE);
            return;
        }
        long current = 0;
        if (e != null) {
            Long v = Bytes.parseLongStrict(e.bytes());
            if (v == null) {
                c.reply.error(Errors.NOT_INTEGER);
                return;
            }
            current = v;
        }
        if ((by < 0 && current < 0 && by < Long.MIN_VALUE - current)
            || (by > 0 && current > 0 && by > Long.MAX_VALUE - current)) {
            c.reply.error(Errors.OVERFLOW);
            return;
        }
        long result = current + by;
        byte[] value = Bytes.fromLong(result);
        if (e == null) {
            c.ks.add(key, ValueType.STRING, value, Encoding.INT);
        } else {
            c.ks.replace(e, ValueType.STRING, value, Encoding.INT);
        }
        c.reply.integer(result);
    }
}
