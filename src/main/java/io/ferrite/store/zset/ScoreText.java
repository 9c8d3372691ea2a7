package io.ferrite.store.zset;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * Scores as Redis writes them in text: C's {@code %.17g} and util.c's d2string, which a sorted
 * set's listpack stores (zzlInsertAt) and replies and digests print.
 */
public final class ScoreText {
    private static final MathContext G17 = new MathContext(17, RoundingMode.HALF_EVEN);

    private ScoreText() {
    }

    /** C's {@code printf("%.17g", d)}. */
    public static String g17(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal bd = new BigDecimal(d).round(G17);
        int x = bd.precision() - bd.scale() - 1;
        if (x < -4 || x >= 17) {
            BigDecimal stripped = bd.stripTrailingZeros();
            String digits = stripped.unscaledValue().abs().toString();
            StringBuilder sb = new StringBuilder();
            if (bd.signum() < 0) {
                sb.append('-');
            }
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(x < 0 ? '-' : '+');
            int ax = Math.abs(x);
            if (ax < 10) {
                sb.append('0');
            }
            sb.append(ax);
            return sb.toString();
        }
        return bd.stripTrailingZeros().toPlainString();
    }

    /**
     * Redis's d2string (util.c): "nan", "inf", "-inf", "0"/"-0", integral values below 2^52 as
     * integers, anything else with {@code %.17g}.
     */
    public static byte[] d2string(double d) {
        String s;
        if (Double.isNaN(d)) {
            s = "nan";
        } else if (Double.isInfinite(d)) {
            s = d > 0 ? "inf" : "-inf";
        } else if (d == 0) {
            s = (1 / d < 0) ? "-0" : "0";
        } else if (d > -4503599627370495.0 && d < 4503599627370496.0 && d == (double) (long) d) {
            s = Long.toString((long) d);
        } else {
            s = g17(d);
        }
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
