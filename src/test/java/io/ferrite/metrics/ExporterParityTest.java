package io.ferrite.metrics;

import io.ferrite.compat.RedisProcess;
import io.ferrite.server.Server;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's prometheus-redis-exporter, the standard Redis exporter, run against a real redis-server
 * and against Ferrite after the same commands: Ferrite must yield no metric family Redis does not,
 * and lack only the families of features it does not have (listed below, each with its reason).
 */
class ExporterParityTest {
    /** Families the exporter derives from INFO fields or commands of features Ferrite does not have yet. */
    static final Set<String> ABSENT_FEATURES = Set.of(
        // fork (snapshots are taken without one)
        "redis_latest_fork_seconds",
        // defragmentation, jemalloc
        "redis_active_defrag_running", "redis_defrag_hits", "redis_defrag_key_hits",
        "redis_defrag_key_misses", "redis_defrag_misses", "redis_allocator_active_bytes", "redis_allocator_allocated_bytes",
        "redis_allocator_frag_bytes", "redis_allocator_frag_ratio", "redis_allocator_resident_bytes",
        "redis_allocator_rss_bytes", "redis_allocator_rss_ratio",
        // Redis's I/O threads and its per-read/per-write event counters
        "redis_io_threads_active", "redis_io_threaded_reads_processed",
        "redis_io_threaded_writes_processed", "redis_total_reads_processed", "redis_total_writes_processed",
        "redis_cpu_sys_main_thread_seconds_total", "redis_cpu_user_main_thread_seconds_total",
        // blocking commands with timeouts, MIGRATE, DUMP/RESTORE, replica/AOF-only error paths
        "redis_clients_in_timeout_table", "redis_dump_payload_sanitizations",
        // a memory breakdown Ferrite does not measure
        "redis_memory_used_overhead_bytes");

    @Test
    void sameMetricFamiliesAsRedis() throws Exception {
        Path exporter = RealTools.require("prometheus-redis-exporter");
        Path redisServer = RedisProcess.findExecutable();
        if (redisServer == null) {
            redisServer = RealTools.require("redis-server");
        }
        int shards = TestServers.shardCounts().get(TestServers.shardCounts().size() - 1);
        Server ferrite = TestServers.start(shards, Map.of());
        try (RedisProcess redis = RedisProcess.start(redisServer)) {
            workload(redis.port);
            workload(ferrite.respPort());
            String fromRedis = export(exporter, redis.port);
            String fromFerrite = export(exporter, ferrite.respPort());
            assertThat(fromFerrite).contains("redis_up 1").contains("redis_commands_total{cmd=\"get\"} 3")
                .contains("redis_keyspace_hits_total 2").contains("redis_db_keys{db=\"db0\"} 2")
                .contains("redis_errors_total{err=\"ERR\"} 1").contains("redis_latency_spike_last{event_name=\"command\"}");
            Set<String> redisFamilies = families(fromRedis);
            Set<String> ferriteFamilies = families(fromFerrite);
            Set<String> extra = new TreeSet<>(ferriteFamilies);
            extra.removeAll(redisFamilies);
            Set<String> missing = new TreeSet<>(redisFamilies);
            missing.removeAll(ferriteFamilies);
            missing.removeAll(ABSENT_FEATURES);
            assertThat(extra).as("families only Ferrite yields").isEmpty();
            assertThat(missing).as("families Ferrite lacks for features it has").isEmpty();
            // and the list of absent families stays true: a family Ferrite now yields leaves it
            assertThat(ferriteFamilies).as("families listed as absent").doesNotContainAnyElementsOf(ABSENT_FEATURES);
        } finally {
            ferrite.close();
        }
    }

    private static void workload(int port) {
        try (RawClient r = new RawClient("127.0.0.1", port)) {
            r.call("SET", "a", "1");
            r.call("GET", "a");
            r.call("GET", "nokey");
            r.call("EXPIRE", "a", "100");
            r.call("SET", "s", "x");
            r.call("INCR", "s");
            r.call("CONFIG", "SET", "latency-monitor-threshold", "1");
            r.call("DEBUG", "SLEEP", "0.02");
            r.call("GET", "s");
        }
    }

    /** Runs the exporter against {@code port} and returns one scrape of it. */
    private static String export(Path exporter, int port) throws IOException, InterruptedException {
        int web = TestServers.freePort();
        try (RealTools.Background exp = new RealTools.Background(List.of(exporter.toString(),
            "-redis.addr", "redis://127.0.0.1:" + port, "-web.listen-address", "127.0.0.1:" + web,
            "-redis-only-metrics"))) {
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> res = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + web + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                    if (res.statusCode() == 200) {
                        return res.body();
                    }
                } catch (IOException notYet) {
                    // the exporter is still starting
                }
                Thread.sleep(100);
            }
            throw new AssertionError("the exporter did not serve /metrics: " + exp.log());
        }
    }

    static Set<String> families(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String l : exposition.split("\n")) {
            if (l.startsWith("# TYPE ")) {
                names.add(l.split(" ")[2]);
            }
        }
        return names;
    }
}
