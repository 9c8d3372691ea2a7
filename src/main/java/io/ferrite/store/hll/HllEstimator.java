package io.ferrite.store.hll;

/**
 * The cardinality estimate Redis 7.0 computes from a register histogram: Otmar Ertl's improved
 * raw estimator ("New cardinality estimation algorithms for HyperLogLog sketches",
 * arXiv:1702.01284), with its sigma and tau corrections for empty and saturated registers. The
 * arithmetic follows hllCount() operation for operation, so PFCOUNT answers Redis's exact numbers.
 */
final class HllEstimator {
    /** 0.5 / ln(2), the asymptotic bias correction. */
    private static final double ALPHA_INF = 0.721347520444481703680;

    private HllEstimator() {
    }

    /** {@code histogram[v]} is the number of registers holding v (64 slots, Redis's safe size). */
    static long estimate(int[] histogram) {
        double m = Hll.REGISTERS;
        double z = m * tau((m - histogram[Hll.Q + 1]) / m);
        for (int j = Hll.Q; j >= 1; --j) {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * sigma(histogram[0] / m);
        return roundHalfAway(ALPHA_INF * m * m / z);
    }

    static double sigma(double x) {
        if (x == 1.) {
            return Double.POSITIVE_INFINITY;
        }
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    static double tau(double x) {
        if (x == 0. || x == 1.) {
            return 0.;
        }
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            z -= Math.pow(1 - x, 2) * y;
        } while (zPrime != z);
        return z / 3;
    }

    /** C's llroundl for the non-negative values an estimate takes: halves round away from zero. */
    private static long roundHalfAway(double v) {
        double f = Math.floor(v);
        long r = (long) f;
        return v - f >= 0.5 ? r + 1 : r;
    }
}
