package io.ferrite.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferrite.server.Server;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Prometheus, configured from conf/prometheus.yml (target and intervals replaced by the
 * test's), scrapes Ferrite; its HTTP API must then report the target up and a positive rate of
 * ferrite_command_calls_total, and histogram_quantile over the latency buckets.
 */
class PrometheusScrapeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void prometheusScrapesFerrite() throws Exception {
        Path prometheus = RealTools.require("prometheus");
        Server ferrite = TestServers.start(TestServers.shardCounts().get(0),
            Map.of("metrics-port", Integer.toString(TestServers.freePort())));
        Path dir = Files.createTempDirectory("ferrite-prometheus-");
        int web = TestServers.freePort();
        String conf = Files.readString(Path.of("conf/prometheus.yml"))
            .replace("\"ferrite:9121\"", "\"127.0.0.1:" + ferrite.metricsPort() + "\"")
            .replaceAll("scrape_interval: \\S+", "scrape_interval: 1s")
            .replaceAll("evaluation_interval: \\S+", "evaluation_interval: 1s");
        assertThat(conf).contains("127.0.0.1:" + ferrite.metricsPort());
        Path confFile = dir.resolve("prometheus.yml");
        Files.writeString(confFile, conf);
        try (RawClient r = new RawClient("127.0.0.1", ferrite.respPort());
             RealTools.Background prom = new RealTools.Background(List.of(prometheus.toString(),
                 "--config.file=" + confFile, "--storage.tsdb.path=" + dir.resolve("data"),
                 "--web.listen-address=127.0.0.1:" + web))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean up = false;
            boolean rate = false;
            boolean quantile = false;
            int i = 0;
            while (System.nanoTime() < deadline && !(up && rate && quantile)) {
                for (int n = 0; n < 50; n++) {
                    r.call("SET", "k" + (i++ % 100), "v");
                }
                Thread.sleep(300);
                if (!prom.process.isAlive()) {
                    throw new AssertionError("prometheus exited: " + prom.log());
                }
                up = up || !result(web, "up{job=\"ferrite\"} == 1").isEmpty();
                rate = rate || !result(web, "rate(ferrite_command_calls_total{cmd=\"set\"}[5s]) > 0").isEmpty();
                quantile = quantile || !result(web,
                    "histogram_quantile(0.99, sum by (le) (rate(ferrite_command_latency_seconds_bucket{cmd=\"set\"}[5s]))) > 0")
                    .isEmpty();
            }
            assertThat(up).as("up == 1; prometheus log:\n" + prom.log()).isTrue();
            assertThat(rate).as("rate of ferrite_command_calls_total").isTrue();
            assertThat(quantile).as("histogram_quantile over the latency buckets").isTrue();
            dashboardQueriesAreValid(web);
        } finally {
            ferrite.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Every query of the Grafana dashboard (conf/grafana/dashboards/ferrite.json) is valid PromQL with data behind most. */
    private void dashboardQueriesAreValid(int port) throws Exception {
        JsonNode dash = JSON.readTree(Files.readString(Path.of("conf/grafana/dashboards/ferrite.json")));
        int queries = 0;
        int withData = 0;
        for (JsonNode panel : dash.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                String expr = t.path("expr").asText().replace("$instance", ".*").replace("$command", ".*")
                    .replace("$__rate_interval", "5s");
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).as(expr + ": " + res.body()).isEqualTo(200);
                queries++;
                if (!JSON.readTree(res.body()).path("data").path("result").isEmpty()) {
                    withData++;
                }
            }
        }
        assertThat(queries).isGreaterThan(20);
        assertThat(withData).as("dashboard queries with data").isGreaterThan(queries / 2);
    }

    /** The vector result of an instant query; empty while Prometheus is not ready or nothing matches. */
    private JsonNode result(int port, String query) throws InterruptedException {
        try {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                return JSON.createArrayNode();
            }
            JsonNode body = JSON.readTree(res.body());
            return body.path("data").path("result");
        } catch (IOException notReady) {
            return JSON.createArrayNode();
        }
    }
}
