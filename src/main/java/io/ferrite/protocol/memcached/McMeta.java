package io.ferrite.protocol.memcached;

import io.ferrite.engine.ShardKeyspace;
import io.ferrite.store.Entry;
import io.netty.buffer.ByteBuf;

import java.util.Base64;
import java.util.List;

/** memcached 1.6.18's meta commands: mg ms md ma mn me. */
final class McMeta {
    private McMeta() {
    }

    private static McRequest err(String s) {
        McRequest r = McRequest.raw(s + "\r\n");
        r.proto = McRequest.Proto.META;
        return r;
    }

    private static String allowed(byte c) {
        return switch (c) {
            case 'g' -> "bcfhklOqstuvNRTPLF";
            case 's' -> "bcCFIkOqsSTMPLf";
            case 'd' -> "bCIkOqTxPL";
            case 'a' -> "bCNJDTMqtcvkOPL";
            case 'e' -> "b";
            default -> "";
        };
    }

    static McRequest parse(byte c, List<byte[]> tok, int ntokens, McContext ctx) {
        McRequest r = parse0(c, tok, ntokens, ctx);
        if (c == 's' && r.op == McRequest.Op.RAW && r.value == null && tok.size() >= 3) {
            Long vlen = McNumbers.i32(tok.get(2));
            if (vlen != null && vlen >= 0 && vlen <= Integer.MAX_VALUE - 2) {
                r.value = McTextDecoder.SWALLOW;
                r.initial = vlen + 2;
            }
        }
        return r;
    }

    private static McRequest parse0(byte c, List<byte[]> tok, int ntokens, McContext ctx) {
        McRequest r = new McRequest();
        r.proto = McRequest.Proto.META;
        switch (c) {
            case 'n' -> {
                r.op = McRequest.Op.MN;
                return r;
            }
            case 'g' -> r.op = McRequest.Op.MG;
            case 's' -> r.op = McRequest.Op.MS;
            case 'd' -> r.op = McRequest.Op.MD;
            case 'a' -> r.op = McRequest.Op.MA;
            case 'e' -> r.op = McRequest.Op.ME;
            default -> {
                return err("ERROR");
            }
        }
        if (tok.size() < 2) {
            return c == 'e' ? err("CLIENT_ERROR bad command line format") : err("ERROR");
        }
        byte[] key = tok.get(1);
        if (key.length > McTextDecoder.KEY_MAX) {
            return err("CLIENT_ERROR bad command line format");
        }
        int first = 2;
        if (r.op == McRequest.Op.MS) {
            if (tok.size() < 3) {
                return err("CLIENT_ERROR bad command line format");
            }
            Long vlen = McNumbers.i32(tok.get(2));
            if (vlen == null || vlen < 0 || vlen > Integer.MAX_VALUE - 2) {
                return err("CLIENT_ERROR bad command line format");
            }
            r.initial = vlen;
            first = 3;
        }
        String ok = allowed(c);
        boolean[] seen = new boolean[128];
        int n = tok.size() - first;
        byte[][] flags = new byte[Math.max(n, 0)][];
        boolean b64 = false;
        for (int i = 0; i < n; i++) {
            byte[] f = tok.get(first + i);
            int fc = f[0] & 0xff;
            if (fc >= 128 || ok.indexOf(fc) < 0) {
                return err("CLIENT_ERROR invalid flag");
            }
            if (seen[fc]) {
                return err("CLIENT_ERROR duplicate flag");
            }
            seen[fc] = true;
            flags[i] = f;
            switch (fc) {
                case 'b' -> b64 = true;
                case 'N', 'T', 'R' -> {
                    if (McNumbers.i32(tail(f)) == null) {
                        return err("CLIENT_ERROR bad token in command line format");
                    }
                }
                case 'O' -> {
                    if (f.length - 1 > 32) {
                        return err("CLIENT_ERROR opaque token too long");
                    }
                }
                case 'q' -> r.quiet = true;
                default -> {
                }
            }
        }
        r.wireKey = key;
        if (b64) {
            try {
                key = Base64.getDecoder().decode(key);
            } catch (IllegalArgumentException e) {
                return err("CLIENT_ERROR error decoding key");
            }
            if (key.length == 0) {
                return err("CLIENT_ERROR error decoding key");
            }
        }
        r.key = key;
        r.metaFlags = flags;
        if (r.op == McRequest.Op.MS) {
            byte[] mode = flag(flags, 'M');
            if (mode != null) {
                if (mode.length != 2) {
                    return err("CLIENT_ERROR incorrect length for M token");
                }
                switch (mode[1]) {
                    case 'E', 'e', 'A', 'a', 'P', 'p', 'R', 'r', 'S', 's' -> {
                    }
                    default -> {
                        return err("CLIENT_ERROR invalid mode for ms M token");
                    }
                }
            }
            byte[] fl = flag(flags, 'F');
            if (fl != null && McNumbers.u32(tail(fl)) == null) {
                return err("CLIENT_ERROR bad token in command line format");
            }
            byte[] cas = flag(flags, 'C');
            if (cas != null && McNumbers.u64(tail(cas)) == null) {
                return err("CLIENT_ERROR bad token in command line format");
            }
            if (!ctx.sizeOk(key.length, r.initial)) {
                McRequest e = err("SERVER_ERROR object too large for cache");
                e.value = McTextDecoder.SWALLOW;
                e.initial = r.initial + 2;
                return e;
            }
            r.value = McTextDecoder.NEEDS_DATA;
        }
        if (r.op == McRequest.Op.MA) {
            byte[] mode = flag(flags, 'M');
            if (mode != null) {
                if (mode.length != 2) {
                    return err("CLIENT_ERROR incorrect length for M token");
                }
                switch (mode[1]) {
                    case 'I', 'i', '+', 'D', 'd', '-' -> {
                    }
                    default -> {
                        return err("CLIENT_ERROR invalid mode for ma M token");
                    }
                }
            }
            byte[] d = flag(flags, 'D');
            if (d != null && McNumbers.u64(tail(d)) == null) {
                return err("CLIENT_ERROR invalid or duplicate flag");
            }
            byte[] j = flag(flags, 'J');
            if (j != null && McNumbers.u64(tail(j)) == null) {
                return err("CLIENT_ERROR invalid or duplicate flag");
            }
        }
        return r;
    }

