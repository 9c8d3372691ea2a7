package io.ferrite.server.replication.replica;

import io.ferrite.testing.Await;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DEBUG REPLICATE feeds the replicas a command the master never runs (Redis's way to test data
 * divergence): the replica runs it, or fails it and says so in its log, and the master is unchanged.
 */
class DebugReplicateTest extends ReplicaPair {
    @Test
    void theReplicaRunsWhatTheMasterDidNot() throws Exception {
        link();

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
