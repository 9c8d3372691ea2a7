package io.ferrite.scripting.lib;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import io.ferrite.store.zset.FloatParse;


/**
 * The C runtime's number conversions as Redis's libraries see them on x86-64 glibc: printf's
 * {@code %.Ng}, strtod (through {@link FloatParse}), Lua 5.1's luaO_str2d, and the truncating
 * double-to-integer casts (cvttsd2si answers 0x80000000... for NaN and out-of-range values, where
 * Java saturates).
 */
final class CNumbers {
    private static final double TWO_63 = 9223372036854775808.0;
    private static final double NEGATIVE_NAN = Double.longBitsToDouble(0xfff8000000000000L);
    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private CNumbers() {
    }

    /** printf("%.{precision}g", v) with glibc's spelling of inf and nan. */
    static String formatG(double v, int precision) {
        if (Double.isNaN(v)) {
            return (Double.doubleToRawLongBits(v) < 0) ? "-nan" : "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        int p = Math.max(precision, 1);
        if (v == 0) {
            return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
        }
        if (v == Math.rint(v) && Math.abs(v) < POW10[Math.min(p, 18)]) {
            return Long.toString((long) v);
        }
        // Java's Double.toString is the shortest decimal that reads back as v; when it has at most
        // p (<= 15) digits it is also v rounded to p digits, since a normal v lies within half an
        // ulp (2^-53 relative) of it, far inside half a unit of the p-th digit. Otherwise (and for
        // subnormals, whose ulp is relatively large) round v's exact expansion.
        BigDecimal shortest = p <= 15 && Math.abs(v) >= Double.MIN_NORMAL ? new BigDecimal(Double.toString(v)) : null;
        BigDecimal rounded = shortest != null && shortest.precision() <= p
            ? shortest : new BigDecimal(v).round(new MathContext(p, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= p) {
            String digits = rounded.unscaledValue().abs().toString();
            int end = digits.length();
            while (end > 1 && digits.charAt(end - 1) == '0') {
                end--;
            }
            StringBuilder sb = new StringBuilder(24);
            if (v < 0) {
                sb.append('-');
            }
            sb.append(digits.charAt(0));
            if (end > 1) {
                sb.append('.').append(digits, 1, end);
            }
            sb.append('e').append(exponent < 0 ? '-' : '+');
            int ax = Math.abs(exponent);
            if (ax < 10) {
                sb.append('0');
            }
            return sb.append(ax).toString();
        }
        String plain = rounded.toPlainString();
        if (plain.indexOf('.') >= 0) {
            int end = plain.length();
            while (plain.charAt(end - 1) == '0') {
                end--;
            }
            if (plain.charAt(end - 1) == '.') {
                end--;
            }
            plain = plain.substring(0, end);
        }
        return plain;
    }

    /**
     * The value of {@link FloatParse#strtod} over s[start..], with the sign glibc gives NaN ("-nan"
     * is negative); {@code s} holds no NUL (see {@link #cString}).
     */
    static double value(byte[] s, int start, FloatParse.Result r) {
        if (Double.isNaN(r.value())) {
            int p = start;
            while (p < r.end() && isSpace(s[p])) {
                p++;
            }
            return s[p] == '-' ? NEGATIVE_NAN : Double.NaN;
        }
        return r.value();
    }

    /** The bytes of a Lua string as C code sees them: up to the first NUL. */
    static byte[] cString(byte[] s) {
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0) {
                return java.util.Arrays.copyOf(s, i);
            }
        }
        return s;
    }

    /** luaO_str2d: what Lua 5.1 accepts as a numeric string (lua_isnumber, lua_tonumber). */
    static Double str2d(byte[] string) {
        byte[] s = cString(string);
        FloatParse.Result r = FloatParse.strtod(s, 0);
        if (r.end() == 0) {
            return null;
        }
        int e = r.end();
        if (e < s.length && (s[e] | 0x20) == 'x') {
            return null; // strtoul would stop at the same 'x': "0x" with no digits
        }
        while (e < s.length && isSpace(s[e])) {
            e++;
        }
        return e == s.length ? value(s, 0, r) : null;
    }

    /** (int64_t) d as x86-64 computes it: NaN and out-of-range give INT64_MIN. */
    static long toInt64(double d) {
        return d >= -TWO_63 && d < TWO_63 ? (long) d : Long.MIN_VALUE;
    }

    /** (int32_t) d as x86-64 computes it. */
    static int toInt32(double d) {
        return d >= -2147483648.0 && d < 2147483648.0 ? (int) d : Integer.MIN_VALUE;
    }

    /** (uint64_t) d as gcc emits it on x86-64: below 2^63 a signed conversion, else offset by 2^63. */
    static long toUint64(double d) {
        if (d >= TWO_63) {
            return toInt64(d - TWO_63) ^ Long.MIN_VALUE;
        }
        return toInt64(d);
    }

    /** (double) of an unsigned 64-bit value, correctly rounded. */
    static double unsignedToDouble(long u) {
        if (u >= 0) {
            return (double) u;
        }
        return ((double) ((u >>> 1) | (u & 1))) * 2.0;
    }

    static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }



}
