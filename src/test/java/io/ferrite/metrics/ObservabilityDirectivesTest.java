package io.ferrite.metrics;

import io.ferrite.stats.Percentiles;
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
}
