package io.ferrite.command.memcached;

import io.ferrite.engine.ShardKeyspace;
import io.ferrite.store.Entry;
import io.netty.buffer.ByteBuf;

import java.util.Base64;
import java.util.List;

/**
 * memcached 1.6.18's meta commands: mg ms md ma mn me. As in 1.6.18 every meta command accepts every
 * known flag (one shared pre-parse), return flags are written in the order the client sent them, and
 * flags that change the item (T, N) act at their place in that order.
 */
public final class McMeta {
    /** memcached's MFLAG_MAX_OPT_LENGTH: at most this many tokens (counting the end marker). */
    private static final int MAX_OPT_TOKENS = 20;
    private static final int MAX_OPAQUE = 32;

    private McMeta() {
    }

    /** What the flags of one meta request ask for (memcached's struct _meta_flags). */
    static final class Flags {
        boolean noUpdate;
        boolean locked;
        boolean vivify;
        boolean value;
        boolean setStale;
        boolean quiet;
        boolean hasCas;
        boolean newTtl;
        boolean keyBinary;
        byte mode;
        long exptime;
        long autoviv;
        long recache;
        long clientFlags;
        long cas;
        long delta = 1;
        long initial;
    }

    private static McRequest err(String s) {
        McRequest r = McRequest.raw(s + "\r\n");
        r.proto = McRequest.Proto.META;
        return r;
    }

    /** An error after which the data block of an ms is swallowed. */
    private static McRequest swallowing(McRequest e, long vlen) {
        e.value = McRequest.SWALLOW;
        e.initial = vlen + 2;
        return e;
    }

    public static McRequest parse(byte c, List<byte[]> tok, int ntokens, McContext ctx) {
        McRequest r = new McRequest();
        r.proto = McRequest.Proto.META;
        switch (c) {
            case 'n' -> {
                r.op = McRequest.Op.MN;
                return r;
            }
            case 'e' -> {
                return parseMe(r, tok, ntokens);
            }
            case 'g' -> r.op = McRequest.Op.MG;
            case 's' -> r.op = McRequest.Op.MS;
            case 'd' -> r.op = McRequest.Op.MD;
            case 'a' -> r.op = McRequest.Op.MA;
            default -> {
                return err("ERROR");
            }
        }
        if (ntokens < 3) {
            return err("ERROR");
        }
        byte[] key = tok.get(1);
        if (key.length > McRequest.KEY_MAX) {
            return err("CLIENT_ERROR bad command line format");
        }
        if (r.op == McRequest.Op.MS && ntokens == 3) {
            return err("CLIENT_ERROR bad command line format");
        }
        if (ntokens > MAX_OPT_TOKENS) {
            return err(r.op == McRequest.Op.MG ? "CLIENT_ERROR options flags are too long"
                : "CLIENT_ERROR options flags too long");
        }
        int first = 2;
        long vlen = 0;
        if (r.op == McRequest.Op.MS) {
            Long v = McNumbers.i32(tok.get(2));
            if (v == null || v < 0 || v > Integer.MAX_VALUE - 2) {
                return err("CLIENT_ERROR bad command line format");
            }
            vlen = v;
            r.initial = vlen;
            first = 3;
        }
        Flags f = new Flags();
        byte[][] flags = tok.subList(first, tok.size()).toArray(new byte[0][]);
        r.wireKey = key;
        r.key = key;
        String error = preparse(flags, f, r);
        if (error != null) {
            return switch (r.op) {
                case MD, MA -> err("CLIENT_ERROR invalid or duplicate flag");
                case MS -> swallowing(err(error), vlen);
                default -> err(error);
            };
        }
        r.meta = f;
        r.metaFlags = flags;
        r.quiet = f.quiet;
        for (byte[] fl : flags) {
            if (fl[0] == 'O' && fl.length > MAX_OPAQUE) {
                McRequest e = err("CLIENT_ERROR opaque token too long");
                return r.op == McRequest.Op.MS ? swallowing(e, vlen) : e;
            }
        }
        if (r.op == McRequest.Op.MS) {
            switch (f.mode) {
                case 0, 'E', 'A', 'P', 'R', 'S' -> {
                }
                default -> {
                    return swallowing(err("CLIENT_ERROR invalid mode for ms M token"), vlen);
                }
            }
            if (!ctx.sizeOk(r.key.length, vlen)) {
                ctx.storeTooLarge.increment();
                // the shard unlinks the old item (memcached: no stale data after a failed store), then answers
                r.raw = McOps.ascii("SERVER_ERROR object too large for cache\r\n");
                return swallowing(r, vlen);
            }
            r.value = McRequest.NEEDS_DATA;
        }
        if (r.op == McRequest.Op.MA) {
            switch (f.mode) {
                case 0, 'I', '+', 'D', '-' -> {
                }
                default -> {
                    return err("CLIENT_ERROR invalid mode for ma M token");
                }
            }
        }
        return r;
    }

