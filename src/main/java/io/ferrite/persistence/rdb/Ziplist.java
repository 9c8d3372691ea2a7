package io.ferrite.persistence.rdb;

import io.ferrite.store.Bytes;

import java.util.ArrayList;
import java.util.List;

/**
 * Reading Redis's ziplist (ziplist.c), the packed encoding RDB files before version 10 hold for
 * small lists, hashes and sorted sets; Redis 7.0 still loads them and converts, and so does
 * Ferrite (the decoder is written here from the wire format). Layout: total bytes and offset of
 * the last entry (4 bytes each), entry count (2 bytes), entries, an 0xFF end. Each entry is the
 * previous entry's size (1 byte, or 0xFE and 4 bytes), an encoding, and its data.
 * Also the zipmap (zipmap.c) of RDB_TYPE_HASH_ZIPMAP, older still.
 */
final class Ziplist {
    private static final int HEADER = 10;
    private static final int END = 0xFF;

    private Ziplist() {
    }

    private static long le(byte[] b, int at, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) (b[at + i] & 0xFF) << (8 * i);
        }
        return v;
    }

    private static void check(int endExclusive, int last) throws RdbFormatException {
        if (endExclusive > last) {
            throw RdbInput.corrupt("ziplist entry past the end");
        }
    }

    /** The entries, after ziplistValidateIntegrity's deep checks. */
    static List<byte[]> read(byte[] zl) throws RdbFormatException {
        if (zl.length < HEADER + 1 || le(zl, 0, 4) != zl.length || (zl[zl.length - 1] & 0xFF) != END) {
            throw RdbInput.corrupt("ziplist header or end byte wrong");
        }
        long tail = le(zl, 4, 4);
        int declared = (int) le(zl, 8, 2);
        int last = zl.length - 1;
        List<byte[]> out = new ArrayList<>(Math.min(declared, zl.length / 2));
        int p = HEADER;
        int prevSize = 0;
        int lastStart = HEADER;
        while (p < last) {
            int start = p;
            int prevlen;
            check(p + 1, last);
            if ((zl[p] & 0xFF) < 0xFE) {
                prevlen = zl[p] & 0xFF;
                p += 1;
            } else if ((zl[p] & 0xFF) == 0xFE) {
                check(p + 5, last);
                long v = le(zl, p + 1, 4);
                prevlen = v > Integer.MAX_VALUE ? -1 : (int) v;
                p += 5;
            } else {
                throw RdbInput.corrupt("ziplist prevlen bad");
            }
            if (prevlen != prevSize) {
                throw RdbInput.corrupt("ziplist prevlen wrong");
            }
            check(p + 1, last);
            int b = zl[p] & 0xFF;
            byte[] element;
            switch (b >> 6) {
                case 0: {
                    int n = b & 0x3F;
                    p += 1;
                    check(p + n, last);
                    element = copy(zl, p, n);
                    p += n;
                    break;
                }
                case 1: {
                    check(p + 2, last);
                    int n = ((b & 0x3F) << 8) | (zl[p + 1] & 0xFF);
                    p += 2;
                    check(p + n, last);
                    element = copy(zl, p, n);
                    p += n;
                    break;
                }
                case 2: {
                    if (b != 0x80) {
                        throw RdbInput.corrupt("ziplist encoding bad");
                    }
                    check(p + 5, last);
                    long n = ((long) (zl[p + 1] & 0xFF) << 24) | ((zl[p + 2] & 0xFF) << 16)
                        | ((zl[p + 3] & 0xFF) << 8) | (zl[p + 4] & 0xFF);
                    p += 5;
                    if (n > last - p) {
                        throw RdbInput.corrupt("ziplist string past the end");
                    }
                    element = copy(zl, p, (int) n);
                    p += (int) n;
                    break;
                }
                default: {
                    int bytes;
                    switch (b) {
                        case 0xC0: bytes = 2; break;
                        case 0xD0: bytes = 4; break;
                        case 0xE0: bytes = 8; break;
                        case 0xF0: bytes = 3; break;
                        case 0xFE: bytes = 1; break;
                        default:
                            if (b >= 0xF1 && b <= 0xFD) {
                                bytes = 0;
                            } else {
                                throw RdbInput.corrupt("ziplist encoding bad");
                            }
                    }
                    check(p + 1 + bytes, last);
                    long v;
                    if (bytes == 0) {
                        v = (b & 0x0F) - 1;
                    } else {
                        int shift = 64 - 8 * bytes;
                        v = (le(zl, p + 1, bytes) << shift) >> shift;
                    }
                    element = Bytes.fromLong(v);
                    p += 1 + bytes;
                }
            }
            prevSize = p - start;
            lastStart = start;
            out.add(element);
        }
        if (tail != lastStart || (declared != 0xFFFF && declared != out.size())) {
            throw RdbInput.corrupt("ziplist tail or count wrong");
        }
        return out;
    }

    private static byte[] copy(byte[] b, int from, int n) {
        byte[] s = new byte[n];
        System.arraycopy(b, from, s, 0, n);
        return s;
    }

    /**
     * A zipmap's fields and values, alternating (zipmapValidateIntegrity): a count byte, then
     * per pair a length (1 byte below 254, or 254 and 4 bytes), the field, a length, a free-bytes
     * count, the value and that many free bytes; 0xFF ends it.
     */
    static List<byte[]> readZipmap(byte[] zm) throws RdbFormatException {
        if (zm.length < 2 || (zm[zm.length - 1] & 0xFF) != END) {
            throw RdbInput.corrupt("zipmap too short");
        }
        int last = zm.length - 1;
        int p = 1;
        List<byte[]> out = new ArrayList<>();
        while (p < last) {
            int[] cur = {p};
            long flen = zipmapLen(zm, cur, last);
            p = cur[0];
            if (flen > last - p) {
                throw RdbInput.corrupt("zipmap field past the end");
            }
            byte[] f = copy(zm, p, (int) flen);
            p += (int) flen;
            cur[0] = p;
            long vlen = zipmapLen(zm, cur, last);
            p = cur[0];
            check(p + 1, last);
            int free = zm[p++] & 0xFF;
            if (vlen + free > last - p) {
                throw RdbInput.corrupt("zipmap value past the end");
            }
            byte[] v = copy(zm, p, (int) vlen);
            p += (int) vlen + free;
            out.add(f);
            out.add(v);
        }
        int declared = zm[0] & 0xFF;
        // an empty zipmap is corrupt, and a count is exact unless it is ZIPMAP_BIGLEN (254)
        if (out.isEmpty() || (declared != 254 && declared != out.size() / 2)) {
            throw RdbInput.corrupt("zipmap count wrong");
        }
        return out;
    }

    private static long zipmapLen(byte[] zm, int[] cur, int last) throws RdbFormatException {
        int p = cur[0];
        check(p + 1, last);
        int b = zm[p] & 0xFF;
        if (b < 254) {
            cur[0] = p + 1;
            return b;
        }
        if (b == 254) {
            check(p + 5, last);
            cur[0] = p + 5;
            return le(zm, p + 1, 4);
        }
        throw RdbInput.corrupt("zipmap length bad");
    }
}
