package io.ferrite.compat;

import io.ferrite.server.Server;
import io.ferrite.testing.DumpDataset;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BGSAVE without fork: the file holds the data set of the moment BGSAVE ran, whatever clients do
 * while it is written (overwrites, deletes, new keys, FLUSHDB, SWAPDB, keys moved between shards,
 * TTL changes, collections changed in place, table resizes), loads back with the digest of that
 * moment into Ferrite and into a real Redis, and passes redis-check-rdb. FLUSHALL gives it up;
 * save points start it; a failed one stops writes with -MISCONF while save points are set.
 */
class BgSaveTest extends FerriteTest {
    @TempDir
    Path dir;

    private static String digest(Jedis j) {
        return new String((byte[]) j.sendCommand(() -> b("DEBUG"), b("DIGEST")), StandardCharsets.US_ASCII);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private static boolean bgsaveDone(Jedis j) {
        return j.info("persistence").contains("rdb_bgsave_in_progress:0\r\n");
    }

    /** Many keys in databases 0 and 1 (so the tables resize while the save walks them), and every type. */
    private static void fill(Jedis j) {
        for (int db : new int[] {0, 1, 3}) {
            j.select(db);
            DumpDataset.load(j);
            var p = j.pipelined();
            for (int i = 0; i < 3000; i++) {
                p.set("k" + i, "value-" + i + "-" + db);
                if (i % 7 == 0) {
                    p.pexpire("k" + i, 3_600_000L + i);
                }
            }
            p.sync();
        }
        j.select(0);
    }

    /** Every kind of change a client can make while the file is written. */
    private static void churn(Jedis j) {
        var p = j.pipelined();
        for (int i = 0; i < 3000; i++) {
            p.set("k" + i, "overwritten");
            p.set("new" + i, "added after the cut");
            if (i % 3 == 0) {
                p.del("k" + (i + 1));
            }
            if (i % 11 == 0) {
                p.persist("k" + i);
            }
        }
        p.rpush("list:big", "more");
        p.lpop("list:small");
        p.hset("hash:hashtable", "field1", "changed in place");
        p.sadd("set:intset", "77");
        p.zadd("zset:listpack", 42, "zz");
        p.xadd("stream", StreamEntryID.NEW_ENTRY, Map.of("f", "v"));
        p.append("str:raw", "tail");
        p.incr("str:int");
        p.rename("str:embstr", "renamed-elsewhere");
        p.move("hash:listpack", 2);
        p.expire("set:hashtable", 1000);
        p.sync();
        j.select(1);
        j.flushDB();
        j.set("after-flush", "x");
        j.swapDB(3, 4);
        j.select(0);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void theFileHoldsTheMomentOfBgsaveWhileClientsChangeEverything(int shardCount) throws Exception {
        Server s = TestServers.start(shardCount, Map.of("dir", dir.toString(), "rdb-key-save-delay", "20"));
        String atBgsave;
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 30_000)) {
            fill(j);
            atBgsave = digest(j);
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            assertThat(j.info("persistence")).contains("rdb_bgsave_in_progress:1\r\n");
            churn(j);
            String changed = digest(j);
            assertThat(changed).isNotEqualTo(atBgsave);
            j.configSet("rdb-key-save-delay", "0");
            waitUntil(() -> bgsaveDone(j), "the background save");
            assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:ok\r\n", "rdb_saves:1\r\n");
            assertThat(digest(j)).isEqualTo(changed);
            assertThat(Files.list(dir).map(f -> f.getFileName().toString())).containsExactly("dump.rdb");
        } finally {
            s.close();
        }
        Server reader = TestServers.start(shardCount == 1 ? 4 : 1, Map.of("dir", dir.toString()));
        try (Jedis j = new Jedis("127.0.0.1", reader.respPort(), 30_000)) {
            assertThat(digest(j)).isEqualTo(atBgsave);
        } finally {
            reader.close();
        }
        Path exe = RdbFileTest.redisServer();
        Process p = new ProcessBuilder(exe.resolveSibling("redis-check-rdb").toString(), dir.resolve("dump.rdb").toString())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("RDB looks OK");
        try (RdbFileTest.Redis r = RdbFileTest.Redis.start(exe, dir, "dump.rdb");
             Jedis j = new Jedis("127.0.0.1", r.port, 30_000)) {
            assertThat(digest(j)).isEqualTo(atBgsave);
        }
    }