    /** me: only "b" as the first flag means anything; other tokens are ignored, as 1.6.18 does. */
    private static McRequest parseMe(McRequest r, List<byte[]> tok, int ntokens) {
        r.op = McRequest.Op.ME;
        if (ntokens < 3 || tok.get(1).length > McRequest.KEY_MAX) {
            return err("CLIENT_ERROR bad command line format");
        }
        r.key = tok.get(1);
        r.wireKey = r.key;
        if (ntokens >= 4 && tok.get(2).length == 1 && tok.get(2)[0] == 'b') {
            r.key = base64Decode(r.key);
            if (r.key == null) {
                return err("CLIENT_ERROR bad command line format");
            }
        }
        return r;
    }

    /**
     * memcached's _meta_flag_preparse: fills f, decodes a base64 key; returns the error line or null. An
     * unknown or repeated flag stops at once; a bad value is remembered and the last one's words win.
     */
    static String preparse(byte[][] flags, Flags f, McRequest r) {
        boolean[] seen = new boolean[127];
        String errstr = "CLIENT_ERROR bad command line format";
        boolean error = false;
        for (byte[] t : flags) {
            int o = t[0] & 0xff;
            if (o >= 127 || seen[o]) {
                return "CLIENT_ERROR duplicate flag";
            }
            seen[o] = true;
            switch (o) {
                case 'b' -> {
                    byte[] k = base64Decode(r.key);
                    if (k == null) {
                        errstr = "CLIENT_ERROR error decoding key";
                        error = true;
                    } else {
                        r.key = k;
                    }
                    f.keyBinary = true;
                }
                case 'N', 'T', 'R' -> {
                    f.locked = true;
                    Long v = McNumbers.i32(tail(t));
                    if (v == null) {
                        errstr = "CLIENT_ERROR bad token in command line format";
                        error = true;
                    } else if (o == 'N') {
                        f.vivify = true;
                        f.autoviv = v;
                    } else if (o == 'T') {
                        f.exptime = v;
                        f.newTtl = true;
                    } else {
                        f.recache = v;
                    }
                    if (o == 'N') {
                        f.vivify = true;
                    }
                }
                case 'l', 'h' -> f.locked = true; // their figures are read before this fetch's update
                case 'O', 'P', 'L', 'k', 's', 't', 'c', 'f' -> {
                }
                case 'v' -> f.value = true;
                case 'u' -> f.noUpdate = true;
                case 'q' -> f.quiet = true;
                case 'F' -> {
                    Long v = McNumbers.u32(tail(t));
                    if (v == null) {
                        error = true;
                    } else {
                        f.clientFlags = v;
                    }
                }
                case 'C' -> {
                    Long v = McNumbers.u64(tail(t));
                    if (v == null) {
                        errstr = "CLIENT_ERROR bad token in command line format";
                        error = true;
                    } else {
                        f.hasCas = true;
                        f.cas = v;
                    }
                }
                case 'M' -> {
                    if (t.length != 2) {
                        errstr = "CLIENT_ERROR incorrect length for M token";
                        error = true;
                    } else {
                        f.mode = t[1];
                    }
                }
                case 'J' -> {
                    Long v = McNumbers.u64(tail(t));
                    if (v == null) {
                        errstr = "CLIENT_ERROR invalid numeric initial value";
                        error = true;
                    } else {
                        f.initial = v;
                    }
                }
                case 'D' -> {
                    Long v = McNumbers.u64(tail(t));
                    if (v == null) {
                        errstr = "CLIENT_ERROR invalid numeric delta value";
                        error = true;
                    } else {
                        f.delta = v;
                    }
                }
                case 'I' -> f.setStale = true;
                default -> {
                    return "CLIENT_ERROR invalid flag";
                }
            }
        }
        return error ? errstr : null;
    }

