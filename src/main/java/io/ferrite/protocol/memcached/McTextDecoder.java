package io.ferrite.protocol.memcached;

import io.ferrite.command.memcached.McContext;
import io.ferrite.command.memcached.McMeta;
import io.ferrite.command.memcached.McNumbers;
import io.ferrite.command.memcached.McRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** memcached 1.6.18's text and meta protocol: lines, then data blocks for storage commands. */
final class McTextDecoder extends ByteToMessageDecoder {
    static final int KEY_MAX = McRequest.KEY_MAX;
    private static final int MAX_TOKENS = 24;
    private static final int MAX_VERBOSITY = 2;
    /** memcached's try_read_command_ascii: a line still without '\n' after this many bytes must be a multiget. */
    static final int LINE_MAX = 2048;
    /** memcached closes a long line with more leading spaces than this. */
    private static final int LEADING_SPACES_MAX = 100;
    /**
     * Keys per get request handed to the connection. memcached answers a get key by key; Ferrite does
     * the same in bounded chunks so that a line with millions of keys never becomes millions of arrays.
     */
    static final int GET_CHUNK = 32;
    private final McContext ctx;
    private final McLogin login;
    /** A get/gets line longer than LINE_MAX, read key by key as it arrives. */
    private GetStream stream;
    /** A storage request waiting for its data block (vlen + 2 bytes). */
    private McRequest awaiting;
    private int awaitingLen;
    /** Bytes to swallow after a too-large value; then the pending reply goes out. */
    private long swallow;
    private McRequest afterSwallow;

    McTextDecoder(McContext ctx, McLogin login) {
        this.ctx = ctx;
        this.login = login;
    }

