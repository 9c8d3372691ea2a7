package io.ferrite.stats;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The latency-tracking-info-percentiles directive: a space-separated list of numbers in [0, 100]. */
public final class Percentiles {
    private Percentiles() {
    }

    /** Redis's error text for a bad list, or null when it is valid. */
    public static String check(String v) {
        for (String w : words(v)) {
            double d;
            try {
                d = Double.parseDouble(w);
            } catch (NumberFormatException e) {
                return "Invalid latency-tracking-info-percentiles parameters";
            }
            if (Double.isNaN(d) || d < 0 || d > 100) {
                return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
            }
        }
        return null;
    }

    /** The form CONFIG GET prints: each number without trailing zeros ("50.0 99.90" gives "50 99.9"). */
    public static String canonical(String v) {
        List<String> out = new ArrayList<>();
        for (String w : words(v)) {
            out.add(label(Double.parseDouble(w)));
        }
        return String.join(" ", out);
    }

    public static double[] parse(String v) {
        List<String> w = words(v);
        double[] p = new double[w.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = Double.parseDouble(w.get(i));
        }
        return p;
    }

    /** A percentile as INFO latencystats names it: p50, p99.9, p100. */
    public static String label(double p) {
        return new BigDecimal(Double.toString(p)).stripTrailingZeros().toPlainString();
    }

    private static List<String> words(String v) {
        List<String> w = new ArrayList<>();
        for (String s : v.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                w.add(s);
            }
        }
        return w;
    }
}
