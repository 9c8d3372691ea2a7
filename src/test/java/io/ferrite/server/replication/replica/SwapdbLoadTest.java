package io.ferrite.server.replication.replica;

import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * repl-diskless-load swapdb as Redis 7.0 does it: the full sync loads beside the data set, which
 * a failed load leaves as it was and a successful one replaces, function libraries included.
 * With the master's replication id already ours (a full sync within the same history) the old
 * data set keeps serving clients meanwhile (async_loading); with another id clients get -LOADING.
 */
class SwapdbLoadTest {
    private static final String HELLO1 = "#!lua name=test\nredis.register_function('test', function() return 'hello1' end)";
    private static final String HELLO2 = "#!lua name=test\nredis.register_function('test', function() return 'hello2' end)";

    private Server master;
    private Server replica;

    @AfterEach
    void stop() throws Exception {
        TestServers.closeAll(replica, master);
    }

    private void start() {
        master = TestServers.start(2, Map.of("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0"));
        replica = TestServers.start(2, Map.of("repl-diskless-load", "swapdb"));
    }

    private static final redis.clients.jedis.commands.ProtocolCommand DEBUG = () -> "DEBUG".getBytes();

    private static String persistence(Jedis j, String field) {
        for (String line : j.info("persistence").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return null;
    }

    private static void killReplicas(Jedis m) {
        m.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "replica");
    }

    /** The replica's next PSYNC finds its offset gone from the backlog: a full sync in the same history. */
    private void forceFullSyncInSameHistory() {
        try (RawClient raw = new RawClient("127.0.0.1", master.respPort())) {
            raw.call("MULTI");
            raw.call("CLIENT", "KILL", "TYPE", "replica");
            raw.call("CONFIG", "SET", "repl-backlog-size", "16384");
            for (int i = 0; i < 10; i++) {
                raw.call("SET", "big" + i, "A".repeat(16384));
            }
            assertThat(raw.call("EXEC")).startsWith("*12");
        }
    }

    /**
     * The replica, writable, synced once; then each side gets data and a library of its own, and
     * a slow full sync in the same history starts: the replica is async_loading when this returns.
     */
    private void startAsyncLoad(Jedis m, Jedis r) throws InterruptedException {
        r.configSet("replica-read-only", "no");
        r.replicaof("127.0.0.1", master.respPort());
        Await.until(() -> r.info("replication").contains("master_link_status:up"), "the first sync");
        r.sendCommand(DEBUG, "POPULATE", "300", "slave", "10");
        m.sendCommand(DEBUG, "POPULATE", "300", "master", "1000");
        r.set("mykey", "myvalue");
        r.functionLoad(HELLO1);
        m.functionLoad(HELLO2);
        m.configSet("rdb-key-save-delay", "10000");
        forceFullSyncInSameHistory();
        Await.until(() -> "1".equals(persistence(r, "async_loading")), "the replica async_loading", Duration.ofSeconds(20));
    }

    @Test
    void aFailedLoadUnderAnotherIdLeavesTheOldDataSet() throws Exception {
        start();
        try (Jedis m = new Jedis("127.0.0.1", master.respPort()); Jedis r = new Jedis("127.0.0.1", replica.respPort());
             RawClient raw = new RawClient("127.0.0.1", replica.respPort())) {
            r.sendCommand(DEBUG, "POPULATE", "200", "slave", "10");
            r.set("mykey", "myvalue");
            m.sendCommand(DEBUG, "POPULATE", "500", "master", "1000");
            // 10 ms a key: the transfer lasts 5 s
            m.configSet("rdb-key-save-delay", "10000");
            r.replicaof("127.0.0.1", master.respPort());
            Await.until(() -> "1".equals(persistence(r, "loading")), "the replica loading");
            assertThat(persistence(r, "async_loading")).isEqualTo("0");
            assertThat(raw.call("GET", "mykey")).startsWith("-LOADING");
            m.configSet("repl-diskless-sync-delay", "5");
            killReplicas(m);
            Await.until(() -> "0".equals(persistence(r, "loading")), "the load given up");
            assertThat(r.get("mykey")).isEqualTo("myvalue");
            assertThat(r.dbSize()).isEqualTo(201);
            m.configSet("rdb-key-save-delay", "0");
        }
    }

    @Test
    void withTheSameIdTheOldDataSetServesDuringTheLoadAndIsReplacedAfter() throws Exception {
        start();
        try (Jedis m = new Jedis("127.0.0.1", master.respPort()); Jedis r = new Jedis("127.0.0.1", replica.respPort());
             RawClient raw = new RawClient("127.0.0.1", replica.respPort())) {
            startAsyncLoad(m, r);
            assertThat(persistence(r, "loading")).isEqualTo("0");
            assertThat(r.get("mykey")).isEqualTo("myvalue");
            assertThat(r.fcall("test", java.util.List.of(), java.util.List.of())).isEqualTo("hello1");
            assertThat(r.dbSize()).isEqualTo(301);
            assertThat(raw.call("REPLICAOF", "NO", "ONE")).startsWith("-LOADING");
            assertThat(raw.call("CONFIG", "SET", "appendonly", "no")).startsWith("-LOADING");
            m.configSet("rdb-key-save-delay", "0");
            Await.until(() -> "0".equals(persistence(r, "async_loading"))
                && r.info("replication").contains("master_link_status:up"), "the load done", Duration.ofSeconds(30));
            assertThat(r.get("mykey")).isNull();
            assertThat(r.fcall("test", java.util.List.of(), java.util.List.of())).isEqualTo("hello2");
            assertThat(r.dbSize()).isEqualTo(m.dbSize());
        }
    }

    @Test
    void anAsyncLoadGivenUpKeepsTheOldDataSetAndLibraries() throws Exception {
        start();
        try (Jedis m = new Jedis("127.0.0.1", master.respPort()); Jedis r = new Jedis("127.0.0.1", replica.respPort())) {
            startAsyncLoad(m, r);
            m.configSet("repl-diskless-sync-delay", "5");
            killReplicas(m);
            Await.until(() -> "0".equals(persistence(r, "async_loading")), "the load given up");
            assertThat(r.get("mykey")).isEqualTo("myvalue");
            assertThat(r.fcall("test", java.util.List.of(), java.util.List.of())).isEqualTo("hello1");
            assertThat(r.dbSize()).isEqualTo(301);
            m.configSet("rdb-key-save-delay", "0");
        }
    }
}