    @Test
    void aSecondBgsaveOrASaveWaitsForTheFirstAndFlushallGivesItUp() throws Exception {
        Server s = ownServer(Map.of("dir", dir.toString(), "rdb-key-save-delay", "1000"));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 30_000)) {
            fill(j);
            assertThat(raw(s.respPort()).call("BGSAVE", "NOW")).isEqualTo("-ERR syntax error\r\n");
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            assertThat(raw(s.respPort()).call("BGSAVE")).isEqualTo("-ERR Background save already in progress\r\n");
            assertThat(raw(s.respPort()).call("BGSAVE", "SCHEDULE")).isEqualTo("-ERR Background save already in progress\r\n");
            assertThat(raw(s.respPort()).call("SAVE")).isEqualTo("-ERR Background save already in progress\r\n");
            assertThat(j.flushAll()).isEqualTo("OK");
            waitUntil(() -> bgsaveDone(j), "FLUSHALL to end the background save");
            String info = j.info("persistence");
            // given up, not failed: the status stays ok and nothing was saved
            assertThat(info).contains("rdb_last_bgsave_status:ok\r\n", "rdb_saves:0\r\n");
            assertThat(info).doesNotContain("rdb_changes_since_last_save:0\r\n");
            assertThat(Files.list(dir)).isEmpty();
            assertThat(j.set("x", "still writable")).isEqualTo("OK");
            j.configSet("rdb-key-save-delay", "0");
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            waitUntil(() -> bgsaveDone(j), "the second background save");
            assertThat(j.info("persistence")).contains("rdb_changes_since_last_save:0\r\n", "rdb_saves:1\r\n");
        }
    }

    @Test
    void aSavePointStartsABackgroundSave() throws Exception {
        Server s = ownServer(Map.of("dir", dir.toString()));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 30_000)) {
            j.set("a", "1");
            j.set("b", "2");
            j.configSet("save", "0 2");
            waitUntil(() -> j.info("persistence").contains("rdb_saves:1\r\n"), "the save point to fire");
            waitUntil(() -> bgsaveDone(j), "the save to end");
            assertThat(Files.exists(dir.resolve("dump.rdb"))).isTrue();
        }
    }

    @Test
    void aFailedBgsaveStopsWritesWhileSavePointsAreSet() throws Exception {
        Server s = ownServer(Map.of("dir", dir.toString(), "save", "3600 1"));
        // the temp file cannot be created where a directory of its name stands
        Path blocker = dir.resolve("temp-" + ProcessHandle.current().pid() + ".rdb");
        Files.createDirectory(blocker);
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 30_000)) {
            j.set("x", "x");
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            waitUntil(() -> bgsaveDone(j), "the failing background save");
            assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:err\r\n");
            String misconf = "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist"
                + " to disk. Commands that may modify the data set are disabled, because this instance is configured"
                + " to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option)."
                + " Please check the Redis logs for details about the RDB error.\r\n";
            assertThat(raw(s.respPort()).call("SET", "x", "y")).isEqualTo(misconf);
            assertThat(raw(s.respPort()).call("PING")).isEqualTo(misconf);
            assertThat(j.get("x")).isEqualTo("x");
            j.configSet("stop-writes-on-bgsave-error", "no");
            assertThat(j.set("x", "y")).isEqualTo("OK");
            j.configSet("stop-writes-on-bgsave-error", "yes");
            assertThat(raw(s.respPort()).call("SET", "x", "z")).isEqualTo(misconf);
            Files.delete(blocker);
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            waitUntil(() -> bgsaveDone(j), "the background save");
            assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:ok\r\n");
            assertThat(j.set("x", "z")).isEqualTo("OK");
        }
    }
}
