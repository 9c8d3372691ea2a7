package io.ferrite.persistence.rdb;

import io.ferrite.store.Bytes;

import java.util.ArrayList;
import java.util.List;

/**
 * Redis's listpack wire format (listpack.c), written and read here rather than through a library:
 * a 4-byte total size and 2-byte element count (little-endian), the elements, and an 0xFF end.
 * Each element is an encoding byte with its data (7-bit, 13, 16, 24, 32 or 64-bit integers;
 * strings with a 6, 12 or 32-bit length) followed by its "backlen", the element's size in 1 to 5
 * bytes readable right to left. Strings that are canonical integers are stored as integers, as
 * lpAppend does, so a listpack built here is byte for byte the one Redis builds.
 */
final class Listpack {
    private static final int HEADER = 6;
    private static final int END = 0xFF;
    /** The element count a header holds when the real count does not fit 16 bits. */
    private static final int COUNT_UNKNOWN = 0xFFFF;

    private Listpack() {
    }

    /** Builds one listpack, element by element. */
    static final class Builder {
        private final RdbOutput out = new RdbOutput(64);
        private int count;

        Builder() {
            out.writeLittleEndian(0, HEADER);
        }

        int count() {
            return count;
        }

        /** The size the listpack has so far, end byte included (lpBytes). */
        int bytes() {
            return out.length() + 1;
        }

        /** lpAppend: as an integer when the string is one (lpStringToInt64), else as a string. */
        Builder add(byte[] s) {
            if (s.length > 0 && s.length <= 20) {
                Long v = Bytes.parseLongStrict(s);
                if (v != null) {
                    return add(v);
                }
            }
            int start = out.length();
            int n = s.length;
            if (n < 64) {
                out.writeByte(0x80 | n);
            } else if (n < 4096) {
                out.writeByte(0xE0 | (n >>> 8));
                out.writeByte(n & 0xFF);
            } else {
                out.writeByte(0xF0);
                out.writeLittleEndian(n, 4);
            }
            out.writeRaw(s);
            backlen(out.length() - start);
            count++;
            return this;
        }

        /** lpAppendInteger: the narrowest integer encoding. */
        Builder add(long v) {
            int start = out.length();
            if (v >= 0 && v <= 127) {
                out.writeByte((int) v);
            } else if (v >= -4096 && v <= 4095) {
                int u = (int) (v < 0 ? (1 << 13) + v : v);
                out.writeByte(0xC0 | (u >>> 8));
                out.writeByte(u & 0xFF);
            } else if (v >= -32768 && v <= 32767) {
                out.writeByte(0xF1);
                out.writeLittleEndian(v, 2);
            } else if (v >= -8388608 && v <= 8388607) {
                out.writeByte(0xF2);
                out.writeLittleEndian(v, 3);
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                out.writeByte(0xF3);
                out.writeLittleEndian(v, 4);
            } else {
                out.writeByte(0xF4);
                out.writeLittleEndian(v, 8);
            }
            backlen(out.length() - start);
            count++;
            return this;
        }

        /** lpEncodeBacklen: 7 bits a byte, the high bit marking a byte that continues to the left. */
        private void backlen(int l) {
            if (l <= 127) {
                out.writeByte(l);
            } else if (l < 16383) {
                out.writeByte(l >>> 7);
                out.writeByte((l & 127) | 128);
            } else if (l < 2097151) {
                out.writeByte(l >>> 14);
                out.writeByte(((l >>> 7) & 127) | 128);
                out.writeByte((l & 127) | 128);
            } else if (l < 268435455) {
                out.writeByte(l >>> 21);
                out.writeByte(((l >>> 14) & 127) | 128);
                out.writeByte(((l >>> 7) & 127) | 128);
                out.writeByte((l & 127) | 128);
            } else {
                out.writeByte(l >>> 28);
                out.writeByte(((l >>> 21) & 127) | 128);
                out.writeByte(((l >>> 14) & 127) | 128);
                out.writeByte(((l >>> 7) & 127) | 128);
                out.writeByte((l & 127) | 128);
            }
        }

        byte[] build() {
            out.writeByte(END);
            byte[] b = out.toByteArray();
            putLittleEndian(b, 0, b.length, 4);
            putLittleEndian(b, 4, Math.min(count, COUNT_UNKNOWN), 2);
            return b;
        }
    }

