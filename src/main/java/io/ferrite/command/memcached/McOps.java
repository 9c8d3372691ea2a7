package io.ferrite.command.memcached;

import io.ferrite.engine.ItemEviction;
import io.ferrite.engine.Shard;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** The item operations, run on the owning shard's thread, writing text or binary replies. */
public final class McOps {
    static final long EXPIRED = -2;
    static final int REALTIME_MAXDELTA = 60 * 60 * 24 * 30;

    private McOps() {
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static final byte[] CRLF = ascii("\r\n");
    static final byte[] END = ascii("END\r\n");
    static final byte[] VALUE = ascii("VALUE ");

    /** memcached exptime to an absolute Unix millisecond, Entry.NO_EXPIRY, or EXPIRED. */
    static long expireAt(long exptime, long nowMs) {
        if (exptime == 0) {
            return Entry.NO_EXPIRY;
        }
        if (exptime < 0) {
            return EXPIRED;
        }
        if (exptime > REALTIME_MAXDELTA) {
            long at = exptime * 1000;
            return at <= nowMs ? EXPIRED : at;
        }
        return nowMs + exptime * 1000;
    }

    /** The live item under key, dropping one a delayed flush_all has invalidated. */
    static McItem find(ShardKeyspace ks, byte[] key, McContext ctx) {
        Entry e = ks.peek(key);
        if (e == null) {
            return null;
        }
        McItem it = (McItem) e.value();
        long ol = ctx.oldestLive;
        if (ol != 0 && ol <= ks.now() / 1000 && it.time <= ol) {
            ks.delete(key);
            return null;
        }
        ks.shard().itemEviction().accessed(e);
        return it;
    }

    /**
     * Room for a new item (memcached's item_alloc, before the store looks at the old item): over
     * maxmemory, this shard's least recently used items are evicted (see ItemEviction); with
     * memcached-no-evict (its -M), or with nothing left here to evict, the store fails with
     * memcached's out-of-memory error ({@link McNoMemory}), counted in the class's outofmemory.
     */
    static void allocate(McContext ctx, ShardKeyspace ks, int nkey, int flags, long size) {
        Shard shard = ks.shard();
        if (!shard.engine.overMaxMemory()) {
            return;
        }
        if (ctx.noEvict() || shard.itemEviction().makeRoom() == ItemEviction.Room.NONE) {
            ctx.classCounts(shard)[McSlabs.classOf(McSlabs.itemSize(nkey, flags, size))][McContext.OUTOFMEMORY]++;
            throw McNoMemory.INSTANCE;
        }
    }

    /**
     * {@link #allocate} for a text or binary storage command; a SET that fails drops the key's old
     * value, as memcached does so that no stale data outlives it.
     */
    static void allocateForStore(McContext ctx, ShardKeyspace ks, McRequest r) {
        try {
            allocate(ctx, ks, r.key.length, r.flags, r.value.length);
        } catch (McNoMemory e) {
            if (r.op == McRequest.Op.SET) {
                ks.delete(r.key);
            }
            throw e;
        }
    }

    static Entry entry(ShardKeyspace ks, byte[] key) {
        return ks.peek(key);
    }

    /** Stores item with an absolute expiry (ms, NO_EXPIRY or EXPIRED). */
    static void storeAt(ShardKeyspace ks, byte[] key, McItem item, long at) {
        if (at == EXPIRED) {
            ks.delete(key);
            return;
        }
        Entry e = ks.peek(key);
        if (e == null) {
            e = ks.add(key, ValueType.STRING, item, Encoding.RAW);
        } else {
            ks.replace(e, ValueType.STRING, item, Encoding.RAW);
        }
        ks.shard().itemEviction().accessed(e);
        if (e.expireAt() != at) {
            ks.expire(e, at);
        }
    }

    static long currentExpiry(ShardKeyspace ks, byte[] key) {
        Entry e = ks.peek(key);
        return e == null ? Entry.NO_EXPIRY : e.expireAt();
    }

    static McItem newItem(McContext ctx, ShardKeyspace ks, byte[] data, int flags) {
        return new McItem(data, flags, ctx.nextCas(), ks.now() / 1000);
    }

    enum Store { STORED, NOT_STORED, EXISTS, NOT_FOUND }

    /** do_store_item: the op is SET/ADD/REPLACE/APPEND/PREPEND/CAS (binary SET etc. with a CAS become CAS). */
    static Store store(McContext ctx, ShardKeyspace ks, McRequest.Op op, byte[] key, byte[] data, int flags,
                       long exptime, long cas, long[] newCas) {
        ctx.cmdSet.increment();
        McItem old = find(ks, key, ctx);
        McItem it;
        long at;
        switch (op) {
            case ADD -> {
                if (old != null) {
                    old.lastAccess = ks.now() / 1000;
                    return Store.NOT_STORED;
                }
                it = newItem(ctx, ks, data, flags);
                at = expireAt(exptime, ks.now());
            }
            case REPLACE -> {
                if (old == null) {
                    return Store.NOT_STORED;
                }
                it = newItem(ctx, ks, data, flags);
                at = expireAt(exptime, ks.now());
            }
            case APPEND, PREPEND -> {
                if (old == null) {
                    return Store.NOT_STORED;
                }
                if (cas != 0 && cas != old.cas) {
                    return Store.EXISTS;
                }
                byte[] joined = new byte[old.data.length + data.length];
                if (op == McRequest.Op.APPEND) {
                    System.arraycopy(old.data, 0, joined, 0, old.data.length);
                    System.arraycopy(data, 0, joined, old.data.length, data.length);
                } else {
                    System.arraycopy(data, 0, joined, 0, data.length);
                    System.arraycopy(old.data, 0, joined, data.length, old.data.length);
                }
                it = newItem(ctx, ks, joined, old.flags);
                at = currentExpiry(ks, key);
            }
            case CAS -> {
                if (old == null) {
                    ctx.casMisses.increment();
                    return Store.NOT_FOUND;
                }
                if (old.cas != cas) {
                    ctx.casBadval.increment();
                    return Store.EXISTS;
                }
                ctx.casHits.increment();
                it = newItem(ctx, ks, data, flags);
                at = expireAt(exptime, ks.now());
            }
            default -> {
                it = newItem(ctx, ks, data, flags);
                at = expireAt(exptime, ks.now());
            }
        }
        storeAt(ks, key, it, at);
        ctx.totalItems.increment();
        if (newCas != null) {
            newCas[0] = it.cas;
        }
        return Store.STORED;
    }

    static final int DELTA_OK = 0;
    static final int NON_NUMERIC = 1;
    static final int DELTA_NOT_FOUND = 2;
    static final int DELTA_CAS_MISMATCH = 3;

    /** do_add_delta; out[0] = new value, out[1] = new cas. */
    static int addDelta(McContext ctx, ShardKeyspace ks, byte[] key, boolean incr, long delta, long cas, long[] out) {
        McItem it = find(ks, key, ctx);
        if (it == null) {
            (incr ? ctx.incrMisses : ctx.decrMisses).increment();
            return DELTA_NOT_FOUND;
        }
        if (it.data.length == 0) {
            return NON_NUMERIC;
        }
        if (cas != 0 && it.cas != cas) {
            return DELTA_CAS_MISMATCH;
        }
        Long v = McNumbers.u64(it.data);
        if (v == null) {
            return NON_NUMERIC;
        }
        long value = v;
        if (incr) {
            value += delta;
        } else if (Long.compareUnsigned(delta, value) > 0) {
            value = 0;
        } else {
            value -= delta;
        }
        (incr ? ctx.incrHits : ctx.decrHits).increment();
        byte[] num = ascii(Long.toUnsignedString(value));
        byte[] data;
        if (num.length <= it.data.length) {
            data = new byte[it.data.length];
            java.util.Arrays.fill(data, (byte) ' ');
            System.arraycopy(num, 0, data, 0, num.length);
        } else {
            // no room in place: memcached allocates a new item for the longer number
            allocate(ctx, ks, key.length, it.flags, num.length);
            data = num;
        }
        McItem n = new McItem(data, it.flags, ctx.nextCas(), it.time);
        if (data != num) {
            // memcached rewrites the number in place when it fits: the item keeps its state bits
            n.fetched = it.fetched;
            n.lastAccess = it.lastAccess;
            n.stale = it.stale;
            n.winSent = it.winSent;
            n.binaryKey = it.binaryKey;
        }
        storeAt(ks, key, n, currentExpiry(ks, key));
        out[0] = value;
        out[1] = n.cas;
        return DELTA_OK;
    }

    // ---------------------------------------------------------------- text protocol

    static void writeValue(ByteBuf out, byte[] key, McItem it, boolean withCas) {
        out.writeBytes(VALUE).writeBytes(key).writeByte(' ');
        writeAscii(out, Integer.toUnsignedString(it.flags));
        out.writeByte(' ');
        writeAscii(out, Integer.toString(it.data.length));
        if (withCas) {
            out.writeByte(' ');
            writeAscii(out, Long.toUnsignedString(it.cas));
        }
        out.writeBytes(CRLF).writeBytes(it.data).writeBytes(CRLF);
    }

    public static void writeAscii(ByteBuf out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.writeByte(s.charAt(i));
        }
    }

