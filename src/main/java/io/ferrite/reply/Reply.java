package io.ferrite.reply;

import io.ferrite.store.Bytes;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Writes one client's replies into a buffer in RESP2 or RESP3, choosing the type markers that
 * protocol uses (null, map, set, double, boolean, verbatim, push), so commands never branch on the
 * protocol themselves.
 */
public final class Reply {
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY2 = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE3 = "#t\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE3 = "#f\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] SMALL_INTS = new byte[128][];
    /** "$<n>\r\n" for short bulk strings, written with one copy (Redis's shared.bulkhdr). */
    private static final byte[][] BULK_HEADERS = new byte[512][];
    /** CR LF as one big-endian short: one bounds check instead of a two-byte array copy. */
    private static final int CRLF_SHORT = ('\r' << 8) | '\n';

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            SMALL_INTS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
        for (int i = 0; i < BULK_HEADERS.length; i++) {
            BULK_HEADERS[i] = ("$" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** Told of every error reply, so INFO errorstats and failed-call counts see them. */
    public interface ErrorListener {
        void onError(String message);
    }

    private ByteBuf out;
    private int protocol;
    private ErrorListener errors;
    private int errorCount;

    public Reply(ByteBuf out, int protocol, ErrorListener errors) {
        this.out = out;
        this.protocol = protocol;
        this.errors = errors;
    }

    public ErrorListener listener() {
        return errors;
    }

    public ByteBuf buffer() {
        return out;
    }

    public void retarget(ByteBuf out, int protocol) {
        this.out = out;
        this.protocol = protocol;
    }

    public int protocol() {
        return protocol;
    }

    public void protocol(int protocol) {
        this.protocol = protocol;
    }

    public boolean resp3() {
        return protocol == 3;
    }

    /** Error replies written since the last reset: a command with any failed. */
    public int errorCount() {
        return errorCount;
    }

    /**
     * An error reply another protocol wrote in its own words (memcached's CLIENT_ERROR ...): it
     * counts for the call's failed_calls, but is not Redis's and stays out of its errorstats.
     */
    public void countForeignError() {
        errorCount++;
    }

    public void resetErrorCount() {
        errorCount = 0;
    }

    public void ok() {
        out.writeBytes(OK);
    }

    public void simple(String s) {
        out.writeByte('+');
        writeAscii(s);
        out.writeShort(CRLF_SHORT);
    }

    /** An error reply; {@code message} starts with its code ("ERR ...", "WRONGTYPE ..."). Newlines are flattened as Redis does. */
    public void error(String message) {
        errorCount++;
        if (errors != null) {
            errors.onError(message);
        }
        out.writeByte('-');
        writeAscii(message.replace('\r', ' ').replace('\n', ' '));
        out.writeShort(CRLF_SHORT);
    }

    public void integer(long v) {
        if (v >= 0 && v < SMALL_INTS.length) {
            out.writeBytes(SMALL_INTS[(int) v]);
            return;
        }
        out.writeByte(':');
        writeLong(v);
        out.writeShort(CRLF_SHORT);
    }

    public void bulk(byte[] b) {
        if (b == null) {
            nil();
            return;
        }
        bulk(b, 0, b.length);
    }

    public void bulk(byte[] b, int off, int len) {
        out.ensureWritable(len + 16);
        if (len < BULK_HEADERS.length) {
            out.writeBytes(BULK_HEADERS[len]);
        } else {
            out.writeByte('$');
            writeLong(len);
            out.writeShort(CRLF_SHORT);
        }
        out.writeBytes(b, off, len);
        out.writeShort(CRLF_SHORT);
    }

    public void bulk(String s) {
        bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    public void bulkLong(long v) {
        bulk(Bytes.fromLong(v));
    }

    /** A null bulk string ($-1 in RESP2, _ in RESP3). */
    public void nil() {
        out.writeBytes(protocol == 3 ? NULL3 : NULL2);
    }

    /** A null array (*-1 in RESP2, _ in RESP3). */
    public void nilArray() {
        out.writeBytes(protocol == 3 ? NULL3 : NULL_ARRAY2);
    }

    public void array(int n) {
        header('*', n);
    }

    public void map(int pairs) {
        if (protocol == 3) {
            header('%', pairs);
        } else {
            header('*', pairs * 2L);
        }
    }

    public void set(int n) {
        header(protocol == 3 ? '~' : '*', n);
    }

    public void push(int n) {
        header(protocol == 3 ? '>' : '*', n);
    }

    public void bool(boolean v) {
        if (protocol == 3) {
            out.writeBytes(v ? TRUE3 : FALSE3);
        } else {
            integer(v ? 1 : 0);
        }
    }

    /** A double: RESP3's ',' type, or a bulk string in RESP2, formatted as Redis formats it. */
    public void dbl(double v, byte[] formatted) {
        if (protocol == 3) {
            out.writeByte(',');
            out.writeBytes(formatted);
            out.writeShort(CRLF_SHORT);
        } else {
            bulk(formatted);
        }
    }

    /** A big number: RESP3's '(' type, or a bulk string in RESP2 (addReplyBigNum). */
    public void bignum(String digits) {
        if (protocol == 3) {
            out.writeByte('(');
            writeAscii(digits);
            out.writeShort(CRLF_SHORT);
        } else {
            bulk(digits);
        }
    }

    /** RESP3's attribute header ('|'); the caller writes it only to RESP3 clients, as Redis does. */
    public void attribute(int pairs) {
        header('|', pairs);
    }

    /** Text that RESP3 marks as verbatim ("txt"), as INFO and CLIENT LIST reply. */
    public void verbatim(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (protocol == 3) {
            out.writeByte('=');
            writeLong(b.length + 4);
            out.writeShort(CRLF_SHORT);
            out.writeBytes("txt:".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(b);
            out.writeShort(CRLF_SHORT);
        } else {
            bulk(b);
        }
    }

    /** Bytes already encoded as RESP, copied as they are. */
    public void raw(ByteBuf encoded) {
        out.writeBytes(encoded, encoded.readerIndex(), encoded.readableBytes());
    }

    private void header(char type, long n) {
        out.writeByte(type);
        writeLong(n);
        out.writeShort(CRLF_SHORT);
    }

    private void writeAscii(String s) {
        out.writeCharSequence(s, StandardCharsets.UTF_8);
    }

    private void writeLong(long v) {
        if (v >= 0 && v < 10) {
            out.writeByte('0' + (int) v);
            return;
        }
        if (v == Long.MIN_VALUE) {
            writeAscii("-9223372036854775808");
            return;
        }
        if (v < 0) {
            out.writeByte('-');
            v = -v;
        }
        int digits = 1;
        for (long p = 10; p <= v && digits < 19; p *= 10) {
            digits++;
        }
        int at = out.writerIndex();
        out.ensureWritable(digits);
        for (int i = digits - 1; i >= 0; i--) {
            out.setByte(at + i, (int) ('0' + v % 10));
            v /= 10;
        }
        out.writerIndex(at + digits);
    }
}
