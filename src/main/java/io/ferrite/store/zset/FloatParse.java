package io.ferrite.store.zset;

import java.math.BigDecimal;

/**
 * C's strtod as glibc implements it, for the places Redis calls it directly (score ranges) or
 * through string2d (scores, increments, weights): leading white space, an optional sign, decimal or
 * hexadecimal digits with an optional exponent, "inf", "infinity" and "nan" in any case.
 */
public final class FloatParse {
    private FloatParse() {
    }

    /** The result of one strtod call. */
    public static final class Result {
        private double value;
        /** Index just after the parsed text; the start index when nothing was converted. */
        private int end;
        /** errno == ERANGE: overflow to infinity, or underflow. */
        private boolean range;

        public double value() {
            return value;
        }

        public int end() {
            return end;
        }

        public boolean range() {
            return range;
        }
    }

    static boolean space(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    private static boolean matches(byte[] b, int i, String word) {
        if (b.length - i < word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            int c = b[i + k];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    public static Result strtod(byte[] b, int start) {
        Result r = new Result();
        r.end = start;
        int i = start;
        while (i < b.length && space(b[i])) {
            i++;
        }
        boolean neg = false;
        if (i < b.length && (b[i] == '+' || b[i] == '-')) {
            neg = b[i] == '-';
            i++;
        }
        if (matches(b, i, "inf")) {
            r.value = neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            r.end = matches(b, i, "infinity") ? i + 8 : i + 3;
            return r;
        }
        if (matches(b, i, "nan")) {
            r.value = Double.NaN;
            int j = i + 3;
            if (j < b.length && b[j] == '(') {
                int k = j + 1;
                while (k < b.length && (Character.isLetterOrDigit(b[k]) || b[k] == '_')) {
                    k++;
                }
                if (k < b.length && b[k] == ')') {
                    j = k + 1;
                }
            }
            r.end = j;
            return r;
        }
        if (i + 1 < b.length && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X')) {
            int j = i + 2;
            boolean digits = false;
            StringBuilder mant = new StringBuilder();
            while (j < b.length && hex(b[j]) >= 0) {
                mant.append((char) b[j++]);
                digits = true;
            }
            if (j < b.length && b[j] == '.') {
                int k = j + 1;
                StringBuilder frac = new StringBuilder();
                while (k < b.length && hex(b[k]) >= 0) {
                    frac.append((char) b[k++]);
                }
                if (digits || frac.length() > 0) {
                    mant.append('.').append(frac);
                    digits = true;
                    j = k;
                }
            }
            if (digits) {
                String exp = "0";
                if (j < b.length && (b[j] == 'p' || b[j] == 'P')) {
                    int k = j + 1;
                    int es = k;
                    if (k < b.length && (b[k] == '+' || b[k] == '-')) {
                        k++;
                    }
                    int ds = k;
                    while (k < b.length && b[k] >= '0' && b[k] <= '9') {
                        k++;
                    }
                    if (k > ds) {
                        exp = new String(b, es, k - es, java.nio.charset.StandardCharsets.US_ASCII);
                        j = k;
                    }
                }
                String m = mant.toString();
                if (m.startsWith(".")) {
                    m = "0" + m;
                }
                double v;
                try {
                    v = Double.parseDouble("0x" + m + "p" + exp);
                } catch (NumberFormatException e) {
                    v = 0;
                }
                finish(r, v, neg, m.replace(".", "").chars().anyMatch(ch -> ch != '0'));
                r.end = j;
                return r;
            }
            // "0x" without hex digits: just the zero
            r.value = neg ? -0.0 : 0.0;
            r.end = i + 1;
            return r;
        }
        int j = i;
        boolean digits = false;
        boolean nonzero = false;
        while (j < b.length && b[j] >= '0' && b[j] <= '9') {
            nonzero |= b[j] != '0';
            digits = true;
            j++;
        }
        if (j < b.length && b[j] == '.') {
            int k = j + 1;
            boolean frac = false;
            while (k < b.length && b[k] >= '0' && b[k] <= '9') {
                nonzero |= b[k] != '0';
                frac = true;
                k++;
            }
            if (digits || frac) {
                digits = true;
                j = k;
            }
        }
        if (!digits) {
            return r;
        }
        int mantEnd = j;
        if (j < b.length && (b[j] == 'e' || b[j] == 'E')) {
            int k = j + 1;
            if (k < b.length && (b[k] == '+' || b[k] == '-')) {
                k++;
            }
            int ds = k;
            while (k < b.length && b[k] >= '0' && b[k] <= '9') {
                k++;
            }
            if (k > ds) {
                j = k;
            }
        }
        String text = new String(b, i, j - i, java.nio.charset.StandardCharsets.US_ASCII);
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            // an exponent too long for Java: let BigDecimal decide
            try {
                v = new BigDecimal(text).doubleValue();
            } catch (RuntimeException e2) {
                v = 0;
            }
        }
        finish(r, v, neg, nonzero);
        r.end = j;
        if (mantEnd == i) {
            r.end = start;
        }
        return r;
    }

    private static void finish(Result r, double v, boolean neg, boolean nonzero) {
        if (Double.isInfinite(v)) {
            r.range = true;
        } else if (nonzero && (v == 0 || Math.abs(v) < Double.MIN_NORMAL)) {
            r.range = true;
        }
        r.value = neg ? -v : v;
    }

    /** Redis's string2d (getDoubleFromObject): the whole string, no leading space, no NaN, no overflow or underflow to zero. */
    public static Double string2d(byte[] b) {
        if (b.length == 0 || space(b[0])) {
            return null;
        }
        Result r = strtod(b, 0);
        if (r.end != b.length || Double.isNaN(r.value)) {
            return null;
        }
        if (r.range && (Double.isInfinite(r.value) || r.value == 0)) {
            return null;
        }
        return r.value;
    }

    /** The strtod use of zslParseRange: the rest of the string must be consumed, NaN refused. */
    public static Double rangeBound(byte[] b, int from) {
        Result r = strtod(b, from);
        if (r.end != b.length || Double.isNaN(r.value)) {
            return null;
        }
        return r.value;
    }
}
