package io.ferrite.scripting.lib;

import java.util.Arrays;

/** A growable byte buffer the encoders write into (strbuf / mp_buf in the C libraries). */
final class ByteSink {
    private byte[] buf = new byte[256];
    private int len;

    void reset() {
        len = 0;
        if (buf.length > (1 << 20)) {
            buf = new byte[256]; // one huge result must not pin its buffer for the state's life
        }
    }

    void write(int b) {
        if (len == buf.length) {
            grow(1);
        }
        buf[len++] = (byte) b;
    }

    void write(byte[] b, int off, int n) {
        if (len + n > buf.length) {
            grow(n);
        }
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    void writeAscii(String s) {
        int n = s.length();
        if (len + n > buf.length) {
            grow(n);
        }
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    /** Writes {@code n} bytes of {@code value}, most significant first. */
    void writeBigEndian(long value, int n) {
        for (int i = n - 1; i >= 0; i--) {
            write((int) (value >>> (8 * i)));
        }
    }

    byte[] toArray() {
        return Arrays.copyOf(buf, len);
    }

    void pushTo(CallFrame f) {
        f.pushBytes(buf, 0, len);
    }

    private void grow(int more) {
        long want = Math.max((long) buf.length * 2, (long) len + more);
        if (want > Integer.MAX_VALUE - 16) {
            throw LuaError.raw("not enough memory");
        }
        buf = Arrays.copyOf(buf, (int) want);
    }
}
