package io.ferrite.command.memcached;

/** memcached's safe_strto* helpers, emulated on bytes (C strtoull/strtol semantics). */
public final class McNumbers {
    private McNumbers() {
    }

    public static boolean space(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
    }

    /** Result holder: ok, value, negative-sign seen. */
    static final long FAIL = Long.MIN_VALUE;


    /** strtoull over b[from, to): returns the value; sets 'ok' via return array. null = fail. */
    public static long[] strtoull(byte[] b, int from, int to, boolean signedRange) {
        int i = from;
        while (i < to && space(b[i])) {
            i++;
        }
        boolean negative = false;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        int digits = i;
        java.math.BigInteger v = java.math.BigInteger.ZERO;
        long acc = 0;
        boolean big = false;
        while (i < to && b[i] >= '0' && b[i] <= '9') {
            if (!big) {
                long next = acc * 10 + (b[i] - '0');
                if (acc > 0x0CCCCCCCCCCCCCCCL || next < 0) {
                    big = true;
                    v = java.math.BigInteger.valueOf(acc).multiply(java.math.BigInteger.TEN)
                        .add(java.math.BigInteger.valueOf(b[i] - '0'));
                } else {
                    acc = next;
                }
            } else {
                v = v.multiply(java.math.BigInteger.TEN).add(java.math.BigInteger.valueOf(b[i] - '0'));
            }
            i++;
        }
        if (i == digits) {
            return null; // no conversion: endptr == str
        }
        if (!big) {
            v = java.math.BigInteger.valueOf(acc);
        }
        // the character after the number must be a space or the end
        if (i < to && !space(b[i]) && b[i] != 0) {
            return null;
        }
        if (signedRange) {
            java.math.BigInteger s = negative ? v.negate() : v;
            if (s.bitLength() > 63) {
                return null; // ERANGE
            }
            return new long[] {s.longValue(), negative ? 1 : 0};
        }
        if (v.bitLength() > 64) {
            return null; // ERANGE
        }
        long r = v.longValue();
        if (negative) {
            r = -r;
        }
        return new long[] {r, negative ? 1 : 0};
    }

    /** safe_strtoull: null when memcached would refuse. */
    public static Long u64(byte[] b) {
        return u64(b, 0, b.length);
    }

    public static Long u64(byte[] b, int from, int to) {
        long[] r = strtoull(b, from, to, false);
        if (r == null) {
            return null;
        }
        if (r[0] < 0 && r[1] == 1) {
            return null;
        }
        return r[0];
    }

    /** safe_strtoul into uint32 (truncating, as on 64-bit Linux). */
    public static Long u32(byte[] b) {
        Long v = u64(b);
        return v == null ? null : v & 0xffffffffL;
    }

    /** safe_strtol into int32 (truncating). */
    public static Long i32(byte[] b) {
        long[] r = strtoull(b, 0, b.length, true);
        return r == null ? null : (long) (int) r[0];
    }

    /** Plain strtol-into-long for 64-bit signed tokens (meta). */
    public static Long i64(byte[] b) {
        long[] r = strtoull(b, 0, b.length, true);
        return r == null ? null : r[0];
    }

    /** safe_strtod: a decimal number followed by a space or the end; null when memcached would refuse. */
    public static Double f64(byte[] b) {
        String t = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).stripLeading();
        java.util.regex.Matcher m = java.util.regex.Pattern
            .compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?").matcher(t);
        if (!m.lookingAt() || m.end() != t.length()) {
            return null;
        }
        double d = Double.parseDouble(m.group());
        return Double.isInfinite(d) ? null : d;
    }
}
