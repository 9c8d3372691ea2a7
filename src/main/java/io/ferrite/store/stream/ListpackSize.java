package io.ferrite.store.stream;

import io.ferrite.store.Bytes;

/**
 * Bytes an element takes in a Redis listpack (listpack.c's encodings plus the backlen), so a
 * stream node fills up, and stream-node-max-bytes splits nodes, exactly where Redis's would.
 */
final class ListpackSize {
    /** The listpack header (total bytes, element count) and its end marker. */
    static final int HEADER_AND_END = 7;

    private ListpackSize() {
    }

    /** An integer element: its encoding (7-bit, 13-bit, 16, 24, 32 or 64-bit) plus a one-byte backlen. */
    static int ofInt(long v) {
        int enc;
        if (v >= 0 && v <= 127) {
            enc = 1;
        } else if (v >= -4096 && v <= 4095) {
            enc = 2;
        } else if (v >= -32768 && v <= 32767) {
            enc = 3;
        } else if (v >= -8388608 && v <= 8388607) {
            enc = 4;
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            enc = 5;
        } else {
            enc = 9;
        }
        return enc + 1;
    }

    /** A string element; listpacks store strings that are canonical integers as integers. */
    static int ofString(byte[] s) {
        if (s.length > 0 && s.length < 21) {
            Long v = Bytes.parseLongStrict(s);
            if (v != null) {
                return ofInt(v);
            }
        }
        int len = s.length;
        int enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
        return enc + backlen(enc);
    }

    private static int backlen(int l) {
        if (l <= 127) {
            return 1;
        }
        if (l < 16383) {
            return 2;
        }
        if (l < 2097151) {
            return 3;
        }
        if (l < 268435455) {
            return 4;
        }
        return 5;
    }
}