    private static final byte[] B64 = McOps.ascii("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    private static final int[] B64_VALUE = new int[256];

    static {
        java.util.Arrays.fill(B64_VALUE, -1);
        for (int i = 0; i < B64.length; i++) {
            B64_VALUE[B64[i]] = i;
        }
        B64_VALUE['='] = 0;
    }

    /**
     * memcached's base64_decode: characters outside the alphabet are skipped, the rest must come in
     * whole groups of four, and decoding stops after the first group with padding; null when it fails
     * or decodes to nothing.
     */
    static byte[] base64Decode(byte[] src) {
        int count = 0;
        for (byte b : src) {
            if (B64_VALUE[b & 0xff] >= 0) {
                count++;
            }
        }
        if (count == 0 || count % 4 != 0) {
            return null;
        }
        byte[] out = new byte[count / 4 * 3];
        int pos = 0;
        int[] block = new int[4];
        int n = 0;
        int pad = 0;
        for (byte b : src) {
            int v = B64_VALUE[b & 0xff];
            if (v < 0) {
                continue;
            }
            if (b == '=') {
                pad++;
            }
            block[n++] = v;
            if (n == 4) {
                out[pos++] = (byte) (block[0] << 2 | block[1] >> 4);
                out[pos++] = (byte) (block[1] << 4 | block[2] >> 2);
                out[pos++] = (byte) (block[2] << 6 | block[3]);
                n = 0;
                if (pad > 0) {
                    if (pad > 2) {
                        return null;
                    }
                    pos -= pad;
                    break;
                }
            }
        }
        return pos == 0 ? null : java.util.Arrays.copyOf(out, pos);
    }

    static byte[] tail(byte[] f) {
        return java.util.Arrays.copyOfRange(f, 1, f.length);
    }

    private static void w(ByteBuf out, String s) {
        McOps.writeAscii(out, s);
    }

    /** " k<key>", base64 with " b" when the key is binary (memcached's META_KEY). */
    private static void writeKey(ByteBuf out, byte[] key, boolean binary) {
        w(out, " k");
        if (binary) {
            out.writeBytes(Base64.getEncoder().encode(key));
            w(out, " b");
        } else {
            out.writeBytes(key);
        }
    }

    /** Seconds left until an absolute expiry, as the t flag reports it; -1 for none. */
    private static long ttl(long at, long now) {
        return at == Entry.NO_EXPIRY ? -1 : (at - now + 999) / 1000;
    }

    private static long expiry(ShardKeyspace ks, byte[] key) {
        return McOps.currentExpiry(ks, key);
    }

    /** Applies an absolute expiry computed by a T or N flag (EXPIRED removes the item). */
    private static void applyExpiry(ShardKeyspace ks, byte[] key, long at) {
        if (at == McOps.EXPIRED) {
            ks.delete(key);
            return;
        }
        Entry e = ks.peek(key);
        if (e != null && e.expireAt() != at) {
            ks.expire(e, at);
        }
    }

    /** O and k for replies without an item (misses, failures). */
    private static void opaqueAndKey(ByteBuf out, McRequest r) {
        for (byte[] fl : r.metaFlags) {
            if (fl[0] == 'O') {
                out.writeByte(' ').writeBytes(fl);
            } else if (fl[0] == 'k') {
                writeKey(out, r.key, r.meta.keyBinary);
            }
        }
    }

    static void run(McContext ctx, ShardKeyspace ks, McRequest r, ByteBuf out) {
        switch (r.op) {
            case MG -> mg(ctx, ks, r, out);
            case MS -> ms(ctx, ks, r, out);
            case MD -> md(ctx, ks, r, out);
            case MA -> ma(ctx, ks, r, out);
            case ME -> me(ctx, ks, r, out);
            default -> throw new IllegalStateException(r.op.name());
        }
    }

    private static void mg(McContext ctx, ShardKeyspace ks, McRequest r, ByteBuf out) {
        Flags f = r.meta;
        long now = ks.now();
        McItem it = McOps.find(ks, r.key, ctx);
        boolean created = false;
        if (it == null && f.vivify && vivifies(ctx, ks, r.key, 0)) {
            it = McOps.newItem(ctx, ks, new byte[0], 0);
            McOps.storeAt(ks, r.key, it, Entry.NO_EXPIRY);
            created = true;
        }
        if (it == null) {
            if (f.newTtl) {
                ctx.cmdTouch.increment();
                ctx.touchMisses.increment();
            } else {
                ctx.cmdGet.increment();
                ctx.getMisses.increment();
            }
            if (f.quiet) {
                return;
            }
            w(out, "EN");
            opaqueAndKey(out, r);
            w(out, "\r\n");
            return;
        }
        if (!f.locked && !f.noUpdate) {
            bump(it, now);
        }
        long at = expiry(ks, r.key);
        long startAt = at;
        boolean won = false;
        w(out, f.value ? "VA " + it.data.length : "HD");
        for (byte[] fl : r.metaFlags) {
            switch (fl[0]) {
                case 'T' -> at = McOps.expireAt(f.exptime, now);
                case 'N' -> {
                    if (created) {
                        at = McOps.expireAt(f.autoviv, now);
                        won = true;
                    }
                }
                case 'R' -> {
                    // the item expires sooner than the client's recache window: it gets the win token
                    long recacheAt = McOps.expireAt(f.recache, now);
                    if (!it.winSent && !created && at != Entry.NO_EXPIRY && at != McOps.EXPIRED
                        && recacheAt != Entry.NO_EXPIRY && recacheAt != McOps.EXPIRED
                        && ttl(at, now) < ttl(recacheAt, now)) {
                        won = true;
                    }
                }
                case 's' -> w(out, " s" + it.data.length);
                case 't' -> w(out, " t" + (at == McOps.EXPIRED ? -1 : ttl(at, now)));
                case 'c' -> w(out, " c" + Long.toUnsignedString(it.cas));
                case 'f' -> w(out, " f" + Integer.toUnsignedString(it.flags));
                case 'l' -> w(out, " l" + (now / 1000 - it.lastAccess));
                case 'h' -> w(out, " h" + (it.fetched ? 1 : 0));
                case 'O' -> out.writeByte(' ').writeBytes(fl);
                case 'k' -> writeKey(out, r.key, it.binaryKey);
                default -> {
                }
            }
        }
        // Z before X and W, so a client never sees W together with Z
        if (it.winSent) {
            w(out, " Z");
        }
        if (it.stale) {
            w(out, " X");
            if (!it.winSent) {
                won = true;
            }
        }
        if (won) {
            w(out, " W");
            it.winSent = true;
        }
        w(out, "\r\n");
        if (f.value) {
            out.writeBytes(it.data).writeBytes(McOps.CRLF);
        }
        if (f.locked && !f.noUpdate) {
            bump(it, now);
        }
        if (f.newTtl) {
            ctx.cmdTouch.increment();
            ctx.touchHits.increment();
        } else {
            ctx.cmdGet.increment();
            ctx.getHits.increment();
        }
        if (at != startAt) {
            applyExpiry(ks, r.key, at);
        }
    }

    /** Whether there is room for an item created on a miss (N flag); memcached's mg then just misses. */
    private static boolean vivifies(McContext ctx, ShardKeyspace ks, byte[] key, int length) {
        try {
            McOps.allocate(ctx, ks, key.length, 0, length);
            return true;
        } catch (McNoMemory e) {
            return false;
        }
    }

    private static void bump(McItem it, long now) {
        it.fetched = true;
        it.lastAccess = now / 1000;
    }

    private static void ms(McContext ctx, ShardKeyspace ks, McRequest r, ByteBuf out) {
        Flags f = r.meta;
        if (r.raw != null) {
            // too large: memcached unlinks the old item so stale data does not survive a failed store
            ks.delete(r.key);
            out.writeBytes(r.raw);
            return;
        }
        McRequest.Op op = switch (f.mode) {
            case 'E' -> McRequest.Op.ADD;
            case 'A' -> McRequest.Op.APPEND;
            case 'P' -> McRequest.Op.PREPEND;
            case 'R' -> McRequest.Op.REPLACE;
            default -> McRequest.Op.SET;
        };
        if (f.hasCas && (op == McRequest.Op.SET || op == McRequest.Op.REPLACE)) {
            op = McRequest.Op.CAS;
        }
        int flags = (int) f.clientFlags;
        long[] newCas = new long[1];
        McOps.Store s;
        try {
            McOps.allocate(ctx, ks, r.key.length, flags, r.value.length);
        } catch (McNoMemory e) {
            // as for a value too large: whatever the mode, the old item goes with the failed store
            ks.delete(r.key);
            throw e;
        }
        McItem old = McOps.find(ks, r.key, ctx);
        if (f.setStale && op == McRequest.Op.CAS && old != null && f.cas != 0
            && Long.compareUnsigned(f.cas, old.cas) < 0) {
            // invalidation with an older CAS: the value is stored but marked stale, keeping the old TTL
            // and the win token already handed out
            ctx.cmdSet.increment();
            ctx.casHits.increment();
            McItem it = McOps.newItem(ctx, ks, r.value, flags);
            it.stale = true;
            it.winSent = old.winSent;
            McOps.storeAt(ks, r.key, it, expiry(ks, r.key));
            ctx.totalItems.increment();
            newCas[0] = it.cas;
            s = McOps.Store.STORED;
        } else {
            s = McOps.store(ctx, ks, op, r.key, r.value, flags, f.exptime, f.cas, newCas);
        }
        if (s == McOps.Store.STORED) {
            McItem stored = McOps.find(ks, r.key, ctx);
            if (stored != null) {
                stored.binaryKey = f.keyBinary;
            }
            if (f.quiet) {
                return;
            }
        }
        w(out, switch (s) {
            case STORED -> "HD";
            case NOT_STORED -> "NS";
            case EXISTS -> "EX";
            case NOT_FOUND -> "NF";
        });
        for (byte[] fl : r.metaFlags) {
            switch (fl[0]) {
                case 'O' -> out.writeByte(' ').writeBytes(fl);
                case 'k' -> writeKey(out, r.key, f.keyBinary);
                // the CAS of the stored item; 0 when nothing was stored
                case 'c' -> w(out, " c" + (s == McOps.Store.STORED ? Long.toUnsignedString(newCas[0]) : "0"));
                default -> {
                }
            }
        }
        w(out, "\r\n");
    }

    private static void md(McContext ctx, ShardKeyspace ks, McRequest r, ByteBuf out) {
        Flags f = r.meta;
        McItem it = McOps.find(ks, r.key, ctx);
        String code;
        if (it == null) {
            ctx.deleteMisses.increment();
            code = "NF";
        } else if (f.hasCas && it.cas != f.cas) {
            ctx.deleteMisses.increment();
            code = "EX";
        } else if (f.setStale) {
            // invalidate: keep the item, marked stale with a new CAS, so the next fetch wins the recache
            McItem n = new McItem(it.data, it.flags, ctx.nextCas(), it.time);
            n.stale = true;
            n.fetched = it.fetched;
            n.lastAccess = it.lastAccess;
            n.binaryKey = it.binaryKey;
            McOps.storeAt(ks, r.key, n, f.newTtl ? McOps.expireAt(f.exptime, ks.now()) : expiry(ks, r.key));
            code = "HD";
        } else {
            ctx.deleteHits.increment();
            ks.delete(r.key);
            code = "HD";
        }
        if (code.equals("HD") && f.quiet) {
            return;
        }
        w(out, code);
        opaqueAndKey(out, r);
        w(out, "\r\n");
    }

    private static void ma(McContext ctx, ShardKeyspace ks, McRequest r, ByteBuf out) {
        Flags f = r.meta;
        boolean incr = f.mode != 'D' && f.mode != '-';
        long[] res = new long[2];
        int st = McOps.addDelta(ctx, ks, r.key, incr, f.delta, f.cas, res);
        McItem it = null;
        String number = null;
        boolean created = false;
        boolean skip = false;
        switch (st) {
            case McOps.DELTA_OK -> {
                it = McOps.find(ks, r.key, ctx);
                number = Long.toUnsignedString(res[0]);
                skip = f.quiet;
            }
            case McOps.NON_NUMERIC -> {
                w(out, "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
                return;
            }
            case McOps.DELTA_NOT_FOUND -> {
                if (f.vivify) {
                    number = Long.toUnsignedString(f.initial);
                    if (!vivifies(ctx, ks, r.key, number.length())) {
                        w(out, "SERVER_ERROR Out of memory allocating new item\r\n");
                        return;
                    }
                    it = McOps.newItem(ctx, ks, McOps.ascii(number), 0);
                    McOps.storeAt(ks, r.key, it, Entry.NO_EXPIRY);
                    ctx.totalItems.increment();
                    created = true;
                }
            }
            default -> {
            }
        }
        if (it == null) {
            w(out, st == McOps.DELTA_CAS_MISMATCH ? "EX" : "NF");
            opaqueAndKey(out, r);
            w(out, "\r\n");
            return;
        }
        long now = ks.now();
        long at = expiry(ks, r.key);
        long startAt = at;
        ByteBuf reply = skip ? out.alloc().buffer(64) : out;
        try {
            w(reply, f.value ? "VA " + number.length() : "HD");
            for (byte[] fl : r.metaFlags) {
                switch (fl[0]) {
                    case 'c' -> w(reply, " c" + Long.toUnsignedString(it.cas));
                    case 't' -> w(reply, " t" + (at == McOps.EXPIRED ? -1 : ttl(at, now)));
                    case 'T' -> at = McOps.expireAt(f.exptime, now);
                    case 'N' -> {
                        if (created) {
                            at = McOps.expireAt(f.autoviv, now);
                        }
                    }
                    case 'O' -> reply.writeByte(' ').writeBytes(fl);
                    case 'k' -> writeKey(reply, r.key, f.keyBinary);
                    default -> {
                    }
                }
            }
            if (f.value) {
                w(reply, "\r\n" + number);
            }
            w(reply, "\r\n");
        } finally {
            if (skip) {
                reply.release();
            }
        }
        if (at != startAt) {
            applyExpiry(ks, r.key, at);
        }
    }

    private static void me(McContext ctx, ShardKeyspace ks, McRequest r, ByteBuf out) {
        ctx.cmdMeta.increment();
        McItem it = McOps.find(ks, r.key, ctx);
        if (it == null) {
            w(out, "EN\r\n");
            return;
        }
        long now = ks.now();
        long at = expiry(ks, r.key);
        long size = McSlabs.itemSize(r.key.length, it);
        w(out, "ME ");
        out.writeBytes(it.binaryKey ? Base64.getEncoder().encode(r.key) : r.key);
        // exp is memcached's current_time - exptime: minus the seconds left
        w(out, " exp=" + (at == Entry.NO_EXPIRY ? -1 : -ttl(at, now)) + " la=" + (now / 1000 - it.lastAccess)
            + " cas=" + Long.toUnsignedString(it.cas) + " fetch=" + (it.fetched ? "yes" : "no") + " cls=" + McSlabs.classOf(size) + " size=" + size
            + "\r\n");
    }
}