    /** One key of get/gets/gat/gats: the VALUE block on a hit, nothing on a miss. */
    static void getOne(McContext ctx, ShardKeyspace ks, McRequest r, byte[] key, ByteBuf out) {
        McItem it = fetch(ctx, ks, r, key);
        if (it != null) {
            writeValue(out, key, it, r.op == McRequest.Op.GETS || r.op == McRequest.Op.GATS);
        }
    }

    /** get or gat of one key with the statistics; null on a miss. */
    static McItem fetch(McContext ctx, ShardKeyspace ks, McRequest r, byte[] key) {
        boolean touch = r.op == McRequest.Op.GAT || r.op == McRequest.Op.GATS;
        ctx.cmdGet.increment();
        if (touch) {
            ctx.cmdTouch.increment();
        }
        McItem it = find(ks, key, ctx);
        ctx.prefixStats.recordGet(key, it != null);
        if (it == null) {
            ctx.getMisses.increment();
            if (touch) {
                ctx.touchMisses.increment();
            }
            return null;
        }
        ctx.getHits.increment();
        if (touch) {
            ctx.touchHits.increment();
            long at = expireAt(r.exptime, ks.now());
            if (at == EXPIRED) {
                ks.delete(key);
            } else {
                Entry e = ks.peek(key);
                ks.expire(e, at);
            }
        }
        it.fetched = true;
        it.lastAccess = ks.now() / 1000;
        return it;
    }

