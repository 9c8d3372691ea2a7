package io.ferrite.stats;

/**
 * One command's latency distribution on one shard, written only by that shard's thread and read
 * (slightly stale, as INFO allows) by INFO latencystats, LATENCY HISTOGRAM and the Prometheus
 * scrape, which sum the shards' histograms.
 *
 * <p>Log-linear buckets in nanoseconds, the layout HdrHistogram uses: 16 linear sub-buckets per
 * power of two, so any recorded value is known within 1/16 (6%). Bucket bounds are upper-inclusive
 * ({@code (lo, hi]}), and every power of two is a bucket bound, so the cumulative count at
 * {@code le = 2^k ns} — what Prometheus and LATENCY HISTOGRAM report — is exact.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    /** The largest tracked power of two: 2^40 ns (about 18 minutes); longer calls count there. */
    static final int MAX_POWER = 40;
    static final int BUCKETS = (MAX_POWER - SUB_BITS + 1) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long sumNanos;

    public void record(long nanos) {
        counts[index(nanos)]++;
        count++;
        sumNanos += nanos;
    }

    static int index(long nanos) {
        long x = Math.max(0, nanos - 1);
        if (x < SUB) {
            return (int) x;
        }
        int e = 63 - Long.numberOfLeadingZeros(x);
        if (e > MAX_POWER) {
            return BUCKETS - 1;
        }
        int sub = (int) (x >>> (e - SUB_BITS)) & (SUB - 1);
        return (e - SUB_BITS + 1) * SUB + sub;
    }

    /** The largest value (ns) bucket {@code i} holds. */
    static long upperBound(int i) {
        if (i < SUB) {
            return i + 1;
        }
        int e = i / SUB + SUB_BITS - 1;
        int sub = i % SUB;
        return (long) (SUB + sub + 1) << (e - SUB_BITS);
    }

    /** The first bucket whose values exceed 2^k ns: everything below it is at most 2^k ns. */
    static int firstAbovePowerOfTwo(int k) {
        return index((1L << k) + 1);
    }

    public long count() {
        return count;
    }

    public long sumNanos() {
        return sumNanos;
    }

    /** Adds this histogram's counts into {@code into} (a merged view, see {@link Merged}). */
    void addTo(Merged into) {
        for (int i = 0; i < BUCKETS; i++) {
            into.counts[i] += counts[i];
        }
        into.count += count;
        into.sumNanos += sumNanos;
    }

    public void reset() {
        java.util.Arrays.fill(counts, 0);
        count = 0;
        sumNanos = 0;
    }

    /** The sum of several shards' histograms of one command, computed when read. */
    public static final class Merged {
        final long[] counts = new long[BUCKETS];
        long count;
        long sumNanos;

        public Merged add(LatencyHistogram h) {
            if (h != null) {
                h.addTo(this);
            }
            return this;
        }

        public long count() {
            return count;
        }

        public long sumNanos() {
            return sumNanos;
        }

        /** {@code a} with {@code b} added into it. */
        public static Merged plus(Merged a, Merged b) {
            for (int i = 0; i < BUCKETS; i++) {
                a.counts[i] += b.counts[i];
            }
            a.count += b.count;
            a.sumNanos += b.sumNanos;
            return a;
        }

        /** How many values were at most 2^k ns. */
        public long atMostPowerOfTwo(int k) {
            int end = firstAbovePowerOfTwo(k);
            long n = 0;
            for (int i = 0; i < end; i++) {
                n += counts[i];
            }
            return n;
        }

        /**
         * The value (ns) at percentile {@code p} (0..100): the upper bound of the bucket holding the
         * value of that rank, or for p = 0 the lower bound of the smallest value's bucket, as
         * HdrHistogram reports them.
         */
        public long percentile(double p) {
            if (count == 0) {
                return 0;
            }
            if (p <= 0) {
                for (int i = 0; i < BUCKETS; i++) {
                    if (counts[i] > 0) {
                        return i == 0 ? 0 : upperBound(i - 1);
                    }
                }
            }
            long rank = Math.max(1, (long) Math.ceil(p / 100.0 * count));
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return upperBound(i);
                }
            }
            return upperBound(BUCKETS - 1);
        }
    }
}
