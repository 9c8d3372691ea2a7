package io.ferrite.server.replication;

import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Redis's integration/replication observes of a master's full syncs and stream: DEBUG SLEEP
 * stops the replication cron too, a PSYNC meets the backlog as the writes and CONFIG SET before
 * it left it, a disk-based save no replica waits for any more is given up, a diskless transfer
 * has a child process standing for it, and GETSET reaches replicas as the SET Redis rewrites it to.
 */
class FullSyncLifecycleTest {
    private final List<Server> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        TestServers.closeAll(servers.reversed().toArray(new Server[0]));
    }

    private Server start(Map<String, String> directives) {
        Server s = TestServers.start(2, directives);
        servers.add(s);
        return s;
    }

    private static final redis.clients.jedis.commands.ProtocolCommand DEBUG = () -> "DEBUG".getBytes();

    private static String field(Jedis j, String section, String name) {
        for (String line : j.info(section).split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static void follow(Jedis replica, Server master) throws InterruptedException {
        replica.replicaof("127.0.0.1", master.respPort());
        Await.until(() -> replica.info("replication").contains("master_link_status:up"), "the link up");
    }

    @Test
    void debugSleepStopsThePingsToReplicas() throws Exception {
        Server master = start(Map.of("repl-ping-replica-period", "1", "repl-diskless-sync-delay", "0"));
        Server replica = start(Map.of());
        try (Jedis m = new Jedis("127.0.0.1", master.respPort()); Jedis r = new Jedis("127.0.0.1", replica.respPort())) {
            follow(r, master);
            CompletableFuture<Object> sleep = CompletableFuture.supplyAsync(() -> {
                try (Jedis s = new Jedis("127.0.0.1", master.respPort(), 10_000)) {
                    return s.sendCommand(DEBUG, "SLEEP", "4");
                }
            });
            // with PINGs every second the replica never hears nothing for 3 s; a sleeping Redis sends none
            Await.until(() -> Long.parseLong(field(r, "replication", "master_last_io_seconds_ago")) >= 3,
                "the master silent", Duration.ofSeconds(8));
            sleep.get();
            Await.until(() -> Long.parseLong(field(r, "replication", "master_last_io_seconds_ago")) <= 1,
                "the PINGs again");
            assertThat(m.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void aPsyncMeetsTheBacklogAsTheWritesBeforeItLeftIt() throws Exception {
        Server master = start(Map.of("repl-diskless-sync-delay", "0"));
        Server replica = start(Map.of());
        try (Jedis m = new Jedis("127.0.0.1", master.respPort()); Jedis r = new Jedis("127.0.0.1", replica.respPort());
             RawClient raw = new RawClient("127.0.0.1", master.respPort())) {
            follow(r, master);
            raw.call("MULTI");
            raw.call("CLIENT", "KILL", "TYPE", "replica");
            raw.call("CONFIG", "SET", "repl-backlog-size", "16384");
            for (int i = 0; i < 10; i++) {
                raw.call("SET", "k" + i, "A".repeat(16384));
            }
            raw.call("EXEC");
            // the replica's offset left the 16 KB backlog: a full sync, as in Redis, never a partial one
            Await.until(() -> "2".equals(field(m, "stats", "sync_full")), "a second full sync", Duration.ofSeconds(20));
            assertThat(field(m, "stats", "sync_partial_ok")).isEqualTo("0");
            assertThat(Long.parseLong(field(m, "stats", "sync_partial_err"))).isPositive();
            Await.until(() -> r.info("replication").contains("master_link_status:up"), "the link up again");
            Await.until(() -> r.dbSize() == 10, "the keys on the replica");
        }
    }

    @Test
    void aDiskSaveNoReplicaWaitsForIsGivenUpUnlessSavePointsWantIt() throws Exception {
        Server master = start(Map.of("repl-diskless-sync", "no", "rdb-key-save-delay", "1000000"));
        Server replica1 = start(Map.of());
        Server replica2 = start(Map.of());
        try (Jedis m = new Jedis("127.0.0.1", master.respPort()); Jedis r1 = new Jedis("127.0.0.1", replica1.respPort());
             Jedis r2 = new Jedis("127.0.0.1", replica2.respPort())) {
            for (int i = 0; i < 10; i++) {
                m.set("k" + i, "v");
            }
            for (String save : new String[] {"", "900 1"}) {
                m.configSet("save", save);
                r1.replicaof("127.0.0.1", master.respPort());
                r2.replicaof("127.0.0.1", master.respPort());
                Await.until(() -> "1".equals(field(m, "persistence", "rdb_bgsave_in_progress"))
                    && m.info("replication").split("state=wait_bgsave", -1).length == 3, "both replicas waiting for the save");
                // the cut is taken within milliseconds: both then wait for the file's end
                Thread.sleep(200);
                r1.replicaofNoOne();
                Thread.sleep(200);
                assertThat(field(m, "persistence", "rdb_bgsave_in_progress")).isEqualTo("1");
                r2.replicaofNoOne();
                if (save.isEmpty()) {
                    Await.until(() -> "0".equals(field(m, "persistence", "rdb_bgsave_in_progress")), "the save given up",
                        Duration.ofSeconds(3));
                } else {
                    Thread.sleep(300);
                    assertThat(field(m, "persistence", "rdb_bgsave_in_progress")).isEqualTo("1");
                }
            }
            m.configSet("rdb-key-save-delay", "0");
        }
    }

    @Test
    void aDisklessTransferHasAChildStandingForIt() throws Exception {
        Server master = start(Map.of("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0",
            "rdb-key-save-delay", "100000"));
        Server replica = start(Map.of());
        try (Jedis m = new Jedis("127.0.0.1", master.respPort()); Jedis r = new Jedis("127.0.0.1", replica.respPort())) {
            m.sendCommand(DEBUG, "POPULATE", "1000");
            long forks = Long.parseLong(field(m, "stats", "total_forks"));
            r.replicaof("127.0.0.1", master.respPort());
            Await.until(() -> "1".equals(field(m, "persistence", "rdb_bgsave_in_progress")), "the transfer");
            long pid = master.rdb().childPid();
            ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
            assertThat(child.parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());
            assertThat(Long.parseLong(field(m, "stats", "total_forks"))).isEqualTo(forks + 1);
            // the OOM killer, or anyone, kills the child: the transfer fails and is collected
            child.destroyForcibly();
            Await.until(() -> "0".equals(field(m, "persistence", "rdb_bgsave_in_progress")), "the transfer over");
            assertThat(child.isAlive()).isFalse();
            m.configSet("rdb-key-save-delay", "0");
        }
    }

    @Test
    void aTransferWaitingForASlowReplicaIsCollectedWhenItsChildIsKilled() throws Exception {
        Server master = start(Map.of("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0",
            "rdbcompression", "no"));
        Server replica = start(Map.of("repl-diskless-load", "swapdb", "key-load-delay", "1000000",
            "loading-process-events-interval-bytes", "1024"));
        try (Jedis m = new Jedis("127.0.0.1", master.respPort()); Jedis r = new Jedis("127.0.0.1", replica.respPort())) {
            // more than the sink lets wait for one replica plus the sockets' buffers: the writer waits
            m.sendCommand(DEBUG, "POPULATE", "2000", "test", "10000");
            r.replicaof("127.0.0.1", master.respPort());
            Await.until(() -> "1".equals(field(m, "persistence", "rdb_bgsave_in_progress")), "the transfer");
            ProcessHandle child = ProcessHandle.of(master.rdb().childPid()).orElseThrow();
            Thread.sleep(500);
            child.destroyForcibly();
            Await.until(() -> "0".equals(field(m, "persistence", "rdb_bgsave_in_progress")), "the transfer over");
            r.configSet("key-load-delay", "0");
        }
    }

    @Test
    void aReplicaWhoseCommandIsAnsweredIsDisconnected() throws Exception {
        Server master = start(Map.of("repl-diskless-sync", "no"));
        for (String command : new String[] {"PING", "GET"}) {
            try (RawClient replica = new RawClient("127.0.0.1", master.respPort())) {
                replica.send(RawClient.encode("PSYNC", "replicationid", "-1"));
                assertThat(replica.readReply()).startsWith("+FULLRESYNC ");
                // an answer on a replication link would corrupt the replica's stream: Redis drops the link instead
                replica.send(command.equals("GET") ? RawClient.encode("GET", "foo") : RawClient.encode("PING"));
                assertThat(replica.closedBeforeTimeout()).isTrue();
            }
        }
        try (Jedis m = new Jedis("127.0.0.1", master.respPort())) {
            assertThat(m.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void getsetReachesReplicasAsSet() throws Exception {
        Server master = start(Map.of("repl-diskless-sync-delay", "0"));
        Server replica = start(Map.of());
        try (Jedis m = new Jedis("127.0.0.1", master.respPort()); Jedis r = new Jedis("127.0.0.1", replica.respPort())) {
            follow(r, master);
            r.configResetStat();
            m.set("test", "foo");
            assertThat(m.getSet("test", "bar")).isEqualTo("foo");
            Await.until(() -> "bar".equals(r.get("test")), "the GETSET on the replica");
            assertThat(m.sendCommand(Protocol.Command.SET, "test", "vaz", "GET")).isNotNull();
            Await.until(() -> "vaz".equals(r.get("test")), "the SET GET on the replica");
            String stats = r.info("commandstats");
            assertThat(stats).contains("cmdstat_set:calls=3,").doesNotContain("cmdstat_getset");
        }
    }
}
