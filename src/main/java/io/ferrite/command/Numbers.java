package io.ferrite.command;

import io.ferrite.store.zset.ScoreText;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * Number formatting and parsing exactly as Redis does it in C: {@code %.17g} of doubles (d2string),
 * and the x86 80-bit {@code long double} arithmetic behind INCRBYFLOAT and HINCRBYFLOAT
 * (string2ld / strtold, addition rounded to a 64-bit significand, ld2string's {@code %.17Lf}).
 */
public final class Numbers {
    /** Bits of an x87 extended significand. */
    private static final int LD_MANT = 64;
    /** Exponent of the lowest significand bit of the smallest subnormal (2^-16445). */
    private static final long LD_MIN_EXP = -16445;
    /** Largest exponent for a 64-bit significand below 2^16384. */
    private static final long LD_MAX_EXP = 16384 - LD_MANT;
    /** Redis's MAX_LONG_DOUBLE_CHARS: string2ld rejects inputs of this length or more. */
    public static final int MAX_LONG_DOUBLE_CHARS = 5 * 1024;

    private Numbers() {
    }

    /**
     * A long double value: finite {@code (-1)^negative * mantissa * 2^exponent} with a mantissa below
     * 2^64, or an infinity.
     */
    public static final class LongDouble {
        public static final LongDouble ZERO = new LongDouble(false, BigInteger.ZERO, 0, false);

        final boolean negative;
        final BigInteger mantissa;
        final long exponent;
        final boolean infinite;

        LongDouble(boolean negative, BigInteger mantissa, long exponent, boolean infinite) {
            this.negative = negative;
            this.mantissa = mantissa;
            this.exponent = exponent;
            this.infinite = infinite;
        }

        public boolean isInfinite() {
            return infinite;
        }

        public boolean isZero() {
            return !infinite && mantissa.signum() == 0;
        }

        public static LongDouble of(long v) {
            if (v == 0) {
                return ZERO;
            }
            BigInteger m = BigInteger.valueOf(v).abs();
            return round(v < 0, m, BigInteger.ONE, 0);
        }

        /** The exact value (finite only). */
        public BigDecimal toBigDecimal() {
            BigDecimal d;
            if (exponent >= 0) {
                d = new BigDecimal(mantissa.shiftLeft((int) exponent));
            } else {
                d = new BigDecimal(mantissa.multiply(BigInteger.valueOf(5).pow((int) -exponent)), (int) -exponent);
            }
            return negative ? d.negate() : d;
        }

        @Override
        public String toString() {
            return infinite ? (negative ? "-inf" : "inf") : toBigDecimal().toString();
        }
    }

    private static LongDouble infinity(boolean negative) {
        return new LongDouble(negative, BigInteger.ZERO, 0, true);
    }

    /**
     * Rounds {@code p / q * 2^exp2} (p, q positive) to the nearest long double, ties to even;
     * overflow gives an infinity, underflow a zero.
     */
    static LongDouble round(boolean negative, BigInteger p, BigInteger q, long exp2) {
        if (p.signum() == 0) {
            return new LongDouble(negative, BigInteger.ZERO, 0, false);
        }
        long e = (long) p.bitLength() - q.bitLength() + exp2 - LD_MANT;
        BigInteger t;
        BigInteger[] qr;
        BigInteger d;
        while (true) {
            if (e < LD_MIN_EXP) {
                e = LD_MIN_EXP;
            }
            long shift = e - exp2;
            BigInteger n = p;
            d = q;
            if (shift >= 0) {
                d = d.shiftLeft((int) shift);
            } else {
                n = n.shiftLeft((int) -shift);
            }
            qr = n.divideAndRemainder(d);
            t = qr[0];
            if (t.bitLength() > LD_MANT) {
                e++;
                continue;
            }
            if (t.bitLength() < LD_MANT && e > LD_MIN_EXP) {
                e--;
                continue;
            }
            break;
        }
        int cmp = qr[1].shiftLeft(1).compareTo(d);
        if (cmp > 0 || (cmp == 0 && t.testBit(0))) {
            t = t.add(BigInteger.ONE);
            if (t.bitLength() > LD_MANT) {
                t = t.shiftRight(1);
                e++;
            }
        }
        if (e > LD_MAX_EXP) {
            return infinity(negative);
        }
        if (t.signum() == 0) {
            return new LongDouble(negative, BigInteger.ZERO, 0, false);
        }
        return new LongDouble(negative, t, e, false);
    }

    /** Long double addition (x87 extended precision, round to nearest even); null for NaN. */
    public static LongDouble add(LongDouble a, LongDouble b) {
        if (a.infinite || b.infinite) {
            if (a.infinite && b.infinite && a.negative != b.negative) {
                return null;
            }
            return a.infinite ? a : b;
        }
        if (a.mantissa.signum() == 0) {
            return b.mantissa.signum() == 0 ? new LongDouble(a.negative && b.negative, BigInteger.ZERO, 0, false) : b;
        }
        if (b.mantissa.signum() == 0) {
            return a;
        }
        long emin = Math.min(a.exponent, b.exponent);
        BigInteger x = a.mantissa.shiftLeft((int) (a.exponent - emin));
        BigInteger y = b.mantissa.shiftLeft((int) (b.exponent - emin));
        if (a.negative) {
            x = x.negate();
        }
        if (b.negative) {
            y = y.negate();
        }
        BigInteger s = x.add(y);
        if (s.signum() == 0) {
            return LongDouble.ZERO;
        }
        return round(s.signum() < 0, s.abs(), BigInteger.ONE, emin);
    }

    /**
     * Redis's string2ld: the whole input must be what strtold accepts (decimal or hexadecimal
     * float, inf, infinity; no spaces), not NaN, not overflowing, not underflowing to zero.
     * Returns null when invalid.
     */
    public static LongDouble parseLongDouble(byte[] s) {
        int n = s.length;
        if (n == 0 || n >= MAX_LONG_DOUBLE_CHARS) {
            return null;
        }
        int i = 0;
        boolean neg = false;
        if (s[i] == '+' || s[i] == '-') {
            neg = s[i] == '-';
            i++;
        }
        if (i == n) {
            return null;
        }
        if (matchesIgnoreCase(s, i, "infinity") || matchesIgnoreCase(s, i, "inf")) {
            return infinity(neg);
        }
        if (n - i >= 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
            return parseHex(s, i + 2, neg);
        }
        return parseDecimal(s, i, neg);
    }

    private static boolean matchesIgnoreCase(byte[] s, int from, String word) {
        if (s.length - from != word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            int c = s[from + k];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static LongDouble parseDecimal(byte[] s, int i, boolean neg) {
        int n = s.length;
        StringBuilder digits = new StringBuilder();
        int fracDigits = 0;
        boolean any = false;
        boolean dot = false;
        for (; i < n; i++) {
            byte c = s[i];
            if (c >= '0' && c <= '9') {
                any = true;
                if (digits.length() > 0 || c != '0') {
                    digits.append((char) c);
                }
                if (dot) {
                    fracDigits++;
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (!any) {
            return null;
        }
        long exp = 0;
        if (i < n) {
            if (s[i] != 'e' && s[i] != 'E') {
                return null;
            }
            i++;
            boolean eneg = false;
            if (i < n && (s[i] == '+' || s[i] == '-')) {
                eneg = s[i] == '-';
                i++;
            }
            if (i == n) {
                return null;
            }
            for (; i < n; i++) {
                byte c = s[i];
                if (c < '0' || c > '9') {
                    return null;
                }
                if (exp < 1_000_000_000L) {
                    exp = exp * 10 + (c - '0');
                }
            }
            if (eneg) {
                exp = -exp;
            }
        }
        if (digits.length() == 0) {
            return new LongDouble(neg, BigInteger.ZERO, 0, false);
        }
        long decExp = exp - fracDigits;
        long magnitude = digits.length() + decExp - 1;
        if (magnitude > 4933) {
            return null; // ERANGE, HUGE_VALL
        }
        if (magnitude < -4953) {
            return null; // ERANGE, rounds to zero
        }
        BigInteger m = new BigInteger(digits.toString());
        BigInteger p = decExp >= 0 ? m.multiply(BigInteger.TEN.pow((int) decExp)) : m;
        BigInteger q = decExp >= 0 ? BigInteger.ONE : BigInteger.TEN.pow((int) -decExp);
        LongDouble r = round(neg, p, q, 0);
        return r.infinite || r.mantissa.signum() == 0 ? null : r;
    }

    private static LongDouble parseHex(byte[] s, int i, boolean neg) {
        int n = s.length;
        BigInteger m = BigInteger.ZERO;
        long fracDigits = 0;
        boolean any = false;
        boolean dot = false;
        int significant = 0;
        for (; i < n; i++) {
            int c = s[i];
            int v = Character.digit(c, 16);
            if (v >= 0) {
                any = true;
                if (significant > 0 || v != 0) {
                    significant++;
                }
                m = m.shiftLeft(4).or(BigInteger.valueOf(v));
                if (dot) {
                    fracDigits++;
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (!any) {
            return null; // strtold parses "0" and stops at 'x'
        }
        long exp = 0;
        if (i < n) {
            if (s[i] != 'p' && s[i] != 'P') {
                return null;
            }
            i++;
            boolean eneg = false;
            if (i < n && (s[i] == '+' || s[i] == '-')) {
                eneg = s[i] == '-';
                i++;
            }
            if (i == n) {
                return null;
            }
            for (; i < n; i++) {
                byte c = s[i];
                if (c < '0' || c > '9') {
                    return null;
                }
                if (exp < 1_000_000_000L) {
                    exp = exp * 10 + (c - '0');
                }
            }
            if (eneg) {
                exp = -exp;
            }
        }
        if (m.signum() == 0) {
            return new LongDouble(neg, BigInteger.ZERO, 0, false);
        }
        long exp2 = exp - 4 * fracDigits;
        long magnitude = m.bitLength() + exp2;
        if (magnitude > 16385) {
            return null;
        }
        if (magnitude < -16450) {
            return null;
        }
        LongDouble r = round(neg, m, BigInteger.ONE, exp2);
        return r.infinite || r.mantissa.signum() == 0 ? null : r;
    }

    /**
     * Redis's ld2string in LD_STR_HUMAN mode: {@code %.17Lf} with trailing zeros (and a bare point)
     * removed, "-0" printed as "0". Finite values only.
     */
    public static byte[] formatHuman(LongDouble v) {
        if (v.infinite) {
            return (v.negative ? "-inf" : "inf").getBytes(StandardCharsets.US_ASCII);
        }
        return trimHuman(v.toBigDecimal(), v.negative);
    }

    /** {@link #formatHuman(LongDouble)} for a double widened to a long double (exact). */
    public static byte[] formatHuman(double d) {
        if (Double.isInfinite(d)) {
            return (d < 0 ? "-inf" : "inf").getBytes(StandardCharsets.US_ASCII);
        }
        return trimHuman(new BigDecimal(d), d < 0);
    }

    private static byte[] trimHuman(BigDecimal value, boolean negative) {
        String s = value.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        if (negative && !s.startsWith("-")) {
            s = "-" + s;
        }
        int len = s.length();
        if (s.indexOf('.') >= 0) {
            while (s.charAt(len - 1) == '0') {
                len--;
            }
            if (s.charAt(len - 1) == '.') {
                len--;
            }
        }
        s = s.substring(0, len);
        if (s.equals("-0")) {
            s = "0";
        }
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** C's {@code printf("%.Nf", d)}: the exact binary value rounded half-even to {@code decimals} places. */
    public static String fixed(double d, int decimals) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(Math.abs(d)).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        boolean negative = d < 0 || (d == 0 && 1 / d < 0);
        return negative ? "-" + s : s;
    }

    /** C's {@code printf("%.17g", d)}. */
    public static String g17(double d) {
        return ScoreText.g17(d);
    }

    /** Redis's d2string (util.c); see {@link ScoreText#d2string}. */
    public static byte[] d2string(double d) {
        return ScoreText.d2string(d);
    }
}
