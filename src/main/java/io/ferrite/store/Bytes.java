package io.ferrite.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Byte-array operations the keyspace and the commands share: hashing, comparison, number parsing. */
public final class Bytes {
    public static final byte[] EMPTY = new byte[0];

    private Bytes() {
    }

    /** 32-bit FNV-1a mixed with a finaliser; cheap for short keys and well spread for power-of-two tables. */
    public static int hash(byte[] b) {
        int h = 0x811C9DC5;
        for (byte x : b) {
            h = (h ^ x) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h;
    }

    public static boolean equalsIgnoreCase(byte[] lowerAscii, byte[] b) {
        if (lowerAscii.length != b.length) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            int c = b[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerAscii[i]) {
                return false;
            }
        }
        return true;
    }

    public static boolean is(byte[] arg, String lowerAscii) {
        int n = lowerAscii.length();
        if (arg.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = arg[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerAscii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    public static byte[] lower(byte[] b) {
        byte[] r = b.clone();
        for (int i = 0; i < r.length; i++) {
            if (r[i] >= 'A' && r[i] <= 'Z') {
                r[i] += 32;
            }
        }
        return r;
    }

    public static byte[] of(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    public static boolean equal(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }

    /** True when the bytes are exactly how Redis would print the long they denote (string2ll round-trip). */
    public static boolean isCanonicalLong(byte[] b) {
        return parseLongStrict(b, 0, b.length) != null;
    }

    /** Redis's string2ll: optional '-', no leading zeros, no '+', no spaces, within the long range. */
    public static Long parseLongStrict(byte[] b, int off, int len) {
        if (len == 0 || len > 20) {
            return null;
        }
        int i = off;
        int end = off + len;
        boolean neg = false;
        if (len == 1 && b[i] == '0') {
            return 0L;
        }
        if (b[i] == '-') {
            neg = true;
            i++;
            if (i == end) {
                return null;
            }
        }
        if (b[i] < '1' || b[i] > '9') {
            return null;
        }
        long v = 0;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            // accumulate negatively so Long.MIN_VALUE parses
            if (v < (Long.MIN_VALUE + d) / 10) {
                return null;
            }
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) {
                return null;
            }
            v = -v;
        }
        return v;
    }

    public static Long parseLongStrict(byte[] b) {
        return parseLongStrict(b, 0, b.length);
    }

    public static byte[] fromLong(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }
}
