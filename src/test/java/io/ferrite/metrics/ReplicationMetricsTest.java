package io.ferrite.metrics;

import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** /metrics on a primary and its replica: the role, the stream offset, each replica's lag, the link, the sync counters. */
class ReplicationMetricsTest {
    private Server primary;
    private Server replica;

    @AfterEach
    void stop() {
        if (replica != null) {
            replica.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    private static Map<String, String> withMetrics(Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(more);
        all.put("metrics-port", Integer.toString(TestServers.freePort()));
        return all;
    }

    @Test
    void primaryAndReplicaShowTheLinkAndTheLag() throws Exception {
        primary = TestServers.start(2, withMetrics(Map.of("repl-diskless-sync-delay", "0")));
        Scrape alone = Scrape.of(primary.metricsPort());
        assertThat(alone.value("ferrite_replication_is_replica")).isEqualTo(0);
        assertThat(alone.value("ferrite_replication_connected_replicas")).isEqualTo(0);
        assertThat(alone.lines("ferrite_replica_lag_bytes")).isEmpty();
        assertThat(alone.lines("ferrite_master_link_up")).isEmpty();

        replica = TestServers.start(1, withMetrics(Map.of("replicaof", "127.0.0.1 " + primary.respPort())));
        String label = "replica=\"127.0.0.1:" + replica.respPort() + "\"";
        try (Jedis p = new Jedis("127.0.0.1", primary.respPort())) {
            Await.until(() -> Scrape.of(replica.metricsPort()).value("ferrite_master_link_up") == 1, "the replica's link up");
            for (int i = 0; i < 200; i++) {
                p.set("k" + i, "v" + i);
            }
            long offset = Long.parseLong(field(p.info("replication"), "master_repl_offset"));
            assertThat(offset).isPositive();
            Await.until(() -> Scrape.of(primary.metricsPort()).value("ferrite_replica_acked_offset_bytes", label) >= offset,
                "the replica's acknowledgement of every write");
            Scrape s = Scrape.of(primary.metricsPort());
            assertThat(s.value("ferrite_replication_connected_replicas")).isEqualTo(1);
            assertThat(s.value("ferrite_replication_offset_bytes")).isGreaterThanOrEqualTo(offset);
            assertThat(s.value("ferrite_replica_lag_bytes", label, "state=\"online\"")).isGreaterThanOrEqualTo(0)
                .isLessThan(s.value("ferrite_replication_offset_bytes"));
            assertThat(s.value("ferrite_replica_lag_seconds", label)).isBetween(0.0, 2.0);
            assertThat(s.value("ferrite_replication_full_syncs_total")).isEqualTo(1);
            assertThat(s.value("ferrite_replication_partial_syncs_total", "result=\"ok\"")).isEqualTo(0);
            assertThat(s.value("ferrite_replication_backlog_bytes")).isGreaterThan(0);

            Scrape r = Scrape.of(replica.metricsPort());
            assertThat(r.value("ferrite_replication_is_replica")).isEqualTo(1);
            assertThat(r.value("ferrite_replica_processed_offset_bytes")).isGreaterThanOrEqualTo(offset);
            assertThat(r.value("ferrite_master_last_io_seconds")).isBetween(0.0, 2.0);
        }
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        throw new AssertionError(name + " not in INFO");
    }
}