    static byte[] tail(byte[] f) {
        return java.util.Arrays.copyOfRange(f, 1, f.length);
    }

    static byte[] flag(byte[][] flags, char c) {
        for (byte[] f : flags) {
            if (f[0] == c) {
                return f;
            }
        }
        return null;
    }

    static long num(byte[][] flags, char c, long dflt) {
        byte[] f = flag(flags, c);
        if (f == null) {
            return dflt;
        }
        Long v = McNumbers.i64(tail(f));
        return v == null ? dflt : v;
    }

    static long unum(byte[][] flags, char c, long dflt) {
        byte[] f = flag(flags, c);
        if (f == null) {
            return dflt;
        }
        Long v = McNumbers.u64(tail(f));
        return v == null ? dflt : v;
    }

    private static void w(ByteBuf out, String s) {
        McOps.writeAscii(out, s);
    }

    private static long ttl(ShardKeyspace ks, byte[] key) {
        Entry e = ks.peek(key);
        if (e == null || !e.hasExpiry()) {
            return -1;
        }
        return (e.expireAt() - ks.now() + 999) / 1000;
    }

    private static void setTtl(ShardKeyspace ks, byte[] key, long exptime) {
        long at = McOps.expireAt(exptime, ks.now());
        if (at == McOps.EXPIRED) {
            ks.delete(key);
        } else {
            ks.expire(ks.peek(key), at);
        }
    }

    /** Return flags common to the meta commands: k, O, b (echoed), c, t, f, s, h, l in request order. */
    private static void returnFlags(ByteBuf out, McRequest r, ShardKeyspace ks, McItem it, String which,
                                    boolean hitBefore, long lastAccessAge) {
        for (byte[] f : r.metaFlags) {
            char c = (char) f[0];
            if (which.indexOf(c) < 0) {
                continue;
            }
            switch (c) {
                case 'k' -> {
                    out.writeBytes(McOps.ascii(" k"));
                    out.writeBytes(r.wireKey);
                    if (flag(r.metaFlags, 'b') != null) {
                        w(out, " b");
                    }
                }
                case 'O' -> {
                    out.writeByte(' ');
                    out.writeBytes(f);
                }
                case 'c' -> w(out, " c" + Long.toUnsignedString(it.cas));
                case 't' -> w(out, " t" + ttl(ks, r.key));
                case 'f' -> w(out, " f" + Integer.toUnsignedString(it.flags));
                case 's' -> w(out, " s" + it.data.length);
                case 'h' -> w(out, " h" + (hitBefore ? 1 : 0));
                case 'l' -> w(out, " l" + lastAccessAge);
                default -> {
                }
            }
        }
    }

