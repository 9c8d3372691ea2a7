package io.ferrite.metrics;

import io.ferrite.server.Server;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** promtool's linter accepts Ferrite's exposition, with every kind of metric present. */
@ParameterizedClass(name = "shards={0}")
@MethodSource("io.ferrite.testing.TestServers#shardCounts")
class PromtoolTest {
    @Parameter
    int shards;

    @Test
    void promtoolCheckMetricsAcceptsTheScrape() {
        Path promtool = RealTools.require("promtool");
        Server server = TestServers.start(shards, Map.of("metrics-port", Integer.toString(TestServers.freePort())));
        try (RawClient r = new RawClient("127.0.0.1", server.respPort())) {
            r.call("SET", "a", "1");
            r.call("GET", "a");
            r.call("INCR", "a");
            r.call("HSET", "a", "f", "v");
            r.call("GET");
            String text = Scrape.of(server.metricsPort()).text;
            assertThat(text).contains("ferrite_command_latency_seconds_bucket").contains("ferrite_errors_total");
            RealTools.Result res = RealTools.run(List.of(promtool.toString(), "check", "metrics"), text, 60);
            assertThat(res.output()).isEmpty();
            assertThat(res.exit()).isZero();
        } finally {
            server.close();
        }
    }
}