    private static void putLittleEndian(byte[] b, int at, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static long getLittleEndian(byte[] b, int at, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) (b[at + i] & 0xFF) << (8 * i);
        }
        return v;
    }

    /**
     * Every element of a listpack, integers as their decimal text, after the checks of
     * lpValidateIntegrity with deep validation: the header's size is the blob's, each element's
     * encoding, length and backlen are consistent and inside the blob, the end byte is where it
     * should be, and the header's count (unless "unknown") is the number of elements.
     */
    static List<byte[]> read(byte[] lp) throws RdbFormatException {
        checkHeader(lp);
        int declared = (int) getLittleEndian(lp, 4, 2);
        List<byte[]> out = new ArrayList<>(Math.min(declared, lp.length / 2));
        decode(lp, out);
        if (declared != COUNT_UNKNOWN && declared != out.size()) {
            throw RdbInput.corrupt("listpack count wrong");
        }
        return out;
    }

    /** A listpack read with only Redis's shallow checks: its elements up to the first bad one, and whether all were sound. */
    record Trusted(List<byte[]> elements, boolean sound) {
    }

    /**
     * lpValidateIntegrity without deep validation (sanitize-dump-payload no): only the header's
     * size and the end byte must be right (else the exception); the elements are then decoded up
     * to the first that is not sound, which Redis would only find when a command reads it.
     */
    static Trusted readTrusting(byte[] lp) throws RdbFormatException {
        checkHeader(lp);
        int declared = (int) getLittleEndian(lp, 4, 2);
        List<byte[]> out = new ArrayList<>(Math.min(declared, lp.length / 2));
        try {
            decode(lp, out);
        } catch (RdbFormatException e) {
            return new Trusted(out, false);
        }
        // the header's count is only checked by deep validation
        return new Trusted(out, true);
    }

    private static void checkHeader(byte[] lp) throws RdbFormatException {
        if (lp.length < HEADER + 1) {
            throw RdbInput.corrupt("listpack too short");
        }
        if (getLittleEndian(lp, 0, 4) != lp.length || (lp[lp.length - 1] & 0xFF) != END) {
            throw RdbInput.corrupt("listpack header or end byte wrong");
        }
    }

    /** Appends each element to {@code out}; throws at the first one that is not sound. */
    private static void decode(byte[] lp, List<byte[]> out) throws RdbFormatException {
        int p = HEADER;
        int last = lp.length - 1;
        while (p < last) {
            int start = p;
            int b = lp[p] & 0xFF;
            byte[] element;
            if ((b & 0x80) == 0) {
                element = Bytes.fromLong(b);
                p += 1;
            } else if ((b & 0xC0) == 0x80) {
                int n = b & 0x3F;
                element = stringAt(lp, p + 1, n, last);
                p += 1 + n;
            } else if ((b & 0xE0) == 0xC0) {
                check(p + 2, last);
                int u = ((b & 0x1F) << 8) | (lp[p + 1] & 0xFF);
                element = Bytes.fromLong(u >= 1 << 12 ? u - (1 << 13) : u);
                p += 2;
            } else if ((b & 0xF0) == 0xE0) {
                check(p + 2, last);
                int n = ((b & 0x0F) << 8) | (lp[p + 1] & 0xFF);
                element = stringAt(lp, p + 2, n, last);
                p += 2 + n;
            } else {
                switch (b) {
                    case 0xF0: {
                        check(p + 5, last);
                        long n = getLittleEndian(lp, p + 1, 4);
                        if (n > last - (p + 5)) {
                            throw RdbInput.corrupt("listpack string past the end");
                        }
                        element = stringAt(lp, p + 5, (int) n, last);
                        p += 5 + (int) n;
                        break;
                    }
                    case 0xF1:
                        element = intAt(lp, p, 2, last);
                        p += 3;
                        break;
                    case 0xF2:
                        element = intAt(lp, p, 3, last);
                        p += 4;
                        break;
                    case 0xF3:
                        element = intAt(lp, p, 4, last);
                        p += 5;
                        break;
                    case 0xF4:
                        element = intAt(lp, p, 8, last);
                        p += 9;
                        break;
                    default:
                        throw RdbInput.corrupt("bad listpack encoding " + b);
                }
            }
            int size = p - start;
            p = checkBacklen(lp, p, size, last);
            out.add(element);
        }
    }

    private static void check(int endExclusive, int last) throws RdbFormatException {
        if (endExclusive > last) {
            throw RdbInput.corrupt("listpack element past the end");
        }
    }

    private static byte[] stringAt(byte[] lp, int from, int n, int last) throws RdbFormatException {
        check(from + n, last);
        byte[] s = new byte[n];
        System.arraycopy(lp, from, s, 0, n);
        return s;
    }

    private static byte[] intAt(byte[] lp, int p, int bytes, int last) throws RdbFormatException {
        check(p + 1 + bytes, last);
        long v = getLittleEndian(lp, p + 1, bytes);
        int shift = 64 - 8 * bytes;
        return Bytes.fromLong((v << shift) >> shift);
    }

    /** Reads the backlen after an element of {@code size} bytes; returns the next element's offset. */
    private static int checkBacklen(byte[] lp, int p, int size, int last) throws RdbFormatException {
        int n = size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5;
        check(p + n, last);
        long v = 0;
        int shift = 0;
        for (int i = p + n - 1; i >= p; i--) {
            int x = lp[i] & 0xFF;
            v |= (long) (x & 127) << shift;
            shift += 7;
            boolean more = (x & 128) != 0;
            if (more != (i > p)) {
                throw RdbInput.corrupt("listpack backlen malformed");
            }
        }
        if (v != size) {
            throw RdbInput.corrupt("listpack backlen wrong");
        }
        return p + n;
    }
}
