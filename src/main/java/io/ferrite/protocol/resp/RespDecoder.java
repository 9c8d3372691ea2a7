package io.ferrite.protocol.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns RESP multibulk and inline requests into argument arrays ({@code byte[][]}), keeping its
 * place across reads so a large request is scanned once. Malformed input yields a
 * {@link ProtocolError} with Redis's exact message, after which nothing more is decoded.
 */
public final class RespDecoder extends ByteToMessageDecoder {
    private static final int UNAUTH_MAX_ARGS = 10;
    private static final int UNAUTH_MAX_BULK = 16384;

    private final RespLimits limits;
    private final QueryBuffer query;
    private byte[][] args;
    private int argc;
    private int filled;
    /** Bytes of the arguments of the multibulk being received, for the query buffer limit. */
    private long filledBytes;
    private long bulkLen = -1;
    private boolean failed;

    public RespDecoder(RespLimits limits, QueryBuffer query) {
        this.limits = limits;
        this.query = query;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        query.received(in.readableBytes());
        while (!failed && in.isReadable()) {
            if (overLimit(in, out)) {
                return;
            }
            Object msg = args == null ? startRequest(in) : continueMultibulk(in);
            if (msg == null) {
                break;
            }
            if (msg instanceof byte[][] request) {
                query.enqueued(request);
                out.add(request);
            } else if (msg != SKIP) {
                out.add(msg);
            }
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        } else if (!overLimit(in, out)) {
            query.parsing(in.readableBytes(), filledBytes);
        }
    }

    /**
     * Redis closes a client whose query buffer outgrows client-query-buffer-limit, without a reply;
     * here that buffer also holds the decoded requests queued behind a blocked command and the
     * arguments of a multibulk still arriving, so neither can grow without bound.
     */
    private boolean overLimit(ByteBuf in, List<Object> out) {
        query.parsing(in.readableBytes(), filledBytes);
        long used = query.limited();
        if (used <= RespLimits.LEAST_LIMIT || used <= limits.queryBufferLimit()) {
            return false;
        }
        byte[] head = new byte[Math.min(in.readableBytes(), QueryBufferOverflow.HEAD)];
        in.getBytes(in.readerIndex(), head);
        in.skipBytes(in.readableBytes());
        failed = true;
        args = null;
        out.add(new QueryBufferOverflow(head));
        return true;
    }

    private static final Object SKIP = new Object();

    private Object startRequest(ByteBuf in) {
        if (in.getByte(in.readerIndex()) == '*') {
            int cr = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
            if (cr < 0) {
                return in.readableBytes() > RespLimits.INLINE_MAX ? fail("too big mbulk count string") : null;
            }
            if (cr + 1 >= in.writerIndex()) {
                return null;
            }
            long n = parseNumber(in, in.readerIndex() + 1, cr);
            in.readerIndex(cr + 2);
            if (n == Long.MIN_VALUE || n > Integer.MAX_VALUE) {
                return fail("invalid multibulk length");
            }
            if (n > UNAUTH_MAX_ARGS && !limits.authenticated()) {
                return fail("unauthenticated multibulk length");
            }
            if (n <= 0) {
                return SKIP;
            }
            argc = (int) n;
            args = new byte[Math.min(argc, 1024)][];
            filled = 0;
            filledBytes = 0;
            bulkLen = -1;
            return continueMultibulk(in);
        }
        return inline(in);
    }

    private Object continueMultibulk(ByteBuf in) {
        while (filled < argc) {
            if (bulkLen < 0) {
                if (!in.isReadable()) {
                    return null;
                }
                int cr = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
                if (cr < 0) {
                    return in.readableBytes() > RespLimits.INLINE_MAX ? fail("too big bulk count string") : null;
                }
                if (cr + 1 >= in.writerIndex()) {
                    return null;
                }
                byte first = in.getByte(in.readerIndex());
                if (first != '$') {
                    return fail("expected '$', got '" + (char) (first & 0xFF) + "'");
                }
                long n = parseNumber(in, in.readerIndex() + 1, cr);
                in.readerIndex(cr + 2);
                if (n < 0 || (n > RespLimits.LEAST_LIMIT && n > limits.maxBulkLength())) {
                    return fail("invalid bulk length");
                }
                if (n > UNAUTH_MAX_BULK && !limits.authenticated()) {
                    return fail("unauthenticated bulk length");
                }
                bulkLen = n;
                if (n >= QueryBuffer.BIG_ARG && in.readableBytes() < n + 2) {
                    query.bigArgument(n);
                }
            }
            // Redis skips the two bytes after the payload without checking they are CRLF.
            if (in.readableBytes() < bulkLen + 2) {
                return null;
            }
            byte[] arg = new byte[(int) bulkLen];
            in.readBytes(arg);
            in.skipBytes(2);
            if (filled == args.length) {
                args = java.util.Arrays.copyOf(args, Math.min(argc, args.length * 2));
            }
            args[filled++] = arg;
            filledBytes += arg.length;
            bulkLen = -1;
            query.bigArgumentDone();
        }
        byte[][] done = args;
        args = null;
        filledBytes = 0;
        return done;
    }

    private Object inline(ByteBuf in) {
        int nl = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (nl < 0) {
            return in.readableBytes() > RespLimits.INLINE_MAX ? fail("too big inline request") : null;
        }
        int end = nl;
        if (end > in.readerIndex() && in.getByte(end - 1) == '\r') {
            end--;
        }
        byte[] line = new byte[end - in.readerIndex()];
        in.getBytes(in.readerIndex(), line);
        in.readerIndex(nl + 1);
        byte[][] words = InlineArgs.splitUnquoted(line);
        if (words != null) {
            return words.length == 0 ? SKIP : words;
        }
        List<byte[]> parts = InlineArgs.split(line);
        if (parts == null) {
            return fail("unbalanced quotes in request");
        }
        if (parts.isEmpty()) {
            return SKIP;
        }
        return parts.toArray(new byte[0][]);
    }

    private Object fail(String message) {
        failed = true;
        return new ProtocolError(message);
    }

    /** Redis's string2ll over a count line, read in place: Long.MIN_VALUE marks anything that is not a plain integer. */
    private static long parseNumber(ByteBuf in, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        int i = from;
        boolean neg = in.getByte(i) == '-';
        if (neg) {
            i++;
            if (i == to) {
                return Long.MIN_VALUE;
            }
        }
        byte first = in.getByte(i);
        if (first == '0') {
            return len == 1 ? 0 : Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9 || v < (Long.MIN_VALUE + d) / 10) {
                return Long.MIN_VALUE;
            }
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) {
                return Long.MIN_VALUE;
            }
            v = -v;
        }
        return v;
    }

    /** A client whose query buffer outgrew client-query-buffer-limit; {@code head} is the start of its unparsed input. */
    public record QueryBufferOverflow(byte[] head) {
        /** Redis logs the first 64 bytes of the buffer. */
        public static final int HEAD = 64;
    }

}
