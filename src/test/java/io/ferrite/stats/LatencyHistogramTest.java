package io.ferrite.stats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyHistogramTest {
    @Test
    void histogramBucketsAreExactAtPowersOfTwo() {
        LatencyHistogram h = new LatencyHistogram();
        long[] values = {1, 2, 3, 1023, 1024, 1025, 2048, 4096, 1_000_000, 1L << 45};
        for (long v : values) {
            h.record(v);
        }
        LatencyHistogram.Merged m = new LatencyHistogram.Merged().add(h);
        assertThat(m.count()).isEqualTo(values.length);
        assertThat(m.atMostPowerOfTwo(10)).isEqualTo(5);
        assertThat(m.atMostPowerOfTwo(11)).isEqualTo(7);
        assertThat(m.atMostPowerOfTwo(12)).isEqualTo(8);
        assertThat(m.atMostPowerOfTwo(20)).isEqualTo(9);
        assertThat(m.percentile(50)).isBetween(1024L, 1088L);
        assertThat(m.percentile(0)).isEqualTo(0);
        for (int i = 1; i < LatencyHistogram.BUCKETS; i++) {
            assertThat(LatencyHistogram.upperBound(i)).isGreaterThan(LatencyHistogram.upperBound(i - 1));
            assertThat(LatencyHistogram.index(LatencyHistogram.upperBound(i))).isEqualTo(i);
            assertThat(LatencyHistogram.index(LatencyHistogram.upperBound(i - 1) + 1)).isEqualTo(i);
        }
    }
}