    static void run(McContext ctx, ShardKeyspace ks, McRequest r, ByteBuf out) {
        ctx.cmdMeta.increment();
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
        ctx.cmdGet.increment();
        McItem it = McOps.find(ks, r.key, ctx);
        boolean won = false;
        boolean created = false;
        if (it == null) {
            ctx.getMisses.increment();
            byte[] n = flag(r.metaFlags, 'N');
            if (n == null) {
                if (r.quiet) {
                    return;
                }
                w(out, "EN");
                returnFlags(out, r, ks, null, "kO", false, 0);
                w(out, "\r\n");
                return;
            }
            it = McOps.newItem(ctx, ks, new byte[0], 0);
            McOps.storeAt(ks, r.key, it, McOps.expireAt(num(r.metaFlags, 'N', 0), ks.now()));
            created = true;
        } else {
            ctx.getHits.increment();
        }
        boolean hitBefore = it.fetched;
        long age = ks.now() / 1000 - it.lastAccess;
        for (byte[] f : r.metaFlags) {
            switch (f[0]) {
                case 'T' -> {
                    ctx.cmdTouch.increment();
                    setTtl(ks, r.key, num(r.metaFlags, 'T', 0));
                }
                case 'N' -> won |= created;
                case 'R' -> {
                    long left = ttl(ks, r.key);
                    if (!it.winSent && !created && left != -1 && left < num(r.metaFlags, 'R', 0)) {
                        won = true;
                    }
                }
                default -> {
                }
            }
        }
        boolean value = flag(r.metaFlags, 'v') != null;
        w(out, value ? "VA " + it.data.length : "HD");
        returnFlags(out, r, ks, it, "stcfhlOk", hitBefore, age);
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
        if (value) {
            out.writeBytes(it.data).writeBytes(McOps.CRLF);
        } else if (r.quiet) {
            // q hides HD on a hit without a value
            out.writerIndex(out.writerIndex());
        }
        if (flag(r.metaFlags, 'u') == null) {
            it.fetched = true;
            it.lastAccess = ks.now() / 1000;
        }
    }

    private static void ms(McContext ctx, ShardKeyspace ks, McRequest r, ByteBuf out) {
        byte[] m = flag(r.metaFlags, 'M');
        char mode = m == null ? 'S' : Character.toUpperCase((char) m[1]);
        McRequest.Op op = switch (mode) {
            case 'E' -> McRequest.Op.ADD;
            case 'A' -> McRequest.Op.APPEND;
            case 'P' -> McRequest.Op.PREPEND;
            case 'R' -> McRequest.Op.REPLACE;
            default -> McRequest.Op.SET;
        };
        long cas = unum(r.metaFlags, 'C', 0);
        if (flag(r.metaFlags, 'C') != null && op == McRequest.Op.SET) {
            op = McRequest.Op.CAS;
        }
        int flags = (int) unum(r.metaFlags, 'F', 0);
        long exptime = num(r.metaFlags, 'T', 0);
        long[] newCas = new long[1];
        McOps.Store s;
        McItem old = McOps.find(ks, r.key, ctx);
        if (flag(r.metaFlags, 'I') != null && op == McRequest.Op.CAS && old != null && Long.compareUnsigned(cas, old.cas) < 0) {
            // invalidate mode: an older CAS stores the value but marks it stale
            s = McOps.store(ctx, ks, McRequest.Op.SET, r.key, r.value, flags, exptime, 0, newCas);
            McItem n = McOps.find(ks, r.key, ctx);
            if (n != null) {
                n.stale = true;
            }
        } else {
            s = McOps.store(ctx, ks, op, r.key, r.value, flags, exptime, cas, newCas);
        }
        String code = switch (s) {
            case STORED -> "HD";
            case NOT_STORED -> "NS";
            case EXISTS -> "EX";
            case NOT_FOUND -> "NF";
        };
        if (s == McOps.Store.STORED && r.quiet) {
            return;
        }
        w(out, code);
        McItem it = McOps.find(ks, r.key, ctx);
        if (it == null) {
            it = new McItem(new byte[0], 0, 0, 0);
        }
        if (s == McOps.Store.STORED) {
            returnFlags(out, r, ks, it, "cOk", false, 0);
        } else {
            returnFlags(out, r, ks, it, "Ok", false, 0);
        }
        w(out, "\r\n");
    }

