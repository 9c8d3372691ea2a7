package io.ferrite.persistence.rdb;

import io.ferrite.store.Bytes;
import io.ferrite.store.zset.FloatParse;

import java.util.Arrays;

/**
 * An RDB byte stream being read from a bounded buffer (Redis's rdbLoad* primitives). Every length
 * is checked against the input left before anything is allocated for it, so a payload claiming a
 * huge string or element count fails instead of allocating: the reading side of
 * sanitize-dump-payload.
 */
public final class RdbInput {
    private final byte[] buf;
    private int pos;
    private final int end;

    public RdbInput(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    public int remaining() {
        return end - pos;
    }

    static RdbFormatException corrupt(String what) {
        return new RdbFormatException(what);
    }

    private void need(long n) throws RdbFormatException {
        if (n < 0 || n > end - pos) {
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
