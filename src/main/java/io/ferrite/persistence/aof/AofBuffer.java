package io.ferrite.persistence.aof;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bytes on their way to an append-only file, written as Redis's feedAppendOnlyFile writes them:
 * each command a RESP array of bulk strings (catAppendOnlyGenericCommand), a SELECT whenever the
 * database differs from the last command's, and with aof-timestamp-enabled a {@code #TS:<unix
 * seconds>} annotation line before a command whenever the second has moved on
 * (genAofTimestampAnnotationIfNeeded). Not thread-safe: one writer owns it.
 */
public final class AofBuffer {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] SELECT = "*2\r\n$6\r\nSELECT\r\n".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf = new byte[4096];
    private int len;
    /** The database the last command written selected; -1 forces a SELECT (a new file, a rewrite). */
    private int selectedDb = -1;
    private long lastTimestamp;

    public int length() {
        return len;
    }

    public boolean isEmpty() {
        return len == 0;
    }

    /** The next command written gets a SELECT first, whatever its database (Redis's aof_selected_db = -1). */
    public void forgetSelectedDb() {
        selectedDb = -1;
    }

    /** Appends a command to run in database {@code db}, with a timestamp annotation first when {@code nowSeconds > 0} says one is due. */
    public void command(int db, byte[][] argv, long nowSeconds) {
        if (nowSeconds > 0 && nowSeconds > lastTimestamp) {
            timestamp(nowSeconds);
        }
        if (db != selectedDb) {
            raw(SELECT);
            bulk(Integer.toString(db).getBytes(StandardCharsets.US_ASCII));
            selectedDb = db;
        }
        command(argv);
    }

    /** Appends the annotation {@code #TS:<seconds>} (Redis forces one at the start of a rewritten file). */
    public void timestamp(long seconds) {
        lastTimestamp = seconds;
        raw(("#TS:" + seconds + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Appends one command as a RESP array, no SELECT. */
    public void command(byte[][] argv) {
        header('*', argv.length);
        for (byte[] a : argv) {
            bulk(a);
        }
    }

    public void bulk(byte[] a) {
        header('$', a.length);
        raw(a);
        raw(CRLF);
    }

    private void header(char kind, long n) {
        ensure(24);
        buf[len++] = (byte) kind;
        raw(Long.toString(n).getBytes(StandardCharsets.US_ASCII));
        raw(CRLF);
    }

    public void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    /** The bytes written so far, to hand to a channel; valid until the next change. */
    public ByteBuffer view() {
        return ByteBuffer.wrap(buf, 0, len);
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** Empties the buffer, keeping a small array for reuse (Redis frees a large aof_buf). */
    public void clear() {
        len = 0;
        if (buf.length > 1 << 20) {
            buf = new byte[4096];
        }
    }
}
