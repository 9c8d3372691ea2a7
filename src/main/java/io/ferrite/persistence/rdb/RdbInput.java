package io.ferrite.persistence.rdb;

import io.ferrite.store.Bytes;
import io.ferrite.store.zset.FloatParse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * An RDB byte stream being read (Redis's rdbLoad* primitives), from a byte array or from a stream
 * through a window that is refilled as the reader advances (Redis's rio over a buffered file).
 * Every length is checked against the input left before anything is allocated for it, so a
 * payload claiming a huge string or element count fails instead of allocating: the reading side
 * of sanitize-dump-payload. A stream's length is known up front (a file's size), so the same
 * check holds for it.
 * <p>
 * Over a stream only the window is held: it grows to hold one item read whole (a big string, a
 * packed blob) and shrinks back once that item is passed, so memory does not follow the file's
 * size. The CRC-64 of every byte passed is kept as they leave the window, as Redis's rio updates
 * its checksum while reading.
 */
public final class RdbInput {
    /** The window a stream is read through; a larger one is held only while one item needs it. */
    public static final int STREAM_WINDOW = 64 * 1024;

    private byte[] buf;
    private int pos;
    private int end;
    /** Where buf[0] is in the input, so that positions survive refills. */
    private long base;
    private final InputStream source;
    /** Bytes of the source not yet in the window. */
    private long sourceLeft;
    private final int window;
    private long crc;
    /** buf[crcFrom..pos) is read but not yet in {@link #crc}. */
    private int crcFrom;
    private int peakWindow;

    public RdbInput(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
        this.base = -off;
        this.crcFrom = off;
        this.source = null;
        this.window = 0;
        this.peakWindow = len;
    }

    private RdbInput(InputStream source, long length, int window) {
        if (window < 16) {
            throw new IllegalArgumentException("window must be at least 16 bytes, got " + window);
        }
        this.buf = new byte[window];
        this.source = source;
        this.sourceLeft = length;
        this.window = window;
        this.peakWindow = window;
    }

    /** Reads {@code length} bytes of {@code source} through a window of {@code window} bytes. */
    public static RdbInput streaming(InputStream source, long length, int window) {
        return new RdbInput(source, length, window);
    }

    /** Bytes left in the input, at most Integer.MAX_VALUE (counts and lengths are checked against it). */
    public int remaining() {
        return (int) Math.min(Integer.MAX_VALUE, left());
    }

    /** Bytes left: in the window and not yet read from the stream. */
    private long left() {
        return end - pos + sourceLeft;
    }

    /** How many bytes were read so far. */
    public long position() {
        return base + pos;
    }

    /** The largest window held so far: the memory this input took, whatever the input's size. */
    public int peakWindow() {
        return peakWindow;
    }

    /** The CRC-64 of every byte read so far (Redis's rio cksum). */
    public long crcSoFar() {
        crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
        crcFrom = pos;
        return crc;
    }

    static RdbFormatException corrupt(String what) {
        return new RdbFormatException(what);
    }

    private void need(long n) throws RdbFormatException {
        if (n < 0 || n > left()) {
            throw corrupt("unexpected end of payload");
        }
        if (n > end - pos) {
            if (n > Integer.MAX_VALUE - 16) {
                throw corrupt("item of " + n + " bytes too large");
            }
            refill((int) n);
        }
    }

    /** Moves the unread bytes to the front of a window big enough for {@code n}, then reads until it holds them. */
    private void refill(int n) throws RdbFormatException {
        crcSoFar();
        int unread = end - pos;
        byte[] target = buf;
        if (n > buf.length) {
            target = new byte[Math.max(n, window)];
        } else if (buf.length > window && n <= window && unread <= window) {
            // the big item is passed: back to the usual window
            target = new byte[window];
        }
        System.arraycopy(buf, pos, target, 0, unread);
        base += pos;
        buf = target;
        peakWindow = Math.max(peakWindow, buf.length);
        pos = 0;
        crcFrom = 0;
        end = unread;
        try {
            while (end < n) {
                int r = source.read(buf, end, (int) Math.min(buf.length - end, sourceLeft));
                if (r < 0) {
                    // the file got shorter than its size said
                    throw corrupt("unexpected end of payload");
                }
                end += r;
                sourceLeft -= r;
            }
        } catch (IOException e) {
            throw corrupt("unexpected end of payload");
        }
    }

    public int readByte() throws RdbFormatException {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public byte[] readRaw(int n) throws RdbFormatException {
        need(n);
        byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    public long readLittleEndian(int bytes) throws RdbFormatException {
        need(bytes);
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) (buf[pos++] & 0xFF) << (8 * i);
        }
        return v;
    }

    private long readBigEndian(int bytes) throws RdbFormatException {
        need(bytes);
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    /** rdbLoadLen, refusing the string encodings (11xxxxxx) where a plain length is expected. */
    public long readLen() throws RdbFormatException {
        int b = readByte();
        int kind = (b & 0xC0) >> 6;
        if (kind == 0) {
            return b & 0x3F;
        }
        if (kind == 1) {
            return ((long) (b & 0x3F) << 8) | readByte();
        }
        if (b == RdbType.LEN_32BIT) {
            return readBigEndian(4);
        }
        if (b == RdbType.LEN_64BIT) {
            return readBigEndian(8);
        }
        throw corrupt("unknown length encoding " + b);
    }

    /**
     * A count of things each taking at least {@code minBytes} bytes of the input: refused when the
     * input left cannot hold that many, so no loop or allocation is sized by a forged count.
     */
    public int readCount(int minBytes) throws RdbFormatException {
        long n = readLen();
        if (n < 0 || n > (long) remaining() / Math.max(1, minBytes)) {
            throw corrupt("count " + Long.toUnsignedString(n) + " exceeds the payload");
        }
        return (int) n;
    }

    /** rdbGenericLoadStringObject: raw, integer-encoded or LZF-compressed. */
    public byte[] readString() throws RdbFormatException {
        int b = readByte();
        if ((b & 0xC0) == 0xC0) {
            switch (b & 0x3F) {
                case RdbType.ENC_INT8:
                    return Bytes.fromLong((byte) readByte());
                case RdbType.ENC_INT16:
                    return Bytes.fromLong((short) readLittleEndian(2));
                case RdbType.ENC_INT32:
                    return Bytes.fromLong((int) readLittleEndian(4));
                case RdbType.ENC_LZF: {
                    long clen = readLen();
                    long len = readLen();
                    need(clen);
                    byte[] out = Lzf.decompress(buf, pos, (int) clen, len);
                    pos += (int) clen;
                    return out;
                }
                default:
                    throw corrupt("unknown string encoding " + (b & 0x3F));
            }
        }
        pos--;
        long n = readLen();
        need(n);
        return readRaw((int) n);
    }

    /** rdbLoadBinaryDoubleValue. */
    public double readBinaryDouble() throws RdbFormatException {
        return Double.longBitsToDouble(readLittleEndian(8));
    }

    /** rdbLoadDoubleValue (RDB_TYPE_ZSET): a length byte then the text; 253 nan, 254 inf, 255 -inf. */
    public double readTextDouble() throws RdbFormatException {
        int n = readByte();
        switch (n) {
            case 253:
                return Double.NaN;
            case 254:
                return Double.POSITIVE_INFINITY;
            case 255:
                return Double.NEGATIVE_INFINITY;
            default:
                byte[] text = readRaw(n);
                // sscanf("%lg") as rdbLoadDoubleValue: the leading number, whatever follows
                FloatParse.Result r = FloatParse.strtod(text, 0);
                if (r.end() == 0) {
                    throw corrupt("bad double value");
                }
                return r.value();
        }
    }

    public long readMillis() throws RdbFormatException {
        return readLittleEndian(8);
    }
}
