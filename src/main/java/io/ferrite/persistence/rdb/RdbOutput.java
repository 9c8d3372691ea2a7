package io.ferrite.persistence.rdb;

import io.ferrite.store.Bytes;

import java.util.Arrays;

/**
 * An RDB byte stream being written (Redis's rdbSave* primitives over a growable buffer): lengths
 * in the 6/14/32/64-bit forms, strings as integers, LZF blocks or raw bytes exactly as
 * rdbSaveRawString chooses, binary doubles and millisecond times little-endian.
 */
public final class RdbOutput {
    private byte[] buf;
    private int len;
    /** rdbcompression: strings over 20 bytes go out as LZF blocks when that saves space. */
    private boolean compress = true;
    /** Where the bytes go once {@link #spillAt} are buffered (a snapshot's file), or null to keep them all. */
    private Spill spill;
    private int spillAt;

    /** Receives a full buffer's bytes: they are valid only during the call. */
    public interface Spill {
        void spill(byte[] b, int off, int len);
    }

    public RdbOutput(int capacity, boolean compress) {
        this(capacity);
        this.compress = compress;
    }

    public RdbOutput(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /**
     * From now on, whenever writing would take the buffer past {@code at} bytes, what it holds
     * goes to {@code to} first, so one huge value never sits whole in memory. Only for outputs
     * nothing reads back from (nothing but {@link #toByteArray} of what is left).
     */
    public void spillTo(Spill to, int at) {
        spill = to;
        spillAt = at;
    }

    public int length() {
        return len;
    }

    /** Forgets what was written (the buffer is kept for what comes next). */
    public void reset() {
        len = 0;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** The bytes written so far, shared (valid up to {@link #length()}). */
    public byte[] array() {
        return buf;
    }

    private void ensure(int extra) {
        if (spill != null && len + extra > spillAt && len > 0) {
            spill.spill(buf, 0, len);
            len = 0;
        }
        if (len + extra > buf.length) {
            long want = Math.max((long) len + extra, (long) buf.length * 2);
            buf = Arrays.copyOf(buf, (int) Math.min(want, Integer.MAX_VALUE - 16));
        }
    }

    public void writeByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    public void writeRaw(byte[] b, int off, int n) {
        if (spill != null && n > spillAt) {
            // a huge string: handed on a buffer's worth at a time, never copied whole
            ensure(spillAt);
            for (int i = 0; i < n; i += spillAt) {
                spill.spill(b, off + i, Math.min(spillAt, n - i));
            }
            return;
        }
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    public void writeRaw(byte[] b) {
        writeRaw(b, 0, b.length);
    }

    public void writeLittleEndian(long v, int bytes) {
        ensure(bytes);
        for (int i = 0; i < bytes; i++) {
            buf[len++] = (byte) (v >>> (8 * i));
        }
    }

    /** rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian forms, the shortest that fits. */
    public void writeLen(long n) {
        if (n >= 0 && n < 1 << 6) {
            writeByte((int) n);
        } else if (n >= 0 && n < 1 << 14) {
            writeByte(0x40 | (int) (n >>> 8));
            writeByte((int) n);
        } else if (n >= 0 && n <= 0xFFFFFFFFL) {
            writeByte(RdbType.LEN_32BIT);
            for (int i = 3; i >= 0; i--) {
                writeByte((int) (n >>> (8 * i)));
            }
        } else {
            writeByte(RdbType.LEN_64BIT);
            for (int i = 7; i >= 0; i--) {
                writeByte((int) (n >>> (8 * i)));
            }
        }
    }

    /**
     * rdbSaveRawString: a canonical integer of at most 11 characters that fits 32 bits as an
     * integer encoding; else, over 20 bytes, an LZF block when it saves at least 4 bytes; else raw.
     */
    public void writeString(byte[] s) {
        writeString(s, 0, s.length);
    }

    public void writeString(byte[] s, int off, int n) {
        if (n <= 11 && n > 0) {
            Long v = Bytes.parseLongStrict(s, off, n);
            if (v != null && writeEncodedInt(v)) {
                return;
            }
        }
        if (compress && n >= Lzf.MIN_LENGTH) {
            byte[] c = Lzf.compress(s, off, n);
            if (c != null) {
                writeByte(0xC0 | RdbType.ENC_LZF);
                writeLen(c.length);
                writeLen(n);
                writeRaw(c);
                return;
            }
        }
        writeLen(n);
        writeRaw(s, off, n);
    }

    /** rdbEncodeInteger: false when {@code v} needs more than 32 bits. */
    private boolean writeEncodedInt(long v) {
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            writeByte(0xC0 | RdbType.ENC_INT8);
            writeByte((int) v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            writeByte(0xC0 | RdbType.ENC_INT16);
            writeLittleEndian(v, 2);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            writeByte(0xC0 | RdbType.ENC_INT32);
            writeLittleEndian(v, 4);
        } else {
            return false;
        }
        return true;
    }

    /** rdbSaveBinaryDoubleValue: the IEEE 754 bits, little-endian. */
    public void writeBinaryDouble(double d) {
        writeLittleEndian(Double.doubleToRawLongBits(d), 8);
    }

    /** rdbSaveMillisecondTime: 8 bytes little-endian. */
    public void writeMillis(long ms) {
        writeLittleEndian(ms, 8);
    }
}