    @Override
    protected void decode(ChannelHandlerContext c, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (swallow > 0) {
                int n = (int) Math.min(swallow, in.readableBytes());
                in.skipBytes(n);
                swallow -= n;
                if (swallow > 0) {
                    return;
                }
                out.add(afterSwallow);
                afterSwallow = null;
                continue;
            }
            if (awaiting != null) {
                if (in.readableBytes() < awaitingLen + 2) {
                    return;
                }
                byte[] data = new byte[awaitingLen];
                in.readBytes(data);
                byte cr = in.readByte();
                byte lf = in.readByte();
                McRequest r = awaiting;
                awaiting = null;
                if (cr != '\r' || lf != '\n') {
                    McRequest e = McRequest.raw("CLIENT_ERROR bad data chunk\r\n");
                    e.proto = r.proto;
                    out.add(e);
                } else {
                    r.value = data;
                    out.add(r);
                }
                continue;
            }
            if (!login.loggedIn()) {
                // memcached -Y: lines are read by the login's rules until one logs in
                if (!login.readText(in, out)) {
                    return;
                }
                continue;
            }
            if (stream != null) {
                if (!stream.read(in, out)) {
                    return;
                }
                stream = null;
                continue;
            }
            int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (lf < 0 ? in.readableBytes() > LINE_MAX : lf - in.readerIndex() > LINE_MAX) {
                int p = in.readerIndex();
                while (p < in.writerIndex() && in.getByte(p) == ' ') {
                    p++;
                }
                boolean gets = startsWith(in, p, "gets ");
                if (gets || startsWith(in, p, "get ")) {
                    if (lf < 0 && p - in.readerIndex() > LEADING_SPACES_MAX) {
                        in.skipBytes(in.readableBytes());
                        out.add(McRequest.close(null));
                        return;
                    }
                    in.readerIndex(p + (gets ? 5 : 4));
                    stream = new GetStream(gets ? McRequest.Op.GETS : McRequest.Op.GET);
                    continue;
                }
                if (lf < 0) {
                    // memcached: no '\n' in the first 2 KB and not a multiget, so the client is talking nonsense
                    in.skipBytes(in.readableBytes());
                    out.add(McRequest.close(null));
                    return;
                }
            }
            if (lf < 0) {
                return;
            }
            int end = lf;
            if (end - in.readerIndex() > 1 && in.getByte(end - 1) == '\r') {
                end--;
            }
            byte[] line = new byte[end - in.readerIndex()];
            in.getBytes(in.readerIndex(), line);
            in.readerIndex(lf + 1);
            // C strings stop at the first NUL
            for (int i = 0; i < line.length; i++) {
                if (line[i] == 0) {
                    line = java.util.Arrays.copyOf(line, i);
                    break;
                }
            }
            McRequest r = parse(line);
            if (r == null) {
                continue;
            }
            if (r.value == SWALLOW) {
                // a too-large value: swallow the data, then reply
                r.value = null;
                swallow = r.initial;
                afterSwallow = r;
                continue;
            }
            if (r.value == NEEDS_DATA) {
                awaiting = r;
                awaitingLen = (int) r.initial;
                r.value = null;
                continue;
            }
            if (r.keys != null && r.keys.length > GET_CHUNK) {
                addChunks(r, out);
                continue;
            }
            out.add(r);
        }
    }

    /** Splits a multiget into requests of at most GET_CHUNK keys; only the last one ends with END. */
    private static void addChunks(McRequest r, List<Object> out) {
        for (int from = 0; from < r.keys.length; from += GET_CHUNK) {
            int to = Math.min(r.keys.length, from + GET_CHUNK);
            McRequest c = chunk(r.op, java.util.Arrays.copyOfRange(r.keys, from, to));
            c.exptime = r.exptime;
            c.more = to < r.keys.length;
            c.continued = from > 0;
            out.add(c);
        }
    }

    private static McRequest chunk(McRequest.Op op, byte[][] keys) {
        McRequest c = new McRequest();
        c.op = op;
        if (keys.length == 1) {
            c.key = keys[0];
        } else {
            c.keys = keys;
        }
        return c;
    }

    /**
     * A get/gets line too long to hold whole (memcached keeps growing its read buffer for these): the keys
     * are taken as they arrive and handed on GET_CHUNK at a time, so memory stays bounded whatever the
     * line's length. As in memcached, a key over 250 bytes ends the request with CLIENT_ERROR and a NUL
     * ends the line's content; unlike memcached, values of the chunks before such a key are already sent.
     */
    private static final class GetStream {
        private final McRequest.Op op;
        private final List<byte[]> keys = new ArrayList<>();
        private boolean anyKey;
        /** A chunk has been handed on: what follows continues its reply. */
        private boolean emitted;
        private boolean tooLong;
        /** The rest of the line is ignored (after a NUL or a too-long key). */
        private boolean ignoring;

        GetStream(McRequest.Op op) {
            this.op = op;
        }

        /** Consumes what it can; true once the line's '\n' has been read. */
        boolean read(ByteBuf in, List<Object> out) {
            while (in.isReadable()) {
                int ri = in.readerIndex();
                if (ignoring) {
                    int lf = in.indexOf(ri, in.writerIndex(), (byte) '\n');
                    if (lf < 0) {
                        in.skipBytes(in.readableBytes());
                        return false;
                    }
                    in.readerIndex(lf);
                    ignoring = false;
                    continue;
                }
                byte b = in.getByte(ri);
                if (b == '\n') {
                    in.skipBytes(1);
                    finish(out);
                    return true;
                }
                if (b == ' ') {
                    in.skipBytes(1);
                    continue;
                }
                if (b == 0) {
                    ignoring = true;
                    continue;
                }
                int end = ri;
                while (end < in.writerIndex()) {
                    byte e = in.getByte(end);
                    if (e == ' ' || e == '\n' || e == 0) {
                        break;
                    }
                    end++;
                }
                boolean lineEnd = end < in.writerIndex() && in.getByte(end) == '\n';
                int len = end - ri;
                if (lineEnd && in.getByte(end - 1) == '\r') {
                    len--; // the line's "\r\n"
                }
                if (end == in.writerIndex()) {
                    // the token continues in bytes not yet received (one spare byte for a final '\r')
                    if (len > KEY_MAX + 1) {
                        tooLong = true;
                        ignoring = true;
                        continue;
                    }
                    return false;
                }
                if (len > KEY_MAX) {
                    tooLong = true;
                    ignoring = true;
                    continue;
                }
                if (len > 0) {
                    byte[] k = new byte[len];
                    in.getBytes(ri, k);
                    keys.add(k);
                    anyKey = true;
                    if (keys.size() == GET_CHUNK) {
                        McRequest c = chunk(op, keys.toArray(new byte[0][]));
                        c.more = true;
                        c.continued = emitted;
                        emitted = true;
                        out.add(c);
                        keys.clear();
                    }
                }
                in.readerIndex(end);
            }
            return false;
        }

        private void finish(List<Object> out) {
            McRequest last;
            if (tooLong) {
                last = clientError("bad command line format");
            } else if (!anyKey) {
                last = error();
            } else if (keys.isEmpty()) {
                last = McRequest.raw("END\r\n");
            } else {
                last = chunk(op, keys.toArray(new byte[0][]));
            }
            last.continued = emitted;
            out.add(last);
        }
    }

    static final byte[] NEEDS_DATA = McRequest.NEEDS_DATA;
    static final byte[] SWALLOW = McRequest.SWALLOW;

    private static boolean startsWith(ByteBuf in, int p, String s) {
        if (in.writerIndex() - p < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (in.getByte(p + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Splits on spaces as memcached's tokenize_command does; all tokens (the caller applies MAX_TOKENS). */
    static List<byte[]> tokens(byte[] line) {
        List<byte[]> t = new ArrayList<>();
        int s = 0;
        for (int i = 0; i <= line.length; i++) {
            if (i == line.length || line[i] == ' ') {
                if (i > s) {
                    t.add(java.util.Arrays.copyOfRange(line, s, i));
                }
                s = i + 1;
            }
        }
        return t;
    }

    private static boolean is(byte[] tok, String s) {
        if (tok.length != s.length()) {
            return false;
        }
        for (int i = 0; i < tok.length; i++) {
            if (tok[i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static McRequest error() {
        return McRequest.raw("ERROR\r\n");
    }

    private static McRequest clientError(String s) {
        return McRequest.raw("CLIENT_ERROR " + s + "\r\n");
    }

    McRequest parse(byte[] line) {
        List<byte[]> all = tokens(line);
        int real = all.size();
        // ntokens as memcached counts them: real tokens (at most MAX_TOKENS - 1) plus the terminal one
        int ntokens = Math.min(real, MAX_TOKENS - 1) + 1;
        if (ntokens < 2 || all.get(0).length < 2) {
            return error();
        }
        List<byte[]> tok = real > MAX_TOKENS - 1 ? all.subList(0, MAX_TOKENS - 1) : all;
        byte[] cmd = tok.get(0);
        char first = (char) cmd[0];
        if (first == 'm' && cmd.length == 2) {
            return McMeta.parse(cmd[1], tok, ntokens, ctx);
        }
        if (first == 'g') {
            if (ntokens < 3) {
                return error();
            }
            if (is(cmd, "get")) {
                return get(McRequest.Op.GET, all, 1);
            } else if (is(cmd, "gets")) {
                return get(McRequest.Op.GETS, all, 1);
            } else if (is(cmd, "gat") || is(cmd, "gats")) {
                Long exp = McNumbers.i32(all.get(1));
                if (exp == null) {
                    return clientError("invalid exptime argument");
                }
                McRequest r = get(is(cmd, "gat") ? McRequest.Op.GAT : McRequest.Op.GATS, all, 2);
                r.exptime = exp;
                return r;
            }
            return error();
        }
        if (is(cmd, "set")) {
            return want(ntokens, 6, 7) ? update(McRequest.Op.SET, tok, ntokens, false) : error();
        }
        if (is(cmd, "add")) {
            return want(ntokens, 6, 7) ? update(McRequest.Op.ADD, tok, ntokens, false) : error();
        }
        if (is(cmd, "append")) {
            return want(ntokens, 6, 7) ? update(McRequest.Op.APPEND, tok, ntokens, false) : error();
        }
        if (is(cmd, "prepend")) {
            return want(ntokens, 6, 7) ? update(McRequest.Op.PREPEND, tok, ntokens, false) : error();
        }
        if (is(cmd, "replace")) {
            return want(ntokens, 6, 7) ? update(McRequest.Op.REPLACE, tok, ntokens, false) : error();
        }
        if (is(cmd, "cas")) {
            return want(ntokens, 7, 8) ? update(McRequest.Op.CAS, tok, ntokens, true) : error();
        }
        if (is(cmd, "incr") || is(cmd, "decr")) {
            if (!want(ntokens, 4, 5)) {
                return error();
            }
            McRequest r = new McRequest();
            r.op = is(cmd, "incr") ? McRequest.Op.INCR : McRequest.Op.DECR;
            r.noreply = noreply(tok, ntokens);
            if (tok.get(1).length > KEY_MAX) {
                return clientError("bad command line format");
            }
            Long d = McNumbers.u64(tok.get(2));
            if (d == null) {
                return noreplyAware(r, clientError("invalid numeric delta argument"));
            }
            r.key = tok.get(1);
            r.delta = d;
            return r;
        }
        if (is(cmd, "delete")) {
            if (ntokens < 3 || ntokens > 5) {
                return error();
            }
            McRequest r = new McRequest();
            r.op = McRequest.Op.DELETE;
            if (ntokens > 3) {
                boolean holdZero = is(tok.get(2), "0");
                boolean nr = noreply(tok, ntokens);
                boolean valid = (ntokens == 4 && (holdZero || nr)) || (ntokens == 5 && holdZero && nr);
                r.noreply = nr;
                if (!valid) {
                    return noreplyAware(r, clientError("bad command line format.  Usage: delete <key> [noreply]"));
                }
            }
            if (tok.get(1).length > KEY_MAX) {
                return noreplyAware(r, clientError("bad command line format"));
            }
            r.key = tok.get(1);
            return r;
        }
        if (is(cmd, "touch")) {
            if (!want(ntokens, 4, 5)) {
                return error();
            }
            McRequest r = new McRequest();
            r.op = McRequest.Op.TOUCH;
            r.noreply = noreply(tok, ntokens);
            if (tok.get(1).length > KEY_MAX) {
                return noreplyAware(r, clientError("bad command line format"));
            }
            Long exp = McNumbers.i32(tok.get(2));
            if (exp == null) {
                return noreplyAware(r, clientError("invalid exptime argument"));
            }
            r.key = tok.get(1);
            r.exptime = exp;
            return r;
        }
        if (is(cmd, "stats")) {
            McRequest r = new McRequest();
            r.op = McRequest.Op.STATS;
            if (ntokens >= 3) {
                r.arg = new String(tok.get(1), StandardCharsets.ISO_8859_1);
                r.hasArg = true;
            }
            if (ntokens >= 4) {
                r.arg2 = new String(tok.get(2), StandardCharsets.ISO_8859_1);
            }
            r.delta = ntokens;
            return r;
        }
        if (is(cmd, "flush_all")) {
            if (ntokens < 2 || ntokens > 4) {
                return error();
            }
            McRequest r = new McRequest();
            r.op = McRequest.Op.FLUSH;
            r.noreply = noreply(tok, ntokens);
            if (ntokens != (r.noreply ? 3 : 2)) {
                Long d = McNumbers.i32(tok.get(1));
                if (d == null) {
                    return noreplyAware(r, clientError("invalid exptime argument"));
                }
                r.exptime = d;
                r.hasArg = true;
            }
            return r;
        }
        if (is(cmd, "version")) {
            McRequest r = new McRequest();
            r.op = McRequest.Op.VERSION;
            return r;
        }
        if (is(cmd, "quit")) {
            return McRequest.close(null);
        }
        if (is(cmd, "verbosity")) {
            if (!want(ntokens, 3, 4)) {
                return error();
            }
            McRequest r = new McRequest();
            r.op = McRequest.Op.VERBOSITY;
            r.noreply = noreply(tok, ntokens);
            Long level = McNumbers.u32(tok.get(1));
            if (level == null) {
                return noreplyAware(r, clientError("bad command line format"));
            }
            r.delta = Math.min(level, MAX_VERBOSITY);
            return r;
        }
        if (is(cmd, "slabs")) {
            return slabs(tok, ntokens);
        }
        if (is(cmd, "bget")) {
            // memcached still answers the long-gone "binary get" as a get
            return ntokens < 3 ? error() : get(McRequest.Op.GET, all, 1);
        }
        if (ntokens >= 2 && tok.size() >= ntokens - 1 && startsWithBytes(tok.get(ntokens - 2), "HTTP/")) {
            return McRequest.close(null);
        }
        return error();
    }

    /**
     * slabs automove 0|1|2 and slabs automove ratio N: Ferrite has no slab classes to rebalance, but the
     * setting is kept and reported (stats settings) with memcached's validation and replies.
     */
    private McRequest slabs(List<byte[]> tok, int ntokens) {
        if (ntokens < 4 || !is(tok.get(1), "automove")) {
            return error();
        }
        McRequest r = new McRequest();
        r.noreply = noreply(tok, ntokens);
        if (is(tok.get(2), "ratio")) {
            Double ratio = ntokens < 5 ? null : McNumbers.f64(tok.get(3));
            if (ratio == null) {
                return noreplyAware(r, error());
            }
            ctx.slabAutomoveRatio(ratio);
        } else {
            Long level = McNumbers.u32(tok.get(2));
            if (level == null) {
                return noreplyAware(r, clientError("bad command line format"));
            }
            if (level > 2) {
                return noreplyAware(r, error());
            }
            ctx.slabAutomove(level.intValue());
        }
        return noreplyAware(r, McRequest.raw("OK\r\n"));
    }

    private static boolean startsWithBytes(byte[] b, String s) {
        if (b.length < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** With noreply, memcached's out_string swallows even error lines (out_errstring does not). */
    private static McRequest noreplyAware(McRequest r, McRequest err) {
        if (r.noreply) {
            return null;
        }
        return err;
    }

    private static boolean want(int ntokens, int a, int b) {
        return ntokens == a || ntokens == b;
    }

    static boolean noreply(List<byte[]> tok, int ntokens) {
        return ntokens >= 2 && ntokens - 2 < tok.size() && is(tok.get(ntokens - 2), "noreply");
    }

    private McRequest get(McRequest.Op op, List<byte[]> all, int from) {
        McRequest r = new McRequest();
        r.op = op;
        int n = all.size() - from;
        if (n <= 0) {
            return McRequest.raw("END\r\n");
        }
        byte[][] keys = new byte[Math.max(n, 0)][];
        for (int i = 0; i < n; i++) {
            keys[i] = all.get(from + i);
            if (keys[i].length > KEY_MAX) {
                return clientError("bad command line format");
            }
        }
        if (n == 1) {
            r.key = keys[0];
        } else {
            r.keys = keys;
        }
        return r;
    }

    private McRequest update(McRequest.Op op, List<byte[]> tok, int ntokens, boolean cas) {
        McRequest r = new McRequest();
        r.op = op;
        r.noreply = noreply(tok, ntokens);
        if (tok.get(1).length > KEY_MAX) {
            return McRequest.raw("CLIENT_ERROR bad command line format\r\n");
        }
        Long flags = McNumbers.u32(tok.get(2));
        Long exp = McNumbers.i32(tok.get(3));
        Long vlen = McNumbers.i32(tok.get(4));
        if (flags == null || exp == null || vlen == null) {
            return McRequest.raw("CLIENT_ERROR bad command line format\r\n");
        }
        if (cas) {
            Long c = McNumbers.u64(tok.get(5));
            if (c == null) {
                return McRequest.raw("CLIENT_ERROR bad command line format\r\n");
            }
            r.cas = c;
        }
        if (vlen < 0 || vlen > Integer.MAX_VALUE - 2) {
            return McRequest.raw("CLIENT_ERROR bad command line format\r\n");
        }
        r.key = tok.get(1);
        r.flags = (int) (long) flags;
        r.exptime = exp;
        if (!ctx.sizeOk(r.key.length, vlen)) {
            ctx.storeTooLarge();
            McRequest e = new McRequest();
            e.op = McRequest.Op.RAW;
            e.raw = r.noreply ? new byte[0] : "SERVER_ERROR object too large for cache\r\n".getBytes(StandardCharsets.US_ASCII);
            e.value = SWALLOW;
            e.initial = vlen + 2;
            if (op == McRequest.Op.SET) {
                // memcached unlinks the old value so stale data does not survive a failed SET
                e.op = McRequest.Op.DELETE;
                e.key = r.key;
                e.noreply = true;
                e.hasArg = true; // marks "too large" so the executor writes raw
            }
            return e;
        }
        r.initial = vlen;
        r.value = NEEDS_DATA;
        return r;
    }
}
