package io.ferrite.metrics;

import io.ferrite.server.ServerConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The observability directives: documented in conf/ferrite.conf with their defaults, validated as Redis does. */
class ObservabilityDirectivesTest {
    private static final List<String> NAMES = List.of("metrics-port", "slowlog-log-slower-than", "slowlog-max-len",
        "latency-monitor-threshold", "latency-tracking", "latency-tracking-info-percentiles");

    @Test
    void shippedConfigDocumentsTheDefaults() throws Exception {
        ServerConfig shipped = ServerConfig.defaults();
        shipped.load(Path.of("conf/ferrite.conf"));
        ServerConfig defaults = ServerConfig.defaults();
        for (String n : NAMES) {
            assertThat(shipped.get(n)).as(n).isEqualTo(defaults.get(n));
        }
        assertThat(defaults.get("latency-tracking-info-percentiles")).isEqualTo("50 99 99.9");
        assertThat(defaults.get("slowlog-log-slower-than")).isEqualTo("10000");
        assertThat(defaults.get("metrics-port")).isEqualTo("9121");
    }

    @Test
    void percentileLists() {
        assertThat(Percentiles.check("0 50 99.99 100")).isNull();
        assertThat(Percentiles.check("")).isNull();
        assertThat(Percentiles.check("100.1")).isEqualTo("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
        assertThat(Percentiles.check("5O")).isEqualTo("Invalid latency-tracking-info-percentiles parameters");
        assertThat(Percentiles.canonical(" 50.0   99.900 ")).isEqualTo("50 99.9");
        assertThat(Percentiles.label(99.9)).isEqualTo("99.9");
        assertThat(Percentiles.label(100)).isEqualTo("100");
    }

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
