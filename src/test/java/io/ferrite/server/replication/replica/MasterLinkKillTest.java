package io.ferrite.server.replication.replica;

import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.Digests;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The master client killed by its address (CLIENT KILL ip:port, as Redis's replication-psync test
 * does) while the master takes counter increments on every shard: the replica continues by
 * partial resync each time, and no increment is applied twice (a command the master client had
 * in flight on another shard counts into the offset it continues from).
 */
class MasterLinkKillTest {
    private Server master;
    private Server replica;

    @AfterEach
    void stop() {
        if (replica != null) {
            replica.close();
        }
        if (master != null) {
            master.close();
        }
    }

    private static long stat(Jedis j, String field) {
        return infoField(j, "stats", field);
    }

    private static long infoField(Jedis j, String section, String field) {
        for (String line : j.info(section).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError(field);
    }

    @Test
    void killingTheMasterClientByAddressResumesWithoutApplyingTwice() throws Exception {
        master = TestServers.start(1, Map.of("repl-diskless-sync-delay", "0"));
        replica = TestServers.start(4, Map.of());
        try (Jedis m = new Jedis("127.0.0.1", master.respPort()); Jedis r = new Jedis("127.0.0.1", replica.respPort())) {
            r.replicaof("127.0.0.1", master.respPort());
            Await.until(() -> r.info("replication").contains("master_link_status:up"), "the link");
            assertThatThrownBy(() -> r.clientKill("127.0.0.1:1")).hasMessage("ERR No such client");
        }
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            try (Jedis w = new Jedis("127.0.0.1", master.respPort())) {
                for (int i = 0; !stop.get(); i++) {
                    w.incr("counter:" + (i % 64));
                }
            }
        });
        try (Jedis m = new Jedis("127.0.0.1", master.respPort()); Jedis r = new Jedis("127.0.0.1", replica.respPort())) {
            killDuring(m, r, 10, 100, stop, load);
            assertThat(stat(m, "sync_partial_ok")).isGreaterThanOrEqualTo(10);
            assertThat(stat(m, "sync_full")).isEqualTo(1);
        }
    }

    /**
     * The same with a pipelined load: the master client then runs the stream in long squashed
     * runs over every shard (up to its squash limit at a time), and a kill lands in the middle of
     * one. Every increment still applies once, and once the load ends the replica acknowledges
     * the master's whole stream (its offset counts each command exactly once).
     */
    @Test
    void killingTheMasterClientDuringLongRunsResumesWithoutApplyingTwice() throws Exception {
        // the backlog holds whatever the replica may be behind by when its link is killed (a partial resync each time)
        master = TestServers.start(2, Map.of("repl-diskless-sync-delay", "0", "repl-backlog-size", "64mb"));
        replica = TestServers.start(4, Map.of());
        try (Jedis r = new Jedis("127.0.0.1", replica.respPort())) {
            r.replicaof("127.0.0.1", master.respPort());
            Await.until(() -> r.info("replication").contains("master_link_status:up"), "the link");
        }
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            try (Jedis w = new Jedis("127.0.0.1", master.respPort())) {
                for (int i = 0; !stop.get(); i++) {
                    Pipeline p = w.pipelined();
                    for (int n = 0; n < 2000; n++) {
                        p.incr("counter:" + ((i * 2000 + n) % 512));
                    }
                    p.sync();
                }
            }
        });
        try (Jedis m = new Jedis("127.0.0.1", master.respPort()); Jedis r = new Jedis("127.0.0.1", replica.respPort())) {
            killDuring(m, r, 8, 150, stop, load);
            assertThat(m.waitReplicas(1, 5000)).isEqualTo(1);
            Await.until(() -> infoField(r, "replication", "slave_repl_offset")
                == infoField(m, "replication", "master_repl_offset"), "the replica's offset at the master's");
            assertThat(stat(m, "sync_full")).isEqualTo(1);
        }
    }

    /**
     * Kills the master client {@code times} times, {@code pauseMillis} apart, each time waiting for
     * the partial resync; then ends the load and waits for the data sets to be equal.
     */
    private void killDuring(Jedis m, Jedis r, int times, long pauseMillis, AtomicBoolean stop, CompletableFuture<Void> load)
            throws Exception {
        for (int k = 1; k <= times; k++) {
            Thread.sleep(pauseMillis);
            assertThat(r.clientKill("127.0.0.1:" + master.respPort())).isEqualTo("OK");
            long resumed = k;
            Await.until(() -> stat(m, "sync_partial_ok") >= resumed, "partial resync " + k);
        }
        stop.set(true);
        load.get(30, TimeUnit.SECONDS);
        Await.until(() -> Digests.of(m).equals(Digests.of(r)), "equal digests");
    }
}
