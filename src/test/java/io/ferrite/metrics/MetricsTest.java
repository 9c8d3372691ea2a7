package io.ferrite.metrics;

import io.ferrite.server.Server;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Prometheus endpoint: served on metrics-port, counters that follow the commands, valid histograms. */
@ParameterizedClass(name = "shards={0}")
@MethodSource("io.ferrite.testing.TestServers#shardCounts")
class MetricsTest {
    @Parameter
    int shards;

    private Server server;
    private RawClient raw;

    @BeforeEach
    void start() {
        server = TestServers.start(shards, Map.of("metrics-port", Integer.toString(TestServers.freePort()),
            "memcached-port", Integer.toString(TestServers.freePort())));
        raw = new RawClient("127.0.0.1", server.respPort());
    }

    @AfterEach
    void stop() {
        raw.close();
        server.close();
    }

    @Test
    void servesPrometheusTextAndOpenMetrics() {
        Scrape s = Scrape.of(server.metricsPort());
        assertThat(s.contentType).startsWith("text/plain; version=0.0.4");
        assertThat(s.text).contains("# TYPE ferrite_commands_processed_total counter")
            .contains("# TYPE ferrite_connected_clients gauge")
            .contains("jvm_memory_used_bytes").contains("jvm_gc_").contains("process_uptime_seconds");
        Scrape om = Scrape.of(server.metricsPort(), "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
        assertThat(om.contentType).startsWith("application/openmetrics-text");
        assertThat(om.text).endsWith("# EOF\n");
    }

    @Test
    void otherPathsAndMethods() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.metricsPort() + "/nope")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
        r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics"))
            .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
    }

    @Test
    void commandCountersFollowCommands() {
        raw.call("SET", "a", "1");
        raw.call("GET", "a");
        raw.call("GET", "missing");
        raw.call("INCR", "notanumber-key");
        raw.call("SET", "s", "x");
        raw.call("INCR", "s");
        raw.call("GET");
        Scrape s = Scrape.of(server.metricsPort());
        assertThat(s.value("ferrite_command_calls_total", "cmd=\"get\"")).isEqualTo(2);
        assertThat(s.value("ferrite_command_calls_total", "cmd=\"set\"")).isEqualTo(2);
        assertThat(s.value("ferrite_command_failed_calls_total", "cmd=\"incr\"")).isEqualTo(1);
        assertThat(s.value("ferrite_command_rejected_calls_total", "cmd=\"get\"")).isEqualTo(1);
        assertThat(s.value("ferrite_keyspace_hits_total")).isGreaterThanOrEqualTo(1);
        assertThat(s.value("ferrite_keyspace_misses_total")).isGreaterThanOrEqualTo(1);
        assertThat(s.value("ferrite_db_keys", "db=\"db0\"")).isEqualTo(3);
        assertThat(s.value("ferrite_connected_clients")).isEqualTo(1);
        assertThat(s.value("ferrite_errors_total", "err=\"ERR\"")).isEqualTo(2);
        assertThat(s.lines("ferrite_shard_memory_bytes")).hasSize(shards);
        assertThat(s.lines("ferrite_shard_queue_depth")).hasSize(shards);
        raw.call("GET", "a");
        assertThat(Scrape.of(server.metricsPort()).value("ferrite_command_calls_total", "cmd=\"get\"")).isEqualTo(3);
    }

    @Test
    void infoAndMetricsReadTheSameCounters() {
        raw.call("SET", "k", "v");
        for (int i = 0; i < 5; i++) {
            raw.call("GET", "k");
        }
        raw.call("EXPIRE", "k", "100");
        String info = raw.call("INFO", "stats", "keyspace", "commandstats");
        Scrape s = Scrape.of(server.metricsPort());
        assertThat(info).contains("keyspace_hits:" + (long) s.value("ferrite_keyspace_hits_total") + "\r\n")
            .contains("keyspace_misses:" + (long) s.value("ferrite_keyspace_misses_total") + "\r\n")
            .contains("cmdstat_get:calls=" + (long) s.value("ferrite_command_calls_total", "cmd=\"get\"") + ",")
            .contains("db0:keys=1,expires=" + (long) s.value("ferrite_db_keys_expiring", "db=\"db0\"") + ",");
        assertThat(s.value("ferrite_db_keys_expiring", "db=\"db0\"")).isEqualTo(1);
    }

    @Test
    void latencyHistogramsAreValidAndCountEveryCall() {
        for (int i = 0; i < 20; i++) {
            raw.call("SET", "k" + i, "v");
        }
        Scrape s = Scrape.of(server.metricsPort());
        List<String> buckets = s.lines("ferrite_command_latency_seconds_bucket", "cmd=\"set\"");
        assertThat(buckets).hasSizeGreaterThan(10);
        assertThat(buckets.get(buckets.size() - 1)).contains("le=\"+Inf\"");
        double prev = 0;
        double prevLe = 0;
        for (String b : buckets) {
            double v = Scrape.valueOf(b);
            String le = b.substring(b.indexOf("le=\"") + 4, b.indexOf('"', b.indexOf("le=\"") + 4));
            double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            assertThat(v).as("cumulative").isGreaterThanOrEqualTo(prev);
            assertThat(bound).as("ascending bounds").isGreaterThan(prevLe);
            prev = v;
            prevLe = bound;
        }
        assertThat(prev).isEqualTo(20);
        assertThat(s.value("ferrite_command_latency_seconds_count", "cmd=\"set\"")).isEqualTo(20);
        assertThat(s.value("ferrite_command_latency_seconds_sum", "cmd=\"set\"")).isGreaterThan(0);
        // CONFIG RESETSTAT clears them with the command counters, as Redis's resetCommandTableStats
        raw.call("CONFIG", "RESETSTAT");
        Scrape after = Scrape.of(server.metricsPort());
        assertThat(after.lines("ferrite_command_latency_seconds_count", "cmd=\"set\"")).isEmpty();
        assertThat(after.value("ferrite_command_calls_total", "cmd=\"set\"")).isZero();
    }

    @Test
    void latencyTrackingOffLeavesHistogramsEmpty() {
        raw.call("CONFIG", "SET", "latency-tracking", "no");
        raw.call("SET", "k", "v");
        Scrape s = Scrape.of(server.metricsPort());
        assertThat(s.lines("ferrite_command_latency_seconds_count", "cmd=\"set\"")).isEmpty();
        assertThat(s.value("ferrite_command_calls_total", "cmd=\"set\"")).isEqualTo(1);
        assertThat(raw.call("INFO", "latencystats")).doesNotContain("latency_percentiles_usec_set");
    }

    @Test
    void memcachedCountersAndNetworkBytes() throws Exception {
        try (Socket mc = new Socket("127.0.0.1", server.memcachedPort())) {
            OutputStream out = mc.getOutputStream();
            InputStream in = mc.getInputStream();
            out.write("set a 0 0 1\r\nx\r\nget a\r\nget b\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] want = "STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\nEND\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] got = in.readNBytes(want.length);
            assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo(new String(want, StandardCharsets.US_ASCII));
            Scrape s = Scrape.of(server.metricsPort());
            assertThat(s.value("ferrite_memcached_commands_total", "cmd=\"get\"")).isEqualTo(2);
            assertThat(s.value("ferrite_memcached_commands_total", "cmd=\"set\"")).isEqualTo(1);
            assertThat(s.value("ferrite_memcached_hits_total", "cmd=\"get\"")).isEqualTo(1);
            assertThat(s.value("ferrite_memcached_misses_total", "cmd=\"get\"")).isEqualTo(1);
            assertThat(s.value("ferrite_memcached_connections")).isEqualTo(1);
            assertThat(s.value("ferrite_memcached_items")).isEqualTo(1);
            assertThat(s.value("ferrite_net_input_bytes_total")).isGreaterThanOrEqualTo(30);
            assertThat(s.value("ferrite_memcached_read_bytes_total")).isEqualTo(30);
            assertThat(s.value("ferrite_memcached_written_bytes_total")).isEqualTo(want.length);
        }
    }

    /**
     * memcached requests run through the engine like Redis commands: each is timed and counted per
     * command (calls, duration, latency histogram), under memcached's own meters, and Redis's
     * commandstats never see them.
     */
    @Test
    void memcachedCommandsAreTimedAndCountedByTheEngine() throws Exception {
        try (Socket mc = new Socket("127.0.0.1", server.memcachedPort())) {
            mc.setSoTimeout(10_000);
            OutputStream out = mc.getOutputStream();
            // keyed (pipelined, so they run as one batch), a get over keys that 4 shards spread, whole-keyspace, local
            String requests = "set k1 0 0 1\r\na\r\nset k2 0 0 1\r\nb\r\nset k3 0 0 1\r\nc\r\nget k1\r\n"
                + "get k1 k2 k3 k4 k5 k6\r\nincr k1 1\r\nincr nokey 1\r\nflush_all\r\nversion\r\nmn\r\n";
            out.write(requests.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String want = "STORED\r\nSTORED\r\nSTORED\r\nVALUE k1 0 1\r\na\r\nEND\r\n"
                + "VALUE k1 0 1\r\na\r\nVALUE k2 0 1\r\nb\r\nVALUE k3 0 1\r\nc\r\nEND\r\n"
                + "CLIENT_ERROR cannot increment or decrement non-numeric value\r\nNOT_FOUND\r\n"
                + "OK\r\nVERSION 1.6.18\r\nMN\r\n";
            byte[] got = mc.getInputStream().readNBytes(want.length());
            assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo(want);
            Scrape s = Scrape.of(server.metricsPort());
            assertThat(s.value("ferrite_memcached_command_calls_total", "cmd=\"set\"")).isEqualTo(3);
            assertThat(s.value("ferrite_memcached_command_calls_total", "cmd=\"get\"")).isEqualTo(2);
            assertThat(s.value("ferrite_memcached_command_calls_total", "cmd=\"flush_all\"")).isEqualTo(1);
            assertThat(s.value("ferrite_memcached_command_calls_total", "cmd=\"version\"")).isEqualTo(1);
            assertThat(s.value("ferrite_memcached_command_calls_total", "cmd=\"mn\"")).isEqualTo(1);
            assertThat(s.value("ferrite_memcached_command_duration_seconds_total", "cmd=\"set\"")).isGreaterThanOrEqualTo(0);
            // an error reply counts as a failed call, as in Redis; a miss does not
            assertThat(s.value("ferrite_memcached_command_calls_total", "cmd=\"incr\"")).isEqualTo(2);
            assertThat(s.value("ferrite_memcached_command_failed_calls_total", "cmd=\"incr\"")).isEqualTo(1);
            assertThat(s.value("ferrite_memcached_command_failed_calls_total", "cmd=\"set\"")).isEqualTo(0);
            assertThat(s.value("ferrite_memcached_command_latency_seconds_count", "cmd=\"set\"")).isEqualTo(3);
            assertThat(s.value("ferrite_memcached_command_latency_seconds_count", "cmd=\"get\"")).isEqualTo(2);
            // memcached's own counters are unchanged: cmd_get counts keys, as memcached's does
            assertThat(s.value("ferrite_memcached_commands_total", "cmd=\"get\"")).isEqualTo(7);
            // Redis's commands are not mixed with them
            assertThat(s.text).doesNotContain("ferrite_command_calls_total{cmd=\"set\"}")
                .doesNotContain("ferrite_command_calls_total{cmd=\"get\"}");
            assertThat(raw.call("INFO", "commandstats")).doesNotContain("cmdstat_set:").doesNotContain("cmdstat_get:")
                .doesNotContain("cmdstat_flush_all");
        }
    }

    @Test
    void disabledWithPortZero() {
        Server off = TestServers.start(shards, Map.of());
        try {
            assertThat(off.metricsPort()).isZero();
            assertThat(off.meters()).isNull();
        } finally {
            off.close();
        }
    }
}
