package io.ferrite.server.replication.replica;

import io.ferrite.compat.RedisProcess;
import io.ferrite.server.Server;
import io.ferrite.testing.Digests;
import io.ferrite.testing.DumpDataset;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Ferrite replicating a real redis-server 7.0 primary: full syncs (a streamed RDB with its EOF
 * mark, and a sized one from disk), the command stream, a partial resync after the link drops,
 * and what a replica refuses or hides, each checked with DEBUG DIGEST against the primary.
 */
class ReplicaOfRedisTest {
    private RedisProcess primary;
    private final List<Server> replicas = new ArrayList<>();

    @BeforeEach
    void startPrimary() throws Exception {
        Path exe = RedisProcess.findExecutable();
        if (exe == null) {
            fail("redis-server not found on PATH: replication is tested against a real Redis 7.0 primary");
        }
        primary = RedisProcess.start(exe);
        try (Jedis p = primaryClient()) {
            // no wait before a diskless sync starts, so the tests do not sit through Redis's 5 s default
            p.configSet("repl-diskless-sync-delay", "0");
        }
    }

    @AfterEach
    void stop() {
        replicas.forEach(Server::close);
        if (primary != null) {
            primary.close();
        }
    }

    /** Shard counts, the primary's diskless sync (an EOF-marked payload) or not (a sized one), and the replica's repl-diskless-load. */
    static Stream<Arguments> shardsAndTransfer() {
        return TestServers.shardCounts().stream().flatMap(n -> Stream.of(
            Arguments.of(n, true, "disabled"), Arguments.of(n, false, "disabled"),
            Arguments.of(n, true, "swapdb"), Arguments.of(n, false, "on-empty-db")));
    }

    @ParameterizedTest(name = "shards={0} diskless-sync={1} diskless-load={2}")
    @MethodSource("shardsAndTransfer")
    void fullSyncThenStreamKeepsDigestsEqual(int shards, boolean disklessSync, String disklessLoad) {
        try (Jedis p = primaryClient()) {
            p.configSet("repl-diskless-sync", disklessSync ? "yes" : "no");
            DumpDataset.load(p);
            p.sendCommand(() -> "DEBUG".getBytes(), "POPULATE".getBytes(), "2000".getBytes());
            p.set("ttl:long", "v", redis.clients.jedis.params.SetParams.setParams().px(100_000));
            p.select(3);
            p.hset("db3:hash", Map.of("f", "v", "g", "w"));
            p.select(0);
            Server ferrite = replicaOfPrimary(shards, Map.of("repl-diskless-load", disklessLoad));
            try (Jedis r = client(ferrite)) {
                awaitInSync(p, r);
                assertEquals(Digests.of(p), Digests.of(r), "digest after the full sync");
                writeLoad(p);
                awaitInSync(p, r);
                assertEquals(Digests.of(p), Digests.of(r), "digest after the write load");
                assertEquals("1", primaryStat(p, "sync_full"));
            }
        }
    }

