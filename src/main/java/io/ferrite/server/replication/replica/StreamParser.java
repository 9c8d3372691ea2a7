package io.ferrite.server.replication.replica;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the master's stream into commands, each with the exact number of bytes it took: the
 * replica's offset counts every byte it applied, so unlike the client decoder this keeps
 * command boundaries in bytes. A master sends multibulk commands, and bare newlines (keep-alives
 * of a chained master whose own link is down), which carry no command.
 */
final class StreamParser {
    /** The longest bulk the stream may carry (Redis's proto-max-bulk-len default is 512 MB). */
    private static final long MAX_BULK = 512L * 1024 * 1024;
    private static final long MAX_ARGS = 1024L * 1024 * 1024;
    private static final byte[][] NO_ARGS = new byte[0][];

    private StreamParser() {
    }

    /** A protocol error in the master's stream: the link is closed, as Redis closes it. */
    static final class StreamError extends Exception {
        StreamError(String message) {
            super(message);
        }
    }

    /**
     * The next command at {@code in}'s reader index, which moves past it; an empty array for a
     * bare newline; null (the index unmoved) when the command is not complete yet.
     */
    static byte[][] next(ByteBuf in) throws StreamError {
        int start = in.readerIndex();
        byte[][] args = in.getByte(start) == '*' ? multibulk(in) : inline(in);
        if (args == null) {
            in.readerIndex(start);
        }
        return args;
    }

    private static byte[][] multibulk(ByteBuf in) throws StreamError {
        in.skipBytes(1);
        long count = number(in);
        if (count == Long.MIN_VALUE) {
            return null;
        }
        if (count > MAX_ARGS) {
            throw new StreamError("invalid multibulk length");
        }
        if (count <= 0) {
            return NO_ARGS;
        }
        byte[][] args = new byte[(int) count][];
        for (int i = 0; i < count; i++) {
            if (!in.isReadable()) {
                return null;
            }
            if (in.readByte() != '$') {
                throw new StreamError("expected '$', got '" + (char) in.getByte(in.readerIndex() - 1) + "'");
            }
            long len = number(in);
            if (len == Long.MIN_VALUE) {
                return null;
            }
            if (len < 0 || len > MAX_BULK) {
                throw new StreamError("invalid bulk length");
            }
            if (in.readableBytes() < len + 2) {
                return null;
            }
            args[i] = new byte[(int) len];
            in.readBytes(args[i]);
            in.skipBytes(2);
        }
        return args;
    }

    /** A number ended by CRLF; Long.MIN_VALUE when the line is not complete. */
    private static long number(ByteBuf in) throws StreamError {
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (eol < 0) {
            return Long.MIN_VALUE;
        }
        int end = eol > in.readerIndex() && in.getByte(eol - 1) == '\r' ? eol - 1 : eol;
        String text = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.US_ASCII);
        in.readerIndex(eol + 1);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new StreamError("invalid number '" + text + "'");
        }
    }

    /** An inline command (words split by spaces) or a bare newline. */
    private static byte[][] inline(ByteBuf in) {
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (eol < 0) {
            return null;
        }
        int end = eol > in.readerIndex() && in.getByte(eol - 1) == '\r' ? eol - 1 : eol;
        String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        in.readerIndex(eol + 1);
        List<byte[]> words = new ArrayList<>();
        for (String w : line.trim().split(" +")) {
            if (!w.isEmpty()) {
                words.add(w.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return words.toArray(NO_ARGS);
    }
}
