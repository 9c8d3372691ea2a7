package io.ferrite.server.replication.replica;

import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DEBUG REPLICATE feeds the replicas a command the master never runs (Redis's way to test data
 * divergence): the replica runs it, or fails it and says so in its log, and the master is unchanged.
 */
class DebugReplicateTest {
    private Server master;
    private Server replica;
    private Jedis m;
    private Jedis r;

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {r, m, replica, master}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing anyway
            }
        }
    }

    @Test
    void theReplicaRunsWhatTheMasterDidNot() throws Exception {
        master = TestServers.start(1, Map.of("repl-diskless-sync-delay", "0"));
        replica = TestServers.start(2, Map.of());
        m = new Jedis("127.0.0.1", master.respPort());
        r = new Jedis("127.0.0.1", replica.respPort());
        r.replicaof("127.0.0.1", master.respPort());
        Await.until(() -> r.info("replication").contains("master_link_status:up"), "the link");

        Object ok = m.sendCommand(() -> "DEBUG".getBytes(), "REPLICATE".getBytes(), "SET".getBytes(),
            "only-there".getBytes(), "x".getBytes());
        assertThat(ok).isEqualTo("OK".getBytes());
        m.sendCommand(() -> "DEBUG".getBytes(), "REPLICATE".getBytes(), "fake-command-1".getBytes());
        m.set("after", "1");
        Await.until(() -> "1".equals(r.get("after")), "the stream to reach the replica");
        assertThat(r.get("only-there")).isEqualTo("x");
        assertThat(m.get("only-there")).isNull();
        // the unknown command failed on the replica, which went on with the stream
        assertThat(r.info("errorstats")).contains("errorstat_ERR:count=1");
        assertThat(r.info("stats")).contains("unexpected_error_replies:1");
        assertThat(m.info("stats")).contains("unexpected_error_replies:0");
    }
}
