package io.ferrite.server.replication;

import io.ferrite.compat.RedisProcess;
import io.ferrite.server.Server;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PSYNC2 across restarts through the RDB file's replication fields (rdbPopulateSaveInfo,
 * loadDataFromDisk): a master saved and restarted takes back its history under a new id, the old
 * one as its second, so its replicas (Ferrite, or a real redis-server 7.0) continue with +CONTINUE;
 * the keys the restart found expired reach them as deletions; a replica saved and restarted
 * continues from the offset it had processed (from a Ferrite master or a real Redis one). redis-check-rdb reads the fields.
 */
class RestartResyncTest {
    private static final int SHARDS = 2;
    private final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Server server(Path d, int port, String... more) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("dir", d.toString(), "port", Integer.toString(port),
            "repl-ping-replica-period", "3600"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        Server s = TestServers.start(SHARDS, settings);
        open.add(s);
        return s;
    }

    private RawClient client(int port) {
        RawClient c = new RawClient("127.0.0.1", port);
        open.add(c);
        return c;
    }

    static String field(RawClient c, String section, String name) {
        for (String line : c.call("INFO", section).split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 1500; i++) {
            if (done.getAsBoolean()) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private static void awaitUp(RawClient replica) throws InterruptedException {
        await("the link up", () -> "up".equals(field(replica, "replication", "master_link_status")));
    }

    private static void awaitSameOffset(RawClient master, RawClient replica) throws InterruptedException {
        await("equal offsets", () -> field(master, "replication", "master_repl_offset")
            .equals(field(replica, "replication", "master_repl_offset")));
    }

    private static void writes(RawClient c, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            c.call("SELECT", Integer.toString(i % 3));
            c.call("SET", prefix + i, "v" + i);
        }
        c.call("SELECT", "0");
    }

    private static String digest(RawClient c) {
        return c.call("DEBUG", "DIGEST");
    }

    /** The master's part of each restart test: data, a file with its fields, a restart on the same port and dir. */
    private RawClient restartMaster(RawClient master, Server old, int port, RawClient replica) throws Exception {
        writes(master, "k", 200);
        // keys that expire while the master is down: the restart finds them expired and deletes them in the stream
        master.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        for (int i = 0; i < 20; i++) {
            master.call("SET", "short" + i, "x", "PX", "50");
        }
        awaitSameOffset(master, replica);
        String replid = field(master, "replication", "master_replid");
        long offset = Long.parseLong(field(master, "replication", "master_repl_offset"));
        assertThat(master.call("SAVE")).isEqualTo("+OK\r\n");
        old.close();
        Thread.sleep(100);
        Server again = server(dir, port);
        RawClient m = client(again.respPort());
        assertThat(field(m, "replication", "master_replid2")).isEqualTo(replid);
        assertThat(field(m, "replication", "second_repl_offset")).isEqualTo(Long.toString(offset + 1));
        assertThat(field(m, "replication", "master_replid")).isNotEqualTo(replid);
        assertThat(field(m, "replication", "repl_backlog_first_byte_offset")).isEqualTo(Long.toString(offset + 1));
        assertThat(field(m, "persistence", "rdb_last_load_keys_expired")).isEqualTo("20");
        await("a partial resync", () -> "1".equals(field(m, "stats", "sync_partial_ok")));
        assertThat(field(m, "stats", "sync_full")).isEqualTo("0");
        // the deletions of the expired keys went out after the file's offset
        assertThat(Long.parseLong(field(m, "replication", "master_repl_offset"))).isGreaterThan(offset);
        return m;
    }

    @Test
    void aRestartedMasterIsContinuedByAFerriteReplica() throws Exception {
        int port = TestServers.freePort();
        Server master = server(dir, port);
        Path rdir = Files.createDirectory(dir.resolve("replica"));
        Server replica = server(rdir, TestServers.freePort());
        RawClient m = client(port);
        RawClient r = client(replica.respPort());
        r.call("REPLICAOF", "127.0.0.1", Integer.toString(port));
        awaitUp(r);
        RawClient m2 = restartMaster(m, master, port, r);
        awaitUp(r);
        writes(m2, "after", 50);
        awaitSameOffset(m2, r);
        assertThat(digest(r)).isEqualTo(digest(m2));
        assertThat(r.call("EXISTS", "short0")).isEqualTo(":0\r\n");
    }

    @Test
    void aRestartedMasterIsContinuedByARealRedisReplica() throws Exception {
        Path exe = RedisProcess.findExecutable();
        Assumptions.assumeTrue(exe != null, "redis-server not found");
        int port = TestServers.freePort();
        Server master = server(dir, port);
        RawClient m = client(port);
        RedisProcess redis = RedisProcess.start(exe, "--replicaof", "127.0.0.1", Integer.toString(port));
        open.add(redis);
        RawClient r = client(redis.port);
        awaitUp(r);
        RawClient m2 = restartMaster(m, master, port, r);
        awaitUp(r);
        writes(m2, "after", 50);
        awaitSameOffset(m2, r);
        assertThat(digest(r)).isEqualTo(digest(m2));
        assertThat(field(r, "replication", "master_replid")).isEqualTo(field(m2, "replication", "master_replid"));
    }

    @Test
    void aRestartedReplicaContinuesFromTheOffsetItSaved() throws Exception {
        int port = TestServers.freePort();
        server(dir, port);
        RawClient m = client(port);
        Path rdir = Files.createDirectory(dir.resolve("replica"));
        int rport = TestServers.freePort();
        Server replica = server(rdir, rport, "replicaof", "127.0.0.1 " + port);
        RawClient r = client(rport);
        awaitUp(r);
        writes(m, "k", 100);
        awaitSameOffset(m, r);
        assertThat(r.call("SAVE")).isEqualTo("+OK\r\n");
        replica.close();
        writes(m, "while-down", 30);
        String fullBefore = field(m, "stats", "sync_full");
        server(rdir, rport, "replicaof", "127.0.0.1 " + port);
        RawClient r2 = client(rport);
        awaitUp(r2);
        await("a partial resync", () -> "1".equals(field(m, "stats", "sync_partial_ok")));
        assertThat(field(m, "stats", "sync_full")).isEqualTo(fullBefore);
        awaitSameOffset(m, r2);
        assertThat(digest(r2)).isEqualTo(digest(m));
    }

    @Test
    void aRestartedReplicaOfARealRedisContinuesFromItsFile() throws Exception {
        Path exe = RedisProcess.findExecutable();
        Assumptions.assumeTrue(exe != null, "redis-server not found");
        RedisProcess redis = RedisProcess.start(exe, "--repl-ping-replica-period", "3600");
        open.add(redis);
        RawClient m = client(redis.port);
        Path rdir = Files.createDirectory(dir.resolve("replica"));
        int rport = TestServers.freePort();
        Server replica = server(rdir, rport, "replicaof", "127.0.0.1 " + redis.port);
        RawClient r = client(rport);
        awaitUp(r);
        writes(m, "k", 100);
        awaitSameOffset(m, r);
        assertThat(r.call("SAVE")).isEqualTo("+OK\r\n");
        replica.close();
        writes(m, "while-down", 30);
        server(rdir, rport, "replicaof", "127.0.0.1 " + redis.port);
        RawClient r2 = client(rport);
        awaitUp(r2);
        await("a partial resync", () -> "1".equals(field(m, "stats", "sync_partial_ok")));
        assertThat(field(m, "stats", "sync_full")).isEqualTo("1");
        awaitSameOffset(m, r2);
        assertThat(digest(r2)).isEqualTo(digest(m));
    }

    @Test
    void redisCheckRdbReadsTheReplicationFields() throws Exception {
        Path exe = RedisProcess.findExecutable();
        Assumptions.assumeTrue(exe != null, "redis-server not found");
        int port = TestServers.freePort();
        server(dir, port);
        Path rdir = Files.createDirectory(dir.resolve("replica"));
        Server replica = server(rdir, TestServers.freePort());
        RawClient m = client(port);
        RawClient r = client(replica.respPort());
        r.call("REPLICAOF", "127.0.0.1", Integer.toString(port));
        awaitUp(r);
        m.call("SELECT", "5");
        m.call("SET", "in5", "v");
        awaitSameOffset(m, r);
        assertThat(m.call("SAVE")).isEqualTo("+OK\r\n");
        String replid = field(m, "replication", "master_replid");
        String offset = field(m, "replication", "master_repl_offset");
        Process p = new ProcessBuilder(exe.resolveSibling("redis-check-rdb").toString(), dir.resolve("dump.rdb").toString())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("AUX FIELD repl-stream-db = '5'", "AUX FIELD repl-id = '" + replid + "'",
            "AUX FIELD repl-offset = '" + offset + "'", "RDB looks OK");
        // the replica's own file holds its master's history at the offset it processed
        assertThat(r.call("SAVE")).isEqualTo("+OK\r\n");
        Process q = new ProcessBuilder(exe.resolveSibling("redis-check-rdb").toString(), rdir.resolve("dump.rdb").toString())
            .redirectErrorStream(true).start();
        String rout = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(q.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(rout).contains("AUX FIELD repl-stream-db = '5'", "AUX FIELD repl-id = '" + replid + "'",
            "AUX FIELD repl-offset = '" + offset + "'");
    }
}