    private static void md(McContext ctx, ShardKeyspace ks, McRequest r, ByteBuf out) {
        McItem it = McOps.find(ks, r.key, ctx);
        String code;
        if (it == null) {
            ctx.deleteMisses.increment();
            code = "NF";
        } else if (flag(r.metaFlags, 'C') != null && unum(r.metaFlags, 'C', 0) != it.cas) {
            code = "EX";
        } else {
            ctx.deleteHits.increment();
            if (flag(r.metaFlags, 'I') != null || flag(r.metaFlags, 'x') != null) {
                McItem n = new McItem(flag(r.metaFlags, 'x') != null ? new byte[0] : it.data,
                    flag(r.metaFlags, 'x') != null ? 0 : it.flags, ctx.nextCas(), it.time);
                n.stale = flag(r.metaFlags, 'I') != null;
                n.fetched = it.fetched;
                McOps.storeAt(ks, r.key, n, McOps.currentExpiry(ks, r.key));
                if (flag(r.metaFlags, 'T') != null) {
                    setTtl(ks, r.key, num(r.metaFlags, 'T', 0));
                }
            } else {
                ks.delete(r.key);
            }
            code = "HD";
        }
        if (code.equals("HD") && r.quiet) {
            return;
        }
        w(out, code);
        returnFlags(out, r, ks, null, "Ok", false, 0);
        w(out, "\r\n");
    }

    private static void ma(McContext ctx, ShardKeyspace ks, McRequest r, ByteBuf out) {
        byte[] m = flag(r.metaFlags, 'M');
        boolean incr = m == null || m[1] == 'I' || m[1] == 'i' || m[1] == '+';
        long delta = unum(r.metaFlags, 'D', 1);
        McItem it = McOps.find(ks, r.key, ctx);
        long value;
        if (it == null) {
            (incr ? ctx.incrMisses : ctx.decrMisses).increment();
            if (flag(r.metaFlags, 'N') == null) {
                w(out, "NF");
                returnFlags(out, r, ks, null, "Ok", false, 0);
                w(out, "\r\n");
                return;
            }
            value = unum(r.metaFlags, 'J', 0);
            it = McOps.newItem(ctx, ks, McOps.ascii(Long.toUnsignedString(value)), 0);
            McOps.storeAt(ks, r.key, it, McOps.expireAt(num(r.metaFlags, 'N', 0), ks.now()));
        } else {
            long[] res = new long[2];
            int st = McOps.addDelta(ctx, ks, r.key, incr, delta, unum(r.metaFlags, 'C', 0), res);
            if (st == McOps.NON_NUMERIC) {
                w(out, "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
                return;
            }
            if (st == McOps.DELTA_CAS_MISMATCH) {
                w(out, "EX");
                returnFlags(out, r, ks, null, "Ok", false, 0);
                w(out, "\r\n");
                return;
            }
            value = res[0];
            if (flag(r.metaFlags, 'T') != null) {
                setTtl(ks, r.key, num(r.metaFlags, 'T', 0));
            }
            it = McOps.find(ks, r.key, ctx);
        }
        boolean v = flag(r.metaFlags, 'v') != null;
        String num = Long.toUnsignedString(value);
        if (!v && r.quiet) {
            return;
        }
        w(out, v ? "VA " + num.length() : "HD");
        returnFlags(out, r, ks, it, "tcOk", false, 0);
        w(out, "\r\n");
        if (v) {
            w(out, num + "\r\n");
        }
    }

    private static void me(McContext ctx, ShardKeyspace ks, McRequest r, ByteBuf out) {
        McItem it = McOps.find(ks, r.key, ctx);
        if (it == null) {
            w(out, "EN\r\n");
            return;
        }
        long exp = ttl(ks, r.key);
        long size = 48 + 8 + r.key.length + 1 + it.data.length + 2;
        out.writeBytes(McOps.ascii("ME ")).writeBytes(r.wireKey);
        w(out, " exp=" + exp + " la=" + (ks.now() / 1000 - it.lastAccess) + " cas=" + Long.toUnsignedString(it.cas)
            + " fetch=" + (it.fetched ? "yes" : "no") + " cls=1 size=" + size + "\r\n");
    }
}