    @ParameterizedTest(name = "shards={0}")
    @MethodSource("io.ferrite.testing.TestServers#shardCounts")
    void linkDropResumesWithPartialResync(int shards) {
        try (Jedis p = primaryClient()) {
            DumpDataset.load(p);
            Server ferrite = replicaOfPrimary(shards, Map.of());
            try (Jedis r = client(ferrite)) {
                awaitInSync(p, r);
                writeLoad(p);
                awaitInSync(p, r);
                String partialBefore = primaryStat(p, "sync_partial_ok");
                p.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                    .type(redis.clients.jedis.args.ClientType.REPLICA));
                // writes while the link is down reach the replica from the primary's backlog
                p.set("while:down", "1");
                p.incr("counter");
                String down = field(r.info("replication"), "master_link_down_since_seconds");
                assertTrue(down == null || Long.parseLong(down) >= 0, "down since the link was lost: " + down);
                assertResumedPartially(p, r, partialBefore, 1);
                writeLoad(p);
                awaitInSync(p, r);
                assertEquals(Digests.of(p), Digests.of(r));
                // the replica's side of the link: its master client killed, as Redis lets CLIENT KILL do
                assertEquals(1, r.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                    .type(redis.clients.jedis.args.ClientType.MASTER)));
                p.set("after:replica:kill", "1");
                assertResumedPartially(p, r, partialBefore, 2);
            }
        }
    }

    @Test
    void silentMasterTimesOutAndTheLinkResumesWithPartialResync() throws Exception {
        try (Jedis p = primaryClient()) {
            p.set("k", "v");
            Server ferrite = replicaOfPrimary(1, Map.of("repl-timeout", "1"));
            try (Jedis r = client(ferrite)) {
                awaitInSync(p, r);
                String partialBefore = primaryStat(p, "sync_partial_ok");
                // the primary says nothing for longer than repl-timeout: the replica gives the link up
                p.sendCommand(() -> "DEBUG".getBytes(), "SLEEP".getBytes(), "2.5".getBytes());
                p.set("after:sleep", "1");
                assertResumedPartially(p, r, partialBefore, 1);
            }
        }
    }

    @Test
    void masterWithoutItsOwnMasterIsRetriedUntilItCanServe() throws Exception {
        try (RedisProcess middle = RedisProcess.start(RedisProcess.findExecutable());
             Jedis p = primaryClient(); Jedis m = new Jedis("127.0.0.1", middle.port, 10_000)) {
            p.set("k", "v");
            // a replica whose own master is unreachable answers PSYNC with -NOMASTERLINK
            m.replicaof("127.0.0.1", TestServers.freePort());
            Server ferrite = replicaOfPrimaryAt(1, middle.port);
            try (Jedis r = client(ferrite)) {
                Thread.sleep(1500);
                assertEquals("down", field(r.info("replication"), "master_link_status"));
                m.replicaof("127.0.0.1", primary.port);
                await(() -> "up".equals(field(m.info("replication"), "master_link_status")), "the middle replica");
                awaitInSync(m, r);
                assertEquals(Digests.of(p), Digests.of(r), "a chained replica of the primary");
                p.set("through:the:chain", "1");
                await(() -> "1".equals(r.get("through:the:chain")), "the write through the chain");
                assertEquals(Digests.of(p), Digests.of(r));
            }
        }
    }

    @Test
    void replicaOfAnotherMasterFollowsTheNewOne() throws Exception {
        try (RedisProcess other = RedisProcess.start(RedisProcess.findExecutable());
             Jedis p = primaryClient(); Jedis o = new Jedis("127.0.0.1", other.port, 10_000)) {
            o.configSet("repl-diskless-sync-delay", "0");
            p.set("from", "first");
            o.set("from", "second");
            DumpDataset.load(o);
            Server ferrite = replicaOfPrimary(4, Map.of());
            try (Jedis r = client(ferrite)) {
                awaitInSync(p, r);
                // switched while connected, and again at once while the new link is still connecting
                assertEquals("OK", r.replicaof("127.0.0.1", TestServers.freePort()));
                assertEquals("OK", r.replicaof("127.0.0.1", other.port));
                awaitInSync(o, r);
                assertEquals("second", r.get("from"));
                assertEquals(Digests.of(o), Digests.of(r));
                o.incr("counter");
                awaitInSync(o, r);
                assertEquals(Digests.of(o), Digests.of(r));
            }
        }
    }

    @Test
    void handshakeAuthenticatesAndAnnouncesAsConfigured() {
        try (Jedis p = primaryClient()) {
            p.set("k", "v");
            p.configSet("requirepass", "secret");
            p.auth("secret");
            Server ferrite = replicaOfPrimary(1, Map.of("masterauth", "secret", "replica-announce-ip", "127.0.0.2",
                "replica-announce-port", "12345"));
            try (Jedis r = client(ferrite)) {
                awaitInSync(p, r);
                assertEquals("ip=127.0.0.2,port=12345", field(p.info("replication"), "slave0").replaceAll(",state.*", ""));
                assertEquals(Digests.of(p), Digests.of(r));
            }
            // AUTH <masteruser> <masterauth>, for an ACL user of the primary's
            p.aclSetUser("repl", "on", ">userpass", "+@all", "~*");
            Server second = replicaOfPrimary(4, Map.of("masteruser", "repl", "masterauth", "userpass"));
            try (Jedis r = client(second)) {
                awaitInSync(p, r);
                assertEquals(Digests.of(p), Digests.of(r));
            }
        }
    }

    @Test
    void infoAndRoleOfAConnectedReplica() {
        try (Jedis p = primaryClient()) {
            p.set("k", "v");
            Server ferrite = replicaOfPrimary(1, Map.of());
            try (Jedis r = client(ferrite)) {
                awaitInSync(p, r);
                String info = r.info("replication");
                assertEquals("slave", field(info, "role"));
                assertEquals("127.0.0.1", field(info, "master_host"));
                assertEquals(Integer.toString(primary.port), field(info, "master_port"));
                assertEquals("up", field(info, "master_link_status"));
                assertTrue(Integer.parseInt(field(info, "master_last_io_seconds_ago")) >= 0, info);
                assertEquals("0", field(info, "master_sync_in_progress"));
                assertEquals(field(info, "slave_repl_offset"), field(info, "slave_read_repl_offset"));
                assertNull(field(info, "master_link_down_since_seconds"), "only while the link is down");
                assertEquals("100", field(info, "slave_priority"));
                assertEquals("1", field(info, "slave_read_only"));
                assertEquals("1", field(info, "replica_announced"));
                long offset = Long.parseLong(field(info, "slave_repl_offset"));
                io.netty.buffer.ByteBuf out = io.netty.buffer.Unpooled.buffer();
                ReplicaInfo.role(new io.ferrite.reply.Reply(out, 2, m -> { }), ferrite.replica());
                String role = out.toString(java.nio.charset.StandardCharsets.US_ASCII);
                // ROLE's replica form as Redis writes it (the offset may have moved on with a PING since)
                assertTrue(role.startsWith("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:" + primary.port
                    + "\r\n$9\r\nconnected\r\n:"), role);
                assertTrue(Long.parseLong(role.substring(role.lastIndexOf(':') + 1).trim()) >= offset, role);
            }
        }
    }

    @Test
    void replicaByConfigContinuesFromTheReplicationInfoOfItsRdb() throws Exception {
        try (Jedis p = primaryClient()) {
            DumpDataset.load(p);
            // a first replica gives the primary its backlog; a primary with one saves its replication info
            Server first = replicaOfPrimary(1, Map.of());
            try (Jedis r = client(first)) {
                awaitInSync(p, r);
            }
            first.close();
            writeLoad(p);
            p.save();
            Path saved = Path.of(p.configGet("dir").get("dir"), p.configGet("dbfilename").get("dbfilename"));
            Path dir = java.nio.file.Files.createTempDirectory("ferrite-replica-");
            java.nio.file.Files.copy(saved, dir.resolve("dump.rdb"));
            // written after the save: the restarted replica gets them from the backlog
            p.set("after:save", "1");
            p.select(5);
            p.lpush("after:save:db5", "x");
            p.select(0);
            String fullBefore = primaryStat(p, "sync_full");
            String partialBefore = primaryStat(p, "sync_partial_ok");
            Server ferrite = TestServers.start(4, Map.of("dir", dir.toString(), "dbfilename", "dump.rdb",
                "replicaof", "127.0.0.1 " + primary.port));
            replicas.add(ferrite);
            try (Jedis r = client(ferrite)) {
                awaitInSync(p, r);
                assertEquals(fullBefore, primaryStat(p, "sync_full"), "no full sync");
                assertEquals(Long.parseLong(partialBefore) + 1, Long.parseLong(primaryStat(p, "sync_partial_ok")));
                assertEquals(Digests.of(p), Digests.of(r));
            }
        }
    }

    @Test
    void aReplicasAppendOnlyFileHoldsTheSyncAndTheStream() throws Exception {
        try (Jedis p = primaryClient()) {
            DumpDataset.load(p);
            Path dir = java.nio.file.Files.createTempDirectory("ferrite-replica-aof-");
            Server ferrite = TestServers.start(4, Map.of("dir", dir.toString(), "appendonly", "yes"));
            String digest;
            try (Jedis r = client(ferrite)) {
                r.replicaof("127.0.0.1", primary.port);
                awaitInSync(p, r);
                writeLoad(p);
                awaitInSync(p, r);
                digest = Digests.of(p);
                assertEquals(digest, Digests.of(r));
                // the full sync's data reach the file through the rewrite Redis restarts the AOF with
                await(() -> "0".equals(field(r.info("persistence"), "aof_rewrite_in_progress"))
                    && "0".equals(field(r.info("persistence"), "aof_rewrite_scheduled")), "the AOF rewrite");
            }
            ferrite.close();
            Server restarted = TestServers.start(4, Map.of("dir", dir.toString(), "appendonly", "yes"));
            replicas.add(restarted);
            try (Jedis r = client(restarted)) {
                assertEquals(digest, Digests.of(r), "the data set rebuilt from the replica's AOF");
            }
        }
    }

    @Test
    void replicaRefusesClientWritesButAppliesTheMasters() {
        try (Jedis p = primaryClient()) {
            Server ferrite = replicaOfPrimary(1, Map.of());
            try (Jedis r = client(ferrite)) {
                awaitInSync(p, r);
                JedisDataException e = assertThrows(JedisDataException.class, () -> r.set("k", "v"));
                assertEquals("READONLY You can't write against a read only replica.", e.getMessage());
                Transaction t = r.multi();
                t.set("k", "v");
                e = assertThrows(JedisDataException.class, t::exec);
                assertTrue(e.getMessage().startsWith("EXECABORT"), e.getMessage());
                p.set("k", "from-master");
                awaitInSync(p, r);
                assertEquals("from-master", r.get("k"));
                r.configSet("replica-read-only", "no");
                assertEquals("OK", r.set("own", "write"));
            }
        }
    }

    @Test
    void expiredKeysAreHiddenButDeletedOnlyByTheMaster() throws Exception {
        try (Jedis p = primaryClient()) {
            // the primary keeps its expired keys until they are read: only then does it send their DEL
            p.sendCommand(() -> "DEBUG".getBytes(), "SET-ACTIVE-EXPIRE".getBytes(), "0".getBytes());
            p.set("gone:soon", "v", redis.clients.jedis.params.SetParams.setParams().px(300));
            p.set("stays", "v");
            Server ferrite = replicaOfPrimary(4, Map.of());
            try (Jedis r = client(ferrite)) {
                awaitInSync(p, r);
                Thread.sleep(400);
                assertNull(r.get("gone:soon"));
                assertEquals(0, r.exists("gone:soon") ? 1 : 0);
                assertEquals(2, r.dbSize(), "the expired key is still stored");
                assertEquals(Digests.of(p), Digests.of(r));
                assertNull(p.get("gone:soon"));
                awaitInSync(p, r);
                assertEquals(1, r.dbSize(), "the master's DEL removed it");
                assertEquals(Digests.of(p), Digests.of(r));
                // a writable replica's own expiry in the past sets it, and waits for a DEL (checkAlreadyExpired)
                r.configSet("replica-read-only", "no");
                assertEquals(1, r.pexpire("stays", -1));
                assertNull(r.get("stays"));
                assertEquals(1, r.dbSize());
            }
        }
    }

    @Test
    void replicaOfNoOneMakesAWritableMasterKeepingTheData() {
        try (Jedis p = primaryClient()) {
            DumpDataset.load(p);
            Server ferrite = replicaOfPrimary(4, Map.of());
            try (Jedis r = client(ferrite)) {
                awaitInSync(p, r);
                String digest = Digests.of(p);
                String masterReplid = field(p.info("replication"), "master_replid");
                assertEquals(masterReplid, field(r.info("replication"), "master_replid"), "the master's id adopted");
                assertEquals("OK", r.replicaofNoOne());
                assertEquals("master", field(r.info("replication"), "role"));
                assertEquals(masterReplid, field(r.info("replication"), "master_replid2"), "the old id kept as replid2");
                assertNotEquals(masterReplid, field(r.info("replication"), "master_replid"));
                assertEquals(digest, Digests.of(r));
                assertEquals("OK", r.set("now", "writable"));
            }
        }
    }

    @Test
    void replicaOfRepliesAsRedis() throws Exception {
        Server ferrite = TestServers.start(1, Map.of());
        replicas.add(ferrite);
        int nobody = TestServers.freePort();
        try (Jedis r = client(ferrite); Jedis reference = primaryClient()) {
            for (Jedis j : List.of(r, reference)) {
                assertEquals("OK", j.replicaofNoOne(), "NO ONE on a master");
                assertEquals("ERR Invalid master port", error(() -> j.replicaof("127.0.0.1", 70000)));
                assertEquals("ERR Invalid master port", error(() -> j.sendCommand(() -> "REPLICAOF".getBytes(),
                    "127.0.0.1".getBytes(), "abc".getBytes())));
                assertEquals("ERR wrong number of arguments for 'slaveof' command",
                    error(() -> j.sendCommand(() -> "SLAVEOF".getBytes(), "127.0.0.1".getBytes())));
                assertEquals("OK", j.replicaof("127.0.0.1", nobody));
                assertEquals("OK Already connected to specified master", j.replicaof("127.0.0.1", nobody));
                assertEquals("127.0.0.1 " + nobody, j.configGet("replicaof").get("replicaof"));
                assertEquals("slave", field(j.info("replication"), "role"));
                assertEquals("down", field(j.info("replication"), "master_link_status"));
                Thread.sleep(1200);
                assertEquals("-1", field(j.info("replication"), "master_link_down_since_seconds"), "never up");
                j.configSet("replica-serve-stale-data", "no");
                assertEquals("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
                    error(() -> j.get("k")));
                j.configSet("replica-serve-stale-data", "yes");
                assertNull(j.get("k"));
                assertEquals("OK", j.slaveofNoOne());
                assertEquals("master", field(j.info("replication"), "role"));
                assertEquals("", j.configGet("replicaof").get("replicaof"));
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private Jedis primaryClient() {
        return new Jedis("127.0.0.1", primary.port, 10_000);
    }

    private static Jedis client(Server s) {
        return new Jedis("127.0.0.1", s.respPort(), 10_000);
    }

    private Server replicaOfPrimary(int shards, Map<String, String> directives) {
        Server s = TestServers.start(shards, directives);
        replicas.add(s);
        try (Jedis r = client(s)) {
            assertEquals("OK", r.replicaof("127.0.0.1", primary.port));
        }
        return s;
    }

    private Server replicaOfPrimaryAt(int shards, int port) {
        Server s = TestServers.start(shards, Map.of());
        replicas.add(s);
        try (Jedis r = client(s)) {
            assertEquals("OK", r.replicaof("127.0.0.1", port));
        }
        return s;
    }

    /** Waits until the link is up and the replica processed everything the primary sent. */
    private static void awaitInSync(Jedis p, Jedis r) {
        await(() -> {
            String info = r.info("replication");
            return "up".equals(field(info, "master_link_status"))
                && field(p.info("replication"), "master_repl_offset").equals(field(info, "slave_repl_offset"));
        }, "the replica to catch up: " + r.info("replication"));
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** Writes of every type, in several databases, with transactions, scripts and commands Redis rewrites as it propagates them. */
    private static void writeLoad(Jedis p) {
        for (int i = 0; i < 300; i++) {
            p.set("s" + i, "v" + i);
            p.incrByFloat("f" + i % 7, 1.5);
            p.rpush("list" + i % 5, "e" + i);
            p.sadd("set" + i % 5, "m" + i);
            p.zadd("zset" + i % 5, i, "m" + i);
            p.hset("hash" + i % 5, "f" + i, "v" + i);
            p.expire("s" + i, 1000 + i);
            if (i % 50 == 0) {
                p.xadd("stream", redis.clients.jedis.StreamEntryID.NEW_ENTRY, Map.of("i", Integer.toString(i)));
                p.spop("set" + i % 5);
                p.mset("{a}x" + i, "1", "b" + i, "2", "c" + i, "3");
                p.rename("s" + i, "renamed" + i);
            }
        }
        // pipelined: the stream then comes in large reads, whose commands the replica runs in batches
        redis.clients.jedis.Pipeline pl = p.pipelined();
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            String k = "p" + rnd.nextInt(500);
            String other = "p" + rnd.nextInt(500);
            switch (rnd.nextInt(10)) {
                case 0 -> pl.set(k, Integer.toString(i));
                case 1 -> pl.append(k, "x");
                case 2 -> pl.del(k, other);
                case 3 -> pl.lpush("l" + k, Integer.toString(i));
                case 4 -> pl.rpoplpush("l" + k, "l" + other);
                case 5 -> pl.sadd("s" + k, Integer.toString(i % 50));
                case 6 -> pl.sunionstore("s" + other, "s" + k, "s" + other);
                case 7 -> pl.mset(k, "m" + i, other, "n" + i);
                case 8 -> pl.pexpire(k, 100_000 + i);
                default -> pl.incrBy("n" + k, i);
            }
        }
        pl.sync();
        Transaction t = p.multi();
        t.incr("in:multi");
        t.lpush("in:multi:list", "x");
        t.exec();
        p.eval("redis.call('set', KEYS[1], ARGV[1]); redis.call('del', KEYS[2])", 2, "lua:key", "s1", "lua");
        p.select(7);
        p.set("db7", "x");
        p.select(0);
        p.del("s2", "s3", "list0");
    }

    /** The replica caught up through {@code n} partial resyncs since {@code partialBefore}, and no second full sync. */
    private static void assertResumedPartially(Jedis p, Jedis r, String partialBefore, int n) {
        awaitInSync(p, r);
        assertEquals(Long.parseLong(partialBefore) + n, Long.parseLong(primaryStat(p, "sync_partial_ok")));
        assertEquals("1", primaryStat(p, "sync_full"), "no second full sync");
        assertEquals(Digests.of(p), Digests.of(r));
    }

    private static String primaryStat(Jedis p, String name) {
        return field(p.info("stats"), name);
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static String error(Runnable r) {
        try {
            r.run();
        } catch (JedisDataException e) {
            return e.getMessage();
        }
        return "(no error)";
    }
}
