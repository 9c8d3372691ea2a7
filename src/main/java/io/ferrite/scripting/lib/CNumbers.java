package io.ferrite.scripting.lib;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * The C runtime's number conversions as Redis's libraries see them on x86-64 glibc: printf's
 * {@code %.Ng}, strtod (decimal, hex floats, inf, nan), Lua 5.1's luaO_str2d, and the truncating
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
        BigDecimal rounded = new BigDecimal(v).round(new MathContext(p, RoundingMode.HALF_EVEN));
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

    static byte[] formatGBytes(double v, int precision) {
        return formatG(v, precision).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The result of {@link #strtod}: the value, and where the number ended (== start: no number). */
    static final class Parsed {
        double value;
        int end;
    }

    /** glibc strtod over s[start..limit), where a NUL byte or the limit ends the C string. */
    static void strtod(byte[] s, int start, int limit, Parsed out) {
        int lim = limit;
        for (int i = start; i < limit; i++) {
            if (s[i] == 0) {
                lim = i;
                break;
            }
        }
        int p = start;
        while (p < lim && isSpace(s[p])) {
            p++;
        }
        boolean negative = false;
        if (p < lim && (s[p] == '+' || s[p] == '-')) {
            negative = s[p] == '-';
            p++;
        }
        if (matches(s, p, lim, "inf")) {
            int e = p + 3;
            if (matches(s, e, lim, "inity")) {
                e += 5;
            }
            out.value = negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            out.end = e;
            return;
        }
        if (matches(s, p, lim, "nan")) {
            int e = p + 3;
            if (e < lim && s[e] == '(') {
                int q = e + 1;
                while (q < lim && (isAlnum(s[q]) || s[q] == '_')) {
                    q++;
                }
                if (q < lim && s[q] == ')') {
                    e = q + 1;
                }
            }
            out.value = negative ? NEGATIVE_NAN : Double.NaN;
            out.end = e;
            return;
        }
        if (p + 1 < lim && s[p] == '0' && (s[p + 1] | 0x20) == 'x' && hexFloat(s, p + 2, lim, negative, out)) {
            return;
        }
        int q = p;
        int digits = 0;
        while (q < lim && isDigit(s[q])) {
            q++;
            digits++;
        }
        boolean plainInteger = true;
        if (q < lim && s[q] == '.') {
            plainInteger = false;
            q++;
            while (q < lim && isDigit(s[q])) {
                q++;
                digits++;
            }
        }
        if (digits == 0) {
            out.value = 0;
            out.end = start;
            return;
        }
        q = exponent(s, q, lim, 'e');
        if (plainInteger && q - p <= 15 && allDigits(s, p, q)) {
            long n = 0;
            for (int i = p; i < q; i++) {
                n = n * 10 + (s[i] - '0');
            }
            out.value = negative ? -(double) n : (double) n;
        } else {
            String text = new String(s, p, q - p, StandardCharsets.ISO_8859_1);
            double d = Double.parseDouble(text);
            out.value = negative ? -d : d;
        }
        out.end = q;
    }

    private static boolean hexFloat(byte[] s, int from, int lim, boolean negative, Parsed out) {
        int q = from;
        StringBuilder mantissa = new StringBuilder();
        while (q < lim && Character.digit(s[q], 16) >= 0) {
            mantissa.append((char) s[q++]);
        }
        int intDigits = mantissa.length();
        if (q < lim && s[q] == '.') {
            int dot = q++;
            while (q < lim && Character.digit(s[q], 16) >= 0) {
                mantissa.append((char) s[q++]);
            }
            if (mantissa.length() == 0) {
                return false;
            }
            if (mantissa.length() == intDigits) {
                q = dot + 1;
            }
        }
        if (mantissa.length() == 0) {
            return false;
        }
        int e = exponent(s, q, lim, 'p');
        long exp = 0;
        if (e > q) {
            int i = q + 1;
            boolean neg = s[i] == '-';
            if (s[i] == '-' || s[i] == '+') {
                i++;
            }
            for (; i < e; i++) {
                exp = Math.min(exp * 10 + (s[i] - '0'), 100_000_000L);
            }
            exp = neg ? -exp : exp;
        }
        // value = 0x<all digits> * 2^(exp - 4 * fraction digits)
        long binaryExp = exp - 4L * (mantissa.length() - intDigits);
        String text = "0x" + mantissa + "p" + binaryExp;
        double d = Double.parseDouble(text);
        out.value = negative ? -d : d;
        out.end = e;
        return true;
    }

    /** Where an exponent (e/E or p/P, optional sign, at least one digit) starting at q ends, else q. */
    private static int exponent(byte[] s, int q, int lim, char letter) {
        if (q < lim && (s[q] | 0x20) == letter) {
            int r = q + 1;
            if (r < lim && (s[r] == '+' || s[r] == '-')) {
                r++;
            }
            if (r < lim && isDigit(s[r])) {
                while (r < lim && isDigit(s[r])) {
                    r++;
                }
                return r;
            }
        }
        return q;
    }

    /** luaO_str2d: what Lua 5.1 accepts as a numeric string (lua_isnumber, lua_tonumber). */
    static boolean str2d(byte[] s, Parsed out) {
        strtod(s, 0, s.length, out);
        if (out.end == 0) {
            return false;
        }
        int e = out.end;
        if (e < s.length && (s[e] | 0x20) == 'x') {
            return false; // strtoul would stop at the same 'x': "0x" with no digits
        }
        while (e < s.length && s[e] != 0 && isSpace(s[e])) {
            e++;
        }
        return e >= s.length || s[e] == 0;
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

    private static boolean isAlnum(byte b) {
        return isDigit(b) || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z');
    }

    private static boolean allDigits(byte[] s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isDigit(s[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(byte[] s, int p, int lim, String word) {
        if (p + word.length() > lim) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if ((s[p + i] | 0x20) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
