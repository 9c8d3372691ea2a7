package io.ferrite.server.replication;

import io.ferrite.compat.RedisProcess;
import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.Digests;
import io.ferrite.testing.DumpDataset;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real redis-server 7.0 replicating from Ferrite (at 1 and 4 shards): a full sync of every data
 * type in several databases gives the same DEBUG DIGEST, so does the stream under a write load
 * (MULTI/EXEC, expiries, random pops); a killed link resumes with +CONTINUE, a restarted replica
 * syncs in full again, a replica that fell out of the backlog too; WAIT counts the replica, ROLE
 * and INFO show it, and min-replicas-to-write refuses writes without it.
 */
class RedisReplicaTest {
    private Path redisServer;
    private Server ferrite;
    private Jedis master;
    private RedisProcess replica;

    static List<Integer> shardCounts() {
        return TestServers.shardCounts();
    }

    @BeforeEach
    void findRedis() {
        redisServer = RedisProcess.findExecutable();
        Assumptions.assumeTrue(redisServer != null, "redis-server not found");
    }

    @AfterEach
    void stop() {
        if (master != null) {
            master.close();
        }
        if (replica != null) {
            replica.close();
        }
        if (ferrite != null) {
            ferrite.close();
        }
    }

    /** A master with the given directives; diskless syncs start at once unless they say otherwise. */
    private void startMaster(int shards, Map<String, String> directives) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("repl-diskless-sync-delay", "0"));
        all.putAll(directives);
        ferrite = TestServers.start(shards, all);
        master = new Jedis("127.0.0.1", ferrite.respPort());
    }

    private RedisProcess startReplica() throws Exception {
        return RedisProcess.start(redisServer, "--replicaof", "127.0.0.1", Integer.toString(ferrite.respPort()));
    }

    private static String info(Jedis j, String field) {
        for (String line : j.info("all").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return null;
    }

    private void awaitOnline(Jedis r) throws InterruptedException {
        Await.until(() -> "up".equals(info(r, "master_link_status")), "the replica's link");
        Await.until(() -> String.valueOf(info(master, "slave0")).contains("state=online"), "the replica online");
    }

    /** Same digest on both sides once the replica caught up with the master's offset. */
    private void awaitSameData(Jedis r) throws InterruptedException {
        Await.until(() -> Digests.of(master).equals(Digests.of(r)), "equal digests");
        assertThat(Digests.of(r)).isEqualTo(Digests.of(master)).isNotEqualTo("0".repeat(40));
    }

    /** A master of {@code shards} with every type in three databases, and a real replica synced from it. */
    private Jedis syncedPair(int shards, Map<String, String> directives) throws Exception {
        startMaster(shards, directives);
        fill(master);
        replica = startReplica();
        Jedis r = new Jedis("127.0.0.1", replica.port);
        awaitOnline(r);
        awaitSameData(r);
        return r;
    }

    private void killReplicaLinks() {
        master.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
            redis.clients.jedis.args.ClientType.REPLICA));
    }

    private static void fill(Jedis j) {
        for (int db : new int[] {0, 2, 15}) {
            j.select(db);
            for (String[] cmd : DumpDataset.dataset()) {
                j.sendCommand(() -> cmd[0].getBytes(), java.util.Arrays.copyOfRange(cmd, 1, cmd.length));
            }
            Pipeline p = j.pipelined();
            for (int i = 0; i < 2000; i++) {
                p.set("key:" + i, "value:" + i);
                if (i % 10 == 0) {
                    p.pexpire("key:" + i, 600_000);
                }
            }
            p.sync();
        }
        j.select(0);
    }

    /** Writes of every kind, from two databases, with transactions, expiries and random pops. */
    private static void writeLoad(Jedis j, int seed, int n) {
        Random rnd = new Random(seed);
        Pipeline p = j.pipelined();
        for (int i = 0; i < n; i++) {
            String k = "load:" + rnd.nextInt(500);
            switch (rnd.nextInt(9)) {
                case 0 -> p.set(k, "v" + i);
                case 1 -> p.incr("counter:" + rnd.nextInt(20));
                case 2 -> p.lpush("list:" + rnd.nextInt(20), "e" + i);
                case 3 -> p.hset("hash:" + rnd.nextInt(20), "f" + rnd.nextInt(50), "v" + i);
                case 4 -> p.zadd("zset:" + rnd.nextInt(20), rnd.nextDouble(), "m" + rnd.nextInt(100));
                case 5 -> p.sadd("set:" + rnd.nextInt(5), "m" + rnd.nextInt(100));
                case 6 -> p.spop("set:" + rnd.nextInt(5));
                case 7 -> p.expire("key:" + rnd.nextInt(2000), 1000 + rnd.nextInt(1000));
                default -> p.del(k);
            }
        }
        p.sync();
        Transaction t = j.multi();
        t.incr("tx:a");
        t.rpush("tx:l", "x");
        t.sendCommand(redis.clients.jedis.Protocol.Command.SELECT, "2");
        t.set("tx:b", "y");
        t.exec();
        j.select(0);
    }

    @ParameterizedTest(name = "shards={0}")
    @MethodSource("shardCounts")
    void fullSyncStreamAndPartialResync(int shards) throws Exception {
        try (Jedis r = syncedPair(shards, Map.of())) {
            assertThat(info(master, "sync_full")).isEqualTo("1");

            writeLoad(master, 1, 20_000);
            awaitSameData(r);

            // the link dies; writes go on meanwhile; the replica comes back and continues
            killReplicaLinks();
            writeLoad(master, 2, 2_000);
            Await.until(() -> "1".equals(info(master, "sync_partial_ok")), "a partial resync");
            awaitOnline(r);
            awaitSameData(r);
            assertThat(info(master, "sync_full")).isEqualTo("1");
            assertThat(info(r, "master_replid")).isEqualTo(info(master, "master_replid"));
            Await.until(() -> info(r, "master_repl_offset").equals(info(master, "master_repl_offset")), "equal offsets");

            // WAIT counts the replica once it acknowledged this client's write
            master.set("waited", "1");
            assertThat(master.waitReplicas(1, 5000)).isEqualTo(1);
            assertThat(master.waitReplicas(2, 200)).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "shards={0}")
    @MethodSource("shardCounts")
    void aRestartedReplicaSyncsInFull(int shards) throws Exception {
        // disk-based this time: the RDB goes as $<length> and the file
        syncedPair(shards, Map.of("repl-diskless-sync", "no")).close();
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of(ferrite.config().get("dir"), "dump.rdb"))).isTrue();
        replica.close();
        Await.until(() -> "0".equals(info(master, "connected_slaves")), "the replica gone");
        writeLoad(master, 3, 5_000);
        replica = startReplica();
        try (Jedis r = new Jedis("127.0.0.1", replica.port)) {
            awaitOnline(r);
            awaitSameData(r);
            assertThat(info(master, "sync_full")).isEqualTo("2");
        }
    }

    @ParameterizedTest(name = "shards={0}")
    @MethodSource("shardCounts")
    void aReplicaBeyondTheBacklogSyncsInFull(int shards) throws Exception {
        try (Jedis r = syncedPair(shards, Map.of("repl-backlog-size", "16384"))) {
            // the replica stops; far more than the backlog is written; its link is cut
            signal("STOP");
            try {
                // more than the socket buffers hold, so the stream cannot all be on its way already
                String big = "x".repeat(100_000);
                Pipeline p = master.pipelined();
                for (int i = 0; i < 200; i++) {
                    p.set("big:" + i, big + i);
                }
                p.sync();
                writeLoad(master, 4, 2_000);
                killReplicaLinks();
                // the history the cut link held is let go before the replica can ask for it (as Redis's
                // incremental trim, this happens just after the link closes, not with it)
                Await.until(() -> Long.parseLong(info(master, "repl_backlog_histlen")) <= 16384 + 16384,
                    "the backlog trimmed to its size");
            } finally {
                signal("CONT");
            }
            // at least one more full sync (a loaded machine may time the first attempt out and retry)
            Await.until(() -> Long.parseLong(info(master, "sync_full")) >= 2, "a second full sync");
            assertThat(Long.parseLong(info(master, "sync_partial_err"))).isGreaterThanOrEqualTo(1);
            awaitOnline(r);
            awaitSameData(r);
            assertThat(Long.parseLong(info(master, "repl_backlog_histlen"))).isLessThanOrEqualTo(16384 + 16384);
        }
    }

    @ParameterizedTest(name = "shards={0}")
    @MethodSource("shardCounts")
    void twoReplicasShareOneSnapshot(int shards) throws Exception {
        // diskless: the transfer waits until both are there; disk: the second joins the save in progress
        for (Map<String, String> mode : List.of(
                Map.of("repl-diskless-sync-delay", "60", "repl-diskless-sync-max-replicas", "2"),
                Map.of("repl-diskless-sync", "no", "rdb-key-save-delay", "200"))) {
            startMaster(shards, mode);
            fill(master);
            replica = startReplica();
            try (RedisProcess second = startReplica();
                 Jedis r1 = new Jedis("127.0.0.1", replica.port);
                 Jedis r2 = new Jedis("127.0.0.1", second.port)) {
                awaitOnline(r1);
                awaitOnline(r2);
                Await.until(() -> String.valueOf(info(master, "slave1")).contains("state=online"), "both online");
                writeLoad(master, 5, 3_000);
                awaitSameData(r1);
                awaitSameData(r2);
                assertThat(info(master, "sync_full")).isEqualTo("2");
            }
            stop();
            master = null;
            replica = null;
            ferrite = null;
        }
    }

    private void signal(String sig) throws Exception {
        new ProcessBuilder("kill", "-" + sig, Long.toString(replica.pid())).start().waitFor();
    }

    @ParameterizedTest(name = "shards={0}")
    @MethodSource("shardCounts")
    void rolesInfoAndMinReplicas(int shards) throws Exception {
        startMaster(shards, Map.of());
        // before any replica: no backlog, offset 0, WAIT times out with 0
        assertThat(info(master, "repl_backlog_active")).isEqualTo("0");
        assertThat(info(master, "master_repl_offset")).isEqualTo("0");
        assertThat(master.waitReplicas(1, 50)).isZero();
        master.configSet("min-replicas-to-write", "1");
        assertThatThrownBy(() -> master.set("a", "1")).isInstanceOf(JedisDataException.class)
            .hasMessage("NOREPLICAS Not enough good replicas to write.");
        assertThat(master.get("a")).isNull();

        replica = startReplica();
        try (Jedis r = new Jedis("127.0.0.1", replica.port)) {
            awaitOnline(r);
            Await.until(() -> "1".equals(info(master, "min_slaves_good_slaves")), "a good replica");
            assertThat(master.set("a", "1")).isEqualTo("OK");
            List<Object> role = master.role();
            assertThat(String.valueOf(role.get(0))).isEqualTo("master");
            @SuppressWarnings("unchecked")
            List<Object> replicas = (List<Object>) role.get(2);
            assertThat(replicas).hasSize(1);
            @SuppressWarnings("unchecked")
            List<Object> one = (List<Object>) replicas.get(0);
            assertThat(String.valueOf(one.get(1))).isEqualTo(Integer.toString(replica.port));
            String slave0 = info(master, "slave0");
            assertThat(slave0).matches("ip=127\\.0\\.0\\.1,port=" + replica.port + ",state=online,offset=\\d+,lag=\\d+");
            assertThat(info(master, "repl_backlog_active")).isEqualTo("1");
            assertThat(info(master, "master_replid")).matches("[0-9a-f]{40}");
            assertThat(master.clientList()).contains("flags=S");
        }
        master.configSet("min-replicas-to-write", "0");
    }
}