    static void text(ByteBuf out, McRequest r, String s) {
        if (!r.noreply) {
            writeAscii(out, s);
        }
    }

    /** Runs a single-shard text request. */
    static void runText(McContext ctx, ShardKeyspace ks, McRequest r, ByteBuf out) {
        switch (r.op) {
            case GET, GETS, GAT, GATS -> {
                if (r.keys == null) {
                    getOne(ctx, ks, r, r.key, out);
                } else {
                    for (byte[] k : r.keys) {
                        ctx.beforeRequest(k);
                        getOne(ctx, ks, r, k, out);
                    }
                }
                if (!r.more) {
                    out.writeBytes(END);
                }
            }
            case SET, ADD, REPLACE, APPEND, PREPEND, CAS -> {
                ctx.prefixStats.recordSet(r.key);
                allocateForStore(ctx, ks, r);
                Store s = store(ctx, ks, r.op, r.key, r.value, r.flags, r.exptime, r.cas, null);
                text(out, r, s.name() + "\r\n");
            }
            case INCR, DECR -> {
                long[] res = new long[2];
                int st = addDelta(ctx, ks, r.key, r.op == McRequest.Op.INCR, r.delta, 0, res);
                switch (st) {
                    case DELTA_OK -> text(out, r, Long.toUnsignedString(res[0]) + "\r\n");
                    case NON_NUMERIC -> text(out, r, "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
                    default -> text(out, r, "NOT_FOUND\r\n");
                }
            }
            case DELETE -> {
                if (r.hasArg) {
                    // a SET whose value was too large: the old value goes, the error was decided by the decoder
                    ctx.prefixStats.recordSet(r.key);
                    ks.delete(r.key);
                    out.writeBytes(r.raw);
                    return;
                }
                ctx.prefixStats.recordDelete(r.key);
                if (find(ks, r.key, ctx) != null) {
                    ks.delete(r.key);
                    ctx.deleteHits.increment();
                    text(out, r, "DELETED\r\n");
                } else {
                    ctx.deleteMisses.increment();
                    text(out, r, "NOT_FOUND\r\n");
                }
            }
            case TOUCH -> {
                ctx.cmdTouch.increment();
                if (touch(ctx, ks, r.key, r.exptime) != null) {
                    ctx.touchHits.increment();
                    text(out, r, "TOUCHED\r\n");
                } else {
                    ctx.touchMisses.increment();
                    text(out, r, "NOT_FOUND\r\n");
                }
            }
            default -> throw new IllegalStateException(r.op.name());
        }
    }

    static McItem touch(McContext ctx, ShardKeyspace ks, byte[] key, long exptime) {
        McItem it = find(ks, key, ctx);
        if (it == null) {
            return null;
        }
        long at = expireAt(exptime, ks.now());
        if (at == EXPIRED) {
            ks.delete(key);
        } else {
            ks.expire(ks.peek(key), at);
        }
        it.lastAccess = ks.now() / 1000;
        return it;
    }

    // ---------------------------------------------------------------- binary protocol

    public static final int ST_OK = 0;
    public static final int ST_NOT_FOUND = 1;
    public static final int ST_EXISTS = 2;
    public static final int ST_TOO_LARGE = 3;
    public static final int ST_EINVAL = 4;
    public static final int ST_NOT_STORED = 5;
    public static final int ST_DELTA_BADVAL = 6;
    /** Not authenticated, a failed login, or (Ferrite) a request the connection's ACL user may not make. */
    public static final int ST_AUTH_ERROR = 0x20;
    /** A SASL exchange that needs another step. */
    public static final int ST_AUTH_CONTINUE = 0x21;
    public static final int ST_UNKNOWN = 0x81;
    public static final int ST_ENOMEM = 0x82;

    public static void binHeader(ByteBuf out, int opcode, int keylen, int extlen, int status, int bodylen, int opaque, long cas) {
        out.writeByte(0x81).writeByte(opcode).writeShort(keylen).writeByte(extlen).writeByte(0).writeShort(status)
            .writeInt(bodylen).writeInt(opaque).writeLong(cas);
    }

    static String binMessage(int status) {
        return switch (status) {
            case ST_ENOMEM -> "Out of memory";
            case ST_UNKNOWN -> "Unknown command";
            case ST_NOT_FOUND -> "Not found";
            case ST_EINVAL -> "Invalid arguments";
            case ST_EXISTS -> "Data exists for key.";
            case ST_TOO_LARGE -> "Too large.";
            case ST_DELTA_BADVAL -> "Non-numeric server-side value for incr or decr";
            case ST_NOT_STORED -> "Not stored.";
            case ST_AUTH_ERROR -> "Auth failure.";
            default -> "UNHANDLED ERROR";
        };
    }

    public static void binError(ByteBuf out, int opcode, int opaque, int status) {
        byte[] m = ascii(binMessage(status));
        binHeader(out, opcode, 0, 0, status, m.length, opaque, 0);
        out.writeBytes(m);
    }

    static void runBinary(McContext ctx, ShardKeyspace ks, McRequest r, ByteBuf out) {
        switch (r.op) {
            case GET, GAT -> {
                McItem it = fetch(ctx, ks, r, r.key);
                if (it == null) {
                    if (r.quiet) {
                        return;
                    }
                    if (r.returnKey) {
                        binHeader(out, r.opcode, r.key.length, 0, ST_NOT_FOUND, r.key.length, r.opaque, 0);
                        out.writeBytes(r.key);
                    } else {
                        binError(out, r.opcode, r.opaque, ST_NOT_FOUND);
                    }
                    return;
                }
                int klen = r.returnKey ? r.key.length : 0;
                binHeader(out, r.opcode, klen, 4, ST_OK, 4 + klen + it.data.length, r.opaque, it.cas);
                out.writeInt(it.flags);
                if (klen > 0) {
                    out.writeBytes(r.key);
                }
                out.writeBytes(it.data);
            }
            case TOUCH -> {
                ctx.cmdTouch.increment();
                McItem it = touch(ctx, ks, r.key, r.exptime);
                ctx.prefixStats.recordGet(r.key, it != null);
                if (it == null) {
                    ctx.touchMisses.increment();
                    binError(out, r.opcode, r.opaque, ST_NOT_FOUND);
                    return;
                }
                ctx.touchHits.increment();
                binHeader(out, r.opcode, 0, 4, ST_OK, 4, r.opaque, it.cas);
                out.writeInt(it.flags);
            }
            case SET, ADD, REPLACE, APPEND, PREPEND -> {
                ctx.prefixStats.recordSet(r.key);
                McRequest.Op op = r.op;
                if (r.cas != 0 && (op == McRequest.Op.SET || op == McRequest.Op.ADD || op == McRequest.Op.REPLACE)) {
                    op = McRequest.Op.CAS;
                }
                allocateForStore(ctx, ks, r);
                long[] cas = new long[1];
                Store s = store(ctx, ks, op, r.key, r.value, r.flags, r.exptime, r.cas, cas);
                switch (s) {
                    case STORED -> {
                        if (!r.quiet) {
                            binHeader(out, r.opcode, 0, 0, ST_OK, 0, r.opaque, cas[0]);
                        }
                    }
                    case EXISTS -> binError(out, r.opcode, r.opaque, ST_EXISTS);
                    case NOT_FOUND -> binError(out, r.opcode, r.opaque, ST_NOT_FOUND);
                    case NOT_STORED -> binError(out, r.opcode, r.opaque, switch (r.op) {
                        case ADD -> ST_EXISTS;
                        case REPLACE -> ST_NOT_FOUND;
                        default -> ST_NOT_STORED;
                    });
                }
            }
            case DELETE -> {
                if (r.hasArg) {
                    ks.delete(r.key);
                    out.writeBytes(r.raw);
                    return;
                }
                ctx.prefixStats.recordDelete(r.key);
                McItem it = find(ks, r.key, ctx);
                if (it == null) {
                    ctx.deleteMisses.increment();
                    binError(out, r.opcode, r.opaque, ST_NOT_FOUND);
                } else if (r.cas != 0 && r.cas != it.cas) {
                    binError(out, r.opcode, r.opaque, ST_EXISTS);
                } else {
                    ks.delete(r.key);
                    ctx.deleteHits.increment();
                    if (!r.quiet) {
                        binHeader(out, r.opcode, 0, 0, ST_OK, 0, r.opaque, 0);
                    }
                }
            }
            case INCR, DECR -> {
                long[] res = new long[2];
                boolean incr = r.op == McRequest.Op.INCR;
                int st = addDelta(ctx, ks, r.key, incr, r.delta, r.cas, res);
                switch (st) {
                    case DELTA_OK -> {
                        if (!r.quiet) {
                            binHeader(out, r.opcode, 0, 0, ST_OK, 8, r.opaque, res[1]);
                            out.writeLong(res[0]);
                        }
                    }
                    case NON_NUMERIC -> binError(out, r.opcode, r.opaque, ST_DELTA_BADVAL);
                    case DELTA_CAS_MISMATCH -> binError(out, r.opcode, r.opaque, ST_EXISTS);
                    default -> {
                        if ((r.exptime & 0xffffffffL) != 0xffffffffL) {
                            byte[] data = ascii(Long.toUnsignedString(r.initial));
                            allocate(ctx, ks, r.key.length, 0, data.length);
                            McItem it = newItem(ctx, ks, data, 0);
                            long at = expireAt((int) r.exptime, ks.now());
                            storeAt(ks, r.key, it, at);
                            if (!r.quiet) {
                                binHeader(out, r.opcode, 0, 0, ST_OK, 8, r.opaque, it.cas);
                                out.writeLong(r.initial);
                            }
                        } else {
                            binError(out, r.opcode, r.opaque, ST_NOT_FOUND);
                        }
                    }
                }
            }
            default -> throw new IllegalStateException(r.op.name());
        }
    }
}
