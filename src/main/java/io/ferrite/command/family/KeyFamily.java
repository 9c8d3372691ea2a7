package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.engine.Client;
import io.ferrite.engine.Eviction;
import io.ferrite.engine.Keyspace;
import io.ferrite.engine.LruClock;
import io.ferrite.engine.Notify;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.engine.tracking.TrackingTable;
import io.ferrite.store.Bytes;
import io.ferrite.store.CollectionValue;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.FreeEffort;
import io.ferrite.store.Glob;
import io.ferrite.store.ValueType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Generic key commands and database commands (Redis db.c, expire.c, object.c). */
public final class KeyFamily {
    private KeyFamily() {
    }

    static final String LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
        + "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
    static final String LFU_SELECTED = "ERR An LFU maxmemory policy is selected, idle time not tracked. "
        + "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
    /** OBJ_SHARED_REFCOUNT: the refcount Redis reports for its shared integers 0..9999. */
    static final long SHARED_REFCOUNT = Integer.MAX_VALUE;
    static final int SHARED_INTEGERS = 10000;

    private static final String[] OBJECT_HELP = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    };

    public static void register(CommandRegistry r) {
        r.add("del", KeyFamily::del);
        r.add("unlink", KeyFamily::unlink);
        r.add("exists", KeyFamily::exists);
        r.add("type", KeyFamily::type);
        r.add("touch", KeyFamily::touch);
        r.add("expire", c -> expire(c, c.now(), true));
        r.add("pexpire", c -> expire(c, c.now(), false));
        r.add("expireat", c -> expire(c, 0, true));
        r.add("pexpireat", c -> expire(c, 0, false));
        r.add("ttl", c -> ttl(c, false, false));
        r.add("pttl", c -> ttl(c, true, false));
        r.add("expiretime", c -> ttl(c, false, true));
        r.add("pexpiretime", c -> ttl(c, true, true));
        r.add("persist", KeyFamily::persist);
        r.add("rename", c -> rename(c, false));
        r.add("renamenx", c -> rename(c, true));
        r.add("copy", KeyFamily::copy);
        r.add("move", KeyFamily::move);
        r.add("object|encoding", KeyFamily::objectEncoding);
        r.add("object|freq", KeyFamily::objectFreq);
        r.add("object|idletime", KeyFamily::objectIdletime);
        r.add("object|refcount", KeyFamily::objectRefcount);
        r.add("object|help", KeyFamily::objectHelp);
        r.addSharded("keys", new Keys());
        r.addSharded("scan", new Scan());
        r.addSharded("randomkey", new RandomKey());
        r.addSharded("dbsize", new DbSize());
        r.addSharded("flushdb", new Flush(false));
        r.addSharded("flushall", new Flush(true));
        r.addSharded("swapdb", new SwapDb());
    }

    // ---------------------------------------------------------------- lookups

    /**
     * Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH): counts a keyspace hit or miss but leaves the
     * key's LRU clock alone (EXISTS, TYPE, TTL, OBJECT).
     */
    static Entry readNoTouch(Keyspace ks, byte[] key) {
        Entry e = ks.peek(key);
        if (e == null) {
            ks.read(key);
            return null;
        }
        int lru = e.lru();
        ks.read(key);
        e.lru(lru);
        return e;
    }

    /** The number of databases (the "databases" directive). */
    static int databases(Call c) {
        return c.server.engine().shard(0).databases();
    }

    /**
     * A copy of a value for COPY: strings are immutable byte[] once stored (every string command
     * replaces the array rather than writing into it), so the copy shares it. Each collection type
     * adds its deep copy here.
     */
    static Object copyValue(Entry e) {
        if (e.type() == ValueType.STRING) {
            return e.value();
        }
        if (e.value() instanceof CollectionValue v) {
            return v.copy();
        }
        throw new IllegalStateException("COPY of type " + e.type() + " is not implemented");
    }

    // ---------------------------------------------------------------- DEL EXISTS TYPE TOUCH

    /** UNLINK: DEL whose large values (Redis's free effort above its threshold) count as freed lazily. */
    static void unlink(Call c) {
        long n = 0;
        for (int i = 1; i < c.argc(); i++) {
            Entry e = c.ks().peek(c.arg(i));
            if (e != null && c.ks().delete(c.arg(i))) {
                if (FreeEffort.of(e) > FreeEffort.LAZYFREE_THRESHOLD) {
                    c.ks().lazyFreed(c.arg(i), 1);
                }
                c.ks().notify(Notify.GENERIC, "del", c.arg(i));
                n++;
            }
        }
        c.reply().integer(n);
    }

    static void del(Call c) {
        long n = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (c.ks().delete(c.arg(i))) {
                c.ks().notify(Notify.GENERIC, "del", c.arg(i));
                n++;
            }
        }
        c.reply().integer(n);
    }

    static void exists(Call c) {
        long n = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (readNoTouch(c.ks(), c.arg(i)) != null) {
                n++;
            }
        }
        c.reply().integer(n);
    }

    static void type(Call c) {
        Entry e = readNoTouch(c.ks(), c.arg(1));
        c.reply().simple(e == null ? "none" : e.type().redisName());
    }

    static void touch(Call c) {
        long n = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (c.ks().read(c.arg(i)) != null) {
                n++;
            }
        }
        c.reply().integer(n);
    }

    // ---------------------------------------------------------------- expiry

    /** EXPIRE's NX XX GT LT: when the new expiry may replace the current one. */
    private enum Condition { NX, XX, GT, LT }

    /** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT: Redis's expireGenericCommand. */
    static void expire(Call c, long basetime, boolean seconds) {
        Set<Condition> only = c.argc() > 3 ? EnumSet.noneOf(Condition.class) : Set.of();
        for (int j = 3; j < c.argc(); j++) {
            if (c.argIs(j, "nx")) {
                only.add(Condition.NX);
            } else if (c.argIs(j, "xx")) {
                only.add(Condition.XX);
            } else if (c.argIs(j, "gt")) {
                only.add(Condition.GT);
            } else if (c.argIs(j, "lt")) {
                only.add(Condition.LT);
            } else {
                c.reply().error("ERR Unsupported option " + c.argString(j));
                return;
            }
        }
        if (only.contains(Condition.NX) && only.size() > 1) {
            c.reply().error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if (only.contains(Condition.GT) && only.contains(Condition.LT)) {
            c.reply().error("ERR GT and LT options at the same time are not compatible");
            return;
        }
        Long parsed = Args.longOrReply(c, 2);
        if (parsed == null) {
            return;
        }
        long when = parsed;
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                c.reply().error(Errors.invalidExpire(c.command.fullName()));
                return;
            }
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - basetime) {
            c.reply().error(Errors.invalidExpire(c.command.fullName()));
            return;
        }
        when += basetime;
        byte[] key = c.arg(1);
        Entry e = c.ks().write(key);
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        if (!only.isEmpty()) {
            long current = e.expireAt();
            if (only.contains(Condition.NX) && current != Entry.NO_EXPIRY) {
                c.reply().integer(0);
                return;
            }
            if (only.contains(Condition.XX) && current == Entry.NO_EXPIRY) {
                c.reply().integer(0);
                return;
            }
            if (only.contains(Condition.GT) && (when <= current || current == Entry.NO_EXPIRY)) {
                c.reply().integer(0);
                return;
            }
            if (only.contains(Condition.LT) && current != Entry.NO_EXPIRY && when >= current) {
                c.reply().integer(0);
                return;
            }
        }
        if (when <= c.ks().now() && !c.ks().keepsPastExpiries()) {
            c.ks().delete(key);
            c.ks().notify(Notify.GENERIC, "del", key);
            Propagated.asExpiredDelete(c, key);
        } else {
            c.ks().expire(e, when);
            c.ks().notify(Notify.GENERIC, "expire", key);
            if (basetime != 0 || seconds) {
                Propagated.asPexpireat(c, key, when);
            }
        }
        c.reply().integer(1);
    }

    /** TTL, PTTL, EXPIRETIME, PEXPIRETIME: Redis's ttlGenericCommand. */
    static void ttl(Call c, boolean millis, boolean absolute) {
        Entry e = readNoTouch(c.ks(), c.arg(1));
        if (e == null) {
            c.reply().integer(-2);
            return;
        }
        if (!e.hasExpiry()) {
            c.reply().integer(-1);
            return;
        }
        long ttl = absolute ? e.expireAt() : e.expireAt() - c.ks().now();
        if (ttl < 0) {
            ttl = 0;
        }
        c.reply().integer(millis ? ttl : (ttl + 500) / 1000);
    }

    static void persist(Call c) {
        Entry e = c.ks().write(c.arg(1));
        if (e == null || !e.hasExpiry()) {
            c.reply().integer(0);
            return;
        }
        c.ks().expire(e, Entry.NO_EXPIRY);
        c.ks().notify(Notify.GENERIC, "persist", c.arg(1));
        c.reply().integer(1);
    }

    // ---------------------------------------------------------------- RENAME COPY MOVE

    static void rename(Call c, boolean nx) {
        byte[] src = c.arg(1);
        byte[] dst = c.arg(2);
        Keyspace ks = c.ks();
        Entry o = ks.write(src);
        if (o == null) {
            c.reply().error(Errors.NO_SUCH_KEY);
            return;
        }
        if (Arrays.equals(src, dst)) {
            if (nx) {
                c.reply().integer(0);
            } else {
                c.reply().ok();
            }
            return;
        }
        long expire = o.expireAt();
        if (ks.write(dst) != null) {
            if (nx) {
                c.reply().integer(0);
                return;
            }
            ks.delete(dst);
        }
        ValueType type = o.type();
        Object value = o.value();
        Encoding encoding = o.encoding();
        int lru = o.lru();
        ks.delete(src);
        Entry n = ks.add(dst, type, value, encoding);
        n.lru(lru);
        if (expire != Entry.NO_EXPIRY) {
            ks.expire(n, expire);
        }
        ks.notify(Notify.GENERIC, "rename_from", src);
        ks.notify(Notify.GENERIC, "rename_to", dst);
        if (nx) {
            c.reply().integer(1);
        } else {
            c.reply().ok();
        }
    }

    static void copy(Call c) {
        Keyspace ks = c.ks();
        Keyspace dst = ks;
        boolean replace = false;
        for (int j = 3; j < c.argc(); j++) {
            int additional = c.argc() - j - 1;
            if (c.argIs(j, "replace")) {
                replace = true;
            } else if (c.argIs(j, "db") && additional >= 1) {
                Integer id = Args.intOrReply(c, j + 1);
                if (id == null) {
                    return;
                }
                if (id < 0 || id >= databases(c)) {
                    c.reply().error(Errors.DB_INDEX);
                    return;
                }
                dst = id == ks.index() ? ks : ks.other(id);
                j++;
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        byte[] key = c.arg(1);
        byte[] newKey = c.arg(2);
        if (dst.index() == ks.index() && Arrays.equals(key, newKey)) {
            c.reply().error(Errors.SAME_OBJECT);
            return;
        }
        Entry o = ks.read(key);
        if (o == null) {
            c.reply().integer(0);
            return;
        }
        long expire = o.expireAt();
        boolean delete = false;
        if (dst.write(newKey) != null) {
            if (!replace) {
                c.reply().integer(0);
                return;
            }
            delete = true;
        }
        Object value = copyValue(o);
        if (delete) {
            dst.delete(newKey);
        }
        Entry n = dst.add(newKey, o.type(), value, o.encoding());
        if (expire != Entry.NO_EXPIRY) {
            dst.expire(n, expire);
        }
        dst.notify(Notify.GENERIC, "copy_to", newKey);
        c.reply().integer(1);
    }

    static void move(Call c) {
        Keyspace ks = c.ks();
        Integer id = Args.intOrReply(c, 2);
        if (id == null) {
            return;
        }
        if (id < 0 || id >= databases(c)) {
            c.reply().error(Errors.DB_INDEX);
            return;
        }
        if (id == ks.index()) {
            c.reply().error(Errors.SAME_OBJECT);
            return;
        }
        byte[] key = c.arg(1);
        Entry o = ks.write(key);
        if (o == null) {
            c.reply().integer(0);
            return;
        }
        Keyspace dst = ks.other(id);
        if (dst.write(key) != null) {
            c.reply().integer(0);
            return;
        }
        long expire = o.expireAt();
        ValueType type = o.type();
        Object value = o.value();
        Encoding encoding = o.encoding();
        int lru = o.lru();
        ks.delete(key);
        Entry n = dst.add(key, type, value, encoding);
        n.lru(lru);
        if (expire != Entry.NO_EXPIRY) {
            dst.expire(n, expire);
        }
        ks.notify(Notify.GENERIC, "move_from", key);
        dst.notify(Notify.GENERIC, "move_to", key);
        c.reply().integer(1);
    }

    // ---------------------------------------------------------------- OBJECT

    private static boolean lfuPolicy(Call c) {
        return c.server != null && c.server.engine().access().lfu();
    }

    static void objectEncoding(Call c) {
        Entry e = readNoTouch(c.ks(), c.arg(2));
        if (e == null) {
            c.reply().nil();
            return;
        }
        c.reply().bulk(e.encoding().redisName());
    }

    static void objectFreq(Call c) {
        Entry e = readNoTouch(c.ks(), c.arg(2));
        if (e == null) {
            c.reply().nil();
            return;
        }
        if (!lfuPolicy(c)) {
            c.reply().error(LFU_NOT_SELECTED);
            return;
        }
        // decayed as of now, as Redis's LFUDecrAndReturn
        c.reply().integer(c.server.engine().access().counter(e.lru(), c.now()));
    }

    static void objectIdletime(Call c) {
        Entry e = readNoTouch(c.ks(), c.arg(2));
        if (e == null) {
            c.reply().nil();
            return;
        }
        if (lfuPolicy(c)) {
            c.reply().error(LFU_SELECTED);
            return;
        }
        c.reply().integer(LruClock.idleMillis(e.lru(), c.now()) / 1000);
    }

    static void objectRefcount(Call c) {
        Entry e = readNoTouch(c.ks(), c.arg(2));
        if (e == null) {
            c.reply().nil();
            return;
        }
        c.reply().integer(isSharedInteger(e) && !sharingDisabled(c) ? SHARED_REFCOUNT : 1);
    }

    /**
     * Redis stops sharing integers when maxmemory is set with an LRU or LFU policy
     * (MAXMEMORY_FLAG_NO_SHARED_INTEGERS: each key needs its own access field). Redis decides when
     * the value is written; Ferrite shares nothing, so it answers by the settings in force now.
     */
    private static boolean sharingDisabled(Call c) {
        if (c.server == null || c.server.engine().maxMemory() == 0) {
            return false;
        }
        Eviction.Policy p = c.server.engine().evictionPolicy();
        return p.lfu() || p == Eviction.Policy.ALLKEYS_LRU || p == Eviction.Policy.VOLATILE_LRU;
    }

    /** Strings Redis stores as one of its shared integer objects (0..9999, "int" encoding). */
    private static boolean isSharedInteger(Entry e) {
        if (e.type() != ValueType.STRING || e.encoding() != Encoding.INT) {
            return false;
        }
        Long v = Bytes.parseLongStrict(e.bytes());
        return v != null && v >= 0 && v < SHARED_INTEGERS;
    }

    static void objectHelp(Call c) {
        c.reply().array(OBJECT_HELP.length);
        for (String line : OBJECT_HELP) {
            c.reply().simple(line);
        }
    }

    // ---------------------------------------------------------------- whole keyspace

    /** KEYS: every shard's matching live keys, in shard order. */
    static final class Keys implements ShardedCommand {
        @Override
        public Object onShard(Call call, Keyspace ks) {
            byte[] pattern = call.arg(1);
            boolean all = Glob.matchesAll(pattern);
            List<byte[]> keys = new ArrayList<>();
            ((ShardKeyspace) ks).forEachLive(e -> {
                if (all || Glob.match(pattern, e.key)) {
                    keys.add(e.key);
                }
            });
            return keys;
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            int n = 0;
            for (Object p : parts) {
                n += ((List<?>) p).size();
            }
            call.reply().array(n);
            for (Object p : parts) {
                for (Object k : (List<?>) p) {
                    call.reply().bulk((byte[]) k);
                }
            }
        }
    }

    /**
     * SCAN over the shards one after another. The cursor is the shard's own (reverse-binary, as
     * Redis's dictScan) cursor shifted left by just enough bits to hold the shard index, which sits
     * in the low bits: with one shard the cursor is exactly the table's cursor. Each shard at or
     * after the cursor's shard scans its part in parallel; the reply takes whole parts in shard
     * order until COUNT is reached, so a small database is returned in one call with cursor 0.
     */
    static final class Scan implements ShardedCommand {
        static final class Options {
            int shard;
            long shardCursor;
            boolean done;
            long count = 10;
            byte[] pattern;
            byte[] type;
        }

        static final class Part {
            final List<byte[]> keys = new ArrayList<>();
            long collected;
            long next;
        }

        static int shardBits(int shards) {
            return 32 - Integer.numberOfLeadingZeros(shards - 1);
        }

        /** Redis's parseScanCursorOrReply (strtoul): leading '+'/'-', no spaces, no overflow; "" is 0. */
        static Long parseCursor(byte[] b) {
            if (b.length == 0) {
                return 0L;
            }
            int i = 0;
            boolean neg = false;
            if (b[0] == '+' || b[0] == '-') {
                neg = b[0] == '-';
                i++;
            }
            if (i == b.length) {
                return null;
            }
            long v = 0;
            for (; i < b.length; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    return null;
                }
                // unsigned overflow check: v * 10 + d must stay within 2^64 - 1
                if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                    return null;
                }
                long t = v * 10;
                long r = t + d;
                if (Long.compareUnsigned(r, t) < 0) {
                    return null;
                }
                v = r;
            }
            return neg ? -v : v;
        }

        /** Parses the arguments; null after replying an error (when {@code reply} is set). */
        static Options parse(Call c, int shards, boolean reply) {
            Long cursor = parseCursor(c.arg(1));
            if (cursor == null) {
                if (reply) {
                    c.reply().error("ERR invalid cursor");
                }
                return null;
            }
            Options o = new Options();
            int i = 2;
            while (i < c.argc()) {
                int j = c.argc() - i;
                if (c.argIs(i, "count") && j >= 2) {
                    Long n = Bytes.parseLongStrict(c.arg(i + 1));
                    if (n == null) {
                        if (reply) {
                            c.reply().error(Errors.NOT_INTEGER);
                        }
                        return null;
                    }
                    if (n < 1) {
                        if (reply) {
                            c.reply().error(Errors.SYNTAX);
                        }
                        return null;
                    }
                    o.count = n;
                    i += 2;
                } else if (c.argIs(i, "match") && j >= 2) {
                    byte[] p = c.arg(i + 1);
                    o.pattern = Glob.matchesAll(p) ? null : p;
                    i += 2;
                } else if (c.argIs(i, "type") && j >= 2) {
                    o.type = c.arg(i + 1);
                    i += 2;
                } else {
                    if (reply) {
                        c.reply().error(Errors.SYNTAX);
                    }
                    return null;
                }
            }
            int bits = shardBits(shards);
            o.shard = (int) (cursor & ((1L << bits) - 1));
            o.shardCursor = cursor >>> bits;
            o.done = o.shard >= shards;
            return o;
        }

        @Override
        public boolean atomic() {
            return false;
        }

        @Override
        public Object onShard(Call call, Keyspace ks) {
            ShardKeyspace sk = (ShardKeyspace) ks;
            Options o = parse(call, call.server.engine().shardCount(), false);
            int id = sk.shard().id;
            if (o == null || o.done || id < o.shard) {
                return null;
            }
            Part part = new Part();
            ValueType wanted = o.type == null ? null : ValueType.byName(o.type);
            long cursor = id == o.shard ? o.shardCursor : 0;
            long maxIterations = o.count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : o.count * 10;
            do {
                cursor = sk.scan(cursor, e -> {
                    part.collected++;
                    if (o.pattern != null && !Glob.match(o.pattern, e.key)) {
                        return;
                    }
                    if (o.type != null && e.type() != wanted) {
                        return;
                    }
                    part.keys.add(e.key);
                });
            } while (cursor != 0 && maxIterations-- > 0 && part.collected < o.count);
            part.next = cursor;
            return part;
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            int shards = parts.size();
            Options o = parse(call, shards, true);
            if (o == null) {
                return;
            }
            List<byte[]> keys = new ArrayList<>();
            long next = 0;
            if (!o.done) {
                int bits = shardBits(shards);
                long collected = 0;
                for (int i = o.shard; i < shards; i++) {
                    Part p = (Part) parts.get(i);
                    keys.addAll(p.keys);
                    collected += p.collected;
                    if (p.next != 0) {
                        next = (p.next << bits) | i;
                        break;
                    }
                    if (collected >= o.count && i + 1 < shards) {
                        next = i + 1;
                        break;
                    }
                }
            }
            call.reply().array(2);
            call.reply().bulk(Long.toUnsignedString(next));
            call.reply().array(keys.size());
            for (byte[] k : keys) {
                call.reply().bulk(k);
            }
        }
    }

    /** RANDOMKEY: one candidate per shard, chosen in proportion to the shards' sizes. */
    static final class RandomKey implements ShardedCommand {
        @Override
        public boolean atomic() {
            return false;
        }

        @Override
        public Object onShard(Call call, Keyspace ks) {
            ShardKeyspace sk = (ShardKeyspace) ks;
            Entry e = sk.randomLive();
            return e == null ? null : new Object[] {(long) sk.size(), e.key};
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            long total = 0;
            for (Object p : parts) {
                if (p != null) {
                    total += (Long) ((Object[]) p)[0];
                }
            }
            if (total == 0) {
                // a shard that found a live key has at least one; only empty shards sum to 0
                for (Object p : parts) {
                    if (p != null) {
                        call.reply().bulk((byte[]) ((Object[]) p)[1]);
                        return;
                    }
                }
                call.reply().nil();
                return;
            }
            long pick = ThreadLocalRandom.current().nextLong(total);
            for (Object p : parts) {
                if (p == null) {
                    continue;
                }
                Object[] part = (Object[]) p;
                pick -= (Long) part[0];
                if (pick < 0) {
                    call.reply().bulk((byte[]) part[1]);
                    return;
                }
            }
            call.reply().nil();
        }
    }

    static final class DbSize implements ShardedCommand {
        @Override
        public Object onShard(Call call, Keyspace ks) {
            return (long) ks.size();
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            long n = 0;
            for (Object p : parts) {
                n += (Long) p;
            }
            call.reply().integer(n);
        }
    }

    /** FLUSHDB and FLUSHALL [ASYNC|SYNC]: flushing is immediate either way (ASYNC counts the keys as lazily freed). */
    static final class Flush implements ShardedCommand {
        private final boolean all;

        Flush(boolean all) {
            this.all = all;
        }

        /** Redis's getFlushCommandFlags: only a lone SYNC or ASYNC is accepted. */
        static boolean validArgs(Call c) {
            return c.argc() == 1 || (c.argc() == 2 && (c.argIs(1, "sync") || c.argIs(1, "async")));
        }

        @Override
        public Object onShard(Call call, Keyspace ks) {
            if (!validArgs(call)) {
                return null;
            }
            ShardKeyspace s = (ShardKeyspace) ks;
            long flushed = 0;
            if (all) {
                // Redis's flushAllDataAndResetRDB kills a saving child: its file would be stale at once
                s.shard().abortSnapshot();
                for (int db = 0; db < s.shard().databases(); db++) {
                    flushed += s.shard().view(db).flush();
                }
            } else {
                flushed = s.flush();
            }
            // Redis's emptyDbAsync hands every key to the background thread, which counts them
            if (call.argc() == 2 && call.argIs(1, "async")) {
                s.shard().stats.countLazyfreed(flushed);
            }
            return null;
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            if (!validArgs(call)) {
                call.reply().error(Errors.SYNTAX);
                return;
            }
            // every tracking client drops its whole cache (Redis's trackingInvalidateKeysOnFlush)
            List<Client> clients = new java.util.ArrayList<>();
            call.server.sessions().forEach(rc -> clients.add(rc.client()));
            TrackingTable.flushed(clients, call.server.engine().sessions());
            if (all) {
                call.server.flushedAll();
            }
            call.reply().ok();
        }
    }

    /** SWAPDB: every shard swaps its parts of the two databases, all shards held together. */
    static final class SwapDb implements ShardedCommand {
        /** The two indexes, or null after replying the error (when {@code reply} is set). */
        static int[] parse(Call c, int databases, boolean reply) {
            Long a = Bytes.parseLongStrict(c.arg(1));
            if (a == null || a < Integer.MIN_VALUE || a > Integer.MAX_VALUE) {
                if (reply) {
                    c.reply().error("ERR invalid first DB index");
                }
                return null;
            }
            Long b = Bytes.parseLongStrict(c.arg(2));
            if (b == null || b < Integer.MIN_VALUE || b > Integer.MAX_VALUE) {
                if (reply) {
                    c.reply().error("ERR invalid second DB index");
                }
                return null;
            }
            if (a < 0 || a >= databases || b < 0 || b >= databases) {
                if (reply) {
                    c.reply().error(Errors.DB_INDEX);
                }
                return null;
            }
            return new int[] {a.intValue(), b.intValue()};
        }

        @Override
        public Object onShard(Call call, Keyspace ks) {
            ShardKeyspace s = (ShardKeyspace) ks;
            int[] ids = parse(call, s.shard().databases(), false);
            if (ids != null && ids[0] != ids[1]) {
                ((ShardKeyspace) s.other(ids[0])).swapWith(ids[1]);
            }
            return null;
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            if (parse(call, databases(call), true) != null) {
                call.reply().ok();
            }
        }
    }
}
