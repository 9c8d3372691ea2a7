package io.ferrite.compat;

import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.Digests;
import io.ferrite.testing.DumpDataset;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
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

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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
            atBgsave = Digests.of(j);
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            assertThat(j.info("persistence")).contains("rdb_bgsave_in_progress:1\r\n");
            churn(j);
            String changed = Digests.of(j);
            assertThat(changed).isNotEqualTo(atBgsave);
            j.configSet("rdb-key-save-delay", "0");
            Await.until(() -> bgsaveDone(j), "the background save");
            assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:ok\r\n", "rdb_saves:1\r\n");
            assertThat(Digests.of(j)).isEqualTo(changed);
            assertThat(Files.list(dir).map(f -> f.getFileName().toString())).containsExactly("dump.rdb");
        } finally {
            s.close();
        }
        Server reader = TestServers.start(shardCount == 1 ? 4 : 1, Map.of("dir", dir.toString()));
        try (Jedis j = new Jedis("127.0.0.1", reader.respPort(), 30_000)) {
            assertThat(Digests.of(j)).isEqualTo(atBgsave);
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
            assertThat(Digests.of(j)).isEqualTo(atBgsave);
        }
    }

    /**
     * Write commands of every family, each on keys of the cut not yet saved: any path that changed
     * an entry without saving it first would trip the keyspace's assertion (an error reply here)
     * or change the file's digest.
     */
    private static final String[][] WRITES = {
        {"SET", "$s", "v"}, {"APPEND", "$s", "x"}, {"INCR", "$s"}, {"INCRBYFLOAT", "$s", "1.5"}, {"DECRBY", "$s", "3"},
        {"SETRANGE", "$s", "1", "zz"}, {"SETBIT", "$s", "3", "1"}, {"BITFIELD", "$s", "INCRBY", "u8", "0", "5"},
        {"GETDEL", "$s"}, {"GETEX", "$s", "EX", "100"}, {"GETSET", "$s", "n"}, {"SETEX", "$s", "100", "v"},
        {"PFADD", "$p", "c"}, {"PFMERGE", "$p", "$p"}, {"EXPIRE", "$s", "100"}, {"PEXPIREAT", "$s", "99999999999999"}, {"PERSIST", "$e"},
        {"DEL", "$s"}, {"UNLINK", "$s"}, {"RENAME", "$s", "elsewhere"}, {"RENAMENX", "$s", "$l"},
        {"MOVE", "$s", "5"}, {"COPY", "$l", "$s", "REPLACE"}, {"MSET", "$s", "1", "$e", "2"},
        {"LPUSH", "$l", "n"}, {"RPUSHX", "$l", "n"}, {"LPOP", "$l"}, {"RPOP", "$l", "2"}, {"LSET", "$l", "0", "n"},
        {"LINSERT", "$l", "BEFORE", "b", "n"}, {"LREM", "$l", "0", "a"}, {"LTRIM", "$l", "1", "-1"},
        {"LMOVE", "$l", "$l", "LEFT", "RIGHT"}, {"RPOPLPUSH", "$l", "other"}, {"BLPOP", "$l", "0"},
        {"LMPOP", "1", "$l", "LEFT"},
        {"SADD", "$t", "9"}, {"SREM", "$t", "1"}, {"SPOP", "$t"}, {"SMOVE", "$t", "$m", "2"},
        {"SINTERSTORE", "$t", "$t", "$m"}, {"SDIFFSTORE", "$m", "$m", "$t"},
        {"HSET", "$h", "f", "n"}, {"HDEL", "$h", "f"}, {"HINCRBY", "$h", "g", "2"}, {"HINCRBYFLOAT", "$h", "g", "0.5"},
        {"HSETNX", "$h", "new", "v"},
        {"ZADD", "$z", "9", "n"}, {"ZINCRBY", "$z", "2", "a"}, {"ZREM", "$z", "b"}, {"ZPOPMIN", "$z"},
        {"BZPOPMAX", "$z", "0"}, {"ZREMRANGEBYSCORE", "$z", "0", "1"}, {"ZREMRANGEBYRANK", "$z", "0", "0"},
        {"ZUNIONSTORE", "$z", "2", "$z", "$z"}, {"ZRANGESTORE", "$z", "$z", "0", "0"}, {"ZMPOP", "1", "$z", "MIN"},
        {"GEOADD", "$z", "13.36", "38.11", "palermo"},
        {"XADD", "$x", "*", "f", "v"}, {"XDEL", "$x", "1-1"}, {"XTRIM", "$x", "MAXLEN", "1"}, {"XSETID", "$x", "99-0"},
        {"XGROUP", "CREATE", "$x", "g2", "0"}, {"XGROUP", "DESTROY", "$x", "g"}, {"XGROUP", "SETID", "$x", "g", "0"},
        {"XGROUP", "CREATECONSUMER", "$x", "g", "c2"}, {"XGROUP", "DELCONSUMER", "$x", "g", "c"},
        {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "$x", ">"}, {"XACK", "$x", "g", "1-1"},
        {"XCLAIM", "$x", "g", "d", "0", "1-1"}, {"XAUTOCLAIM", "$x", "g", "d", "0", "0"},
        {"SORT", "$l", "ALPHA", "STORE", "$l"}, {"SWAPDB", "0", "6"}, {"FLUSHDB"},
    };

    private static void prepare(RawClient r, int i) {
        r.call("SET", "s" + i, "12");
        r.call("SET", "e" + i, "12", "EX", "1000");
        r.call("RPUSH", "l" + i, "a", "b", "c");
        r.call("PFADD", "p" + i, "a", "b");
        r.call("SADD", "t" + i, "1", "2", "3");
        r.call("SADD", "m" + i, "a", "b", "2");
        r.call("HSET", "h" + i, "f", "1", "g", "2");
        r.call("ZADD", "z" + i, "1", "a", "2", "b", "3", "c");
        r.call("XADD", "x" + i, "1-1", "f", "v");
        r.call("XADD", "x" + i, "2-1", "f", "w");
        r.call("XGROUP", "CREATE", "x" + i, "g", "0");
        r.call("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "x" + i, ">");
    }

    @Test
    void everyKindOfWriteSavesTheKeyFirst() throws Exception {
        Server s = ownServer(Map.of("dir", dir.toString(), "rdb-key-save-delay", "1000"));
        String atBgsave;
        try (RawClient r = raw(s.respPort()); Jedis j = new Jedis("127.0.0.1", s.respPort(), 30_000)) {
            for (int i = 0; i <= WRITES.length; i++) {
                prepare(r, i);
            }
            byte[] dump = j.dump("s0");
            atBgsave = Digests.of(j);
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            for (int i = 0; i < WRITES.length; i++) {
                String[] c = WRITES[i].clone();
                for (int a = 1; a < c.length; a++) {
                    if (c[a].startsWith("$")) {
                        c[a] = c[a].substring(1) + i;
                    }
                }
                assertThat(r.call(c)).as(String.join(" ", c)).doesNotStartWith("-");
            }
            assertThat(j.sendCommand(() -> b("RESTORE"), b("s" + WRITES.length), b("0"), dump, b("REPLACE")))
                .isEqualTo(b("OK"));
            Await.until(() -> bgsaveDone(j), "the background save");
            // the keys changed before the walk reached them were saved ahead: Redis's copy-on-write
            String info = j.info("persistence");
            long cow = Long.parseLong(info.replaceAll("(?s).*rdb_last_cow_size:(\\d+).*", "$1"));
            assertThat(cow).isGreaterThan(WRITES.length * 10L);
        } finally {
            s.close();
        }
        Server reader = TestServers.start(2, Map.of("dir", dir.toString()));
        try (Jedis j = new Jedis("127.0.0.1", reader.respPort(), 30_000)) {
            assertThat(Digests.of(j)).isEqualTo(atBgsave);
        } finally {
            reader.close();
        }
    }

    /**
     * Values of several megabytes, on four shards at once: each goes to the file in pieces
     * (never whole in memory), and the pieces of one reach the file together.
     */
    @Test
    void hugeValuesGoToTheFileInPieces() throws Exception {
        Server s = TestServers.start(4, Map.of("dir", dir.toString()));
        String atBgsave;
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 60_000)) {
            var p = j.pipelined();
            for (int k = 0; k < 4; k++) {
                for (int i = 0; i < 100_000; i += 1000) {
                    String[] elements = new String[1000];
                    String[] pairs = new String[2000];
                    Map<String, Double> scores = new java.util.HashMap<>();
                    for (int e = 0; e < 1000; e++) {
                        elements[e] = "element-number-" + (i + e);
                        pairs[2 * e] = "field-" + (i + e);
                        pairs[2 * e + 1] = "value-" + (i + e);
                        scores.put("member-" + (i + e), (i + e) / 3.0);
                    }
                    p.rpush("list" + k, elements);
                    p.sadd("set" + k, elements);
                    p.hset("hash" + k, toMap(pairs));
                    p.zadd("zset" + k, scores);
                }
                p.setrange("string" + k, 3_000_000, "end");
            }
            p.sync();
            atBgsave = Digests.of(j);
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            // a write to a huge key not yet saved saves it first, from the client's path
            for (int k = 3; k >= 0; k--) {
                j.rpush("list" + k, "after");
                j.hset("hash" + k, "field-1", "changed");
            }
            Await.until(() -> bgsaveDone(j), "the background save");
            assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:ok\r\n");
        } finally {
            s.close();
        }
        Server reader = TestServers.start(2, Map.of("dir", dir.toString()));
        try (Jedis j = new Jedis("127.0.0.1", reader.respPort(), 60_000)) {
            assertThat(Digests.of(j)).isEqualTo(atBgsave);
        } finally {
            reader.close();
        }
        Path exe = RdbFileTest.redisServer();
        try (RdbFileTest.Redis r = RdbFileTest.Redis.start(exe, dir, "dump.rdb");
             Jedis j = new Jedis("127.0.0.1", r.port, 60_000)) {
            assertThat(Digests.of(j)).isEqualTo(atBgsave);
        }
    }

    private static Map<String, String> toMap(String[] pairs) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
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
            Await.until(() -> bgsaveDone(j), "FLUSHALL to end the background save");
            String info = j.info("persistence");
            // given up, not failed: the status stays ok and nothing was saved
            assertThat(info).contains("rdb_last_bgsave_status:ok\r\n", "rdb_saves:0\r\n");
            assertThat(info).doesNotContain("rdb_changes_since_last_save:0\r\n");
            assertThat(Files.list(dir)).isEmpty();
            assertThat(j.set("x", "still writable")).isEqualTo("OK");
            j.configSet("rdb-key-save-delay", "0");
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            Await.until(() -> bgsaveDone(j), "the second background save");
            assertThat(j.info("persistence")).contains("rdb_changes_since_last_save:0\r\n", "rdb_saves:1\r\n");
        }
    }

    @Test
    void underAnLruPolicyIdleTimesAreSavedAsRedisSavesThem() throws Exception {
        Server s = ownServer(Map.of("dir", dir.toString(), "maxmemory-policy", "allkeys-lru"));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 30_000)) {
            j.set("k", "v");
            byte[] dump = j.dump("k");
            assertThat(j.sendCommand(() -> b("RESTORE"), b("idle"), b("0"), dump, b("IDLETIME"), b("5000")))
                .isEqualTo(b("OK"));
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            Await.until(() -> bgsaveDone(j), "the background save");
        }
        Path exe = RdbFileTest.redisServer();
        try (RdbFileTest.Redis r = RdbFileTest.Redis.start(exe, dir, "dump.rdb");
             Jedis j = new Jedis("127.0.0.1", r.port, 30_000)) {
            assertThat(j.objectIdletime("idle")).isBetween(5000L, 5100L);
            assertThat(j.objectIdletime("k")).isLessThan(100L);
        }
    }

    @Test
    void flushallWithSavePointsSavesTheEmptyDataSet() throws Exception {
        Server s = ownServer(Map.of("dir", dir.toString()));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 30_000)) {
            j.set("key", "value");
            assertThat(j.save()).isEqualTo("OK");
            j.set("other", "value");
            assertThat(j.flushAll()).isEqualTo("OK");
            // no save points: the file still holds the key, and the flush counts as a change
            assertThat(j.info("persistence")).doesNotContain("rdb_changes_since_last_save:0\r\n");
            j.configSet("save", "3600 1 300 100 60 10000");
            j.set("key", "value");
            assertThat(j.flushAll()).isEqualTo("OK");
            assertThat(j.info("persistence")).contains("rdb_changes_since_last_save:0\r\n");
        } finally {
            s.close();
        }
        Server reader = TestServers.start(2, Map.of("dir", dir.toString()));
        try (Jedis j = new Jedis("127.0.0.1", reader.respPort(), 30_000)) {
            assertThat(j.dbSize()).isZero();
        } finally {
            reader.close();
        }
    }

    @Test
    void aRewriteAskedForDuringBgsaveWaitsForItThenSnapshotsWhileClientsWrite() throws Exception {
        Server s = ownServer(Map.of("dir", dir.toString(), "appendonly", "yes", "rdb-key-save-delay", "300"));
        String last;
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 30_000)) {
            fill(j);
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            assertThat(j.bgrewriteaof()).isEqualTo("Background append only file rewriting scheduled");
            assertThat(j.info("persistence")).contains("aof_rewrite_scheduled:1\r\n");
            churn(j);
            Await.until(() -> bgsaveDone(j), "the background save");
            Await.until(() -> j.info("persistence").contains("aof_rewrites:1\r\n")
                && j.info("persistence").contains("aof_rewrite_in_progress:0\r\n"), "the scheduled rewrite");
            assertThat(j.info("persistence")).contains("aof_last_bgrewrite_status:ok\r\n");
            j.set("after-the-rewrite", "x");
            last = Digests.of(j);
        } finally {
            s.close();
        }
        Server reader = TestServers.start(4, Map.of("dir", dir.toString(), "appendonly", "yes"));
        try (Jedis j = new Jedis("127.0.0.1", reader.respPort(), 30_000)) {
            assertThat(Digests.of(j)).isEqualTo(last);
        } finally {
            reader.close();
        }
    }

    @Test
    void aSavePointStartsABackgroundSave() throws Exception {
        Server s = ownServer(Map.of("dir", dir.toString()));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 30_000)) {
            j.set("a", "1");
            j.set("b", "2");
            j.configSet("save", "0 2");
            Await.until(() -> j.info("persistence").contains("rdb_saves:1\r\n"), "the save point to fire");
            Await.until(() -> bgsaveDone(j), "the save to end");
            assertThat(Files.exists(dir.resolve("dump.rdb"))).isTrue();
        }
    }

    @Test
    void aFailedBgsaveStopsWritesWhileSavePointsAreSet() throws Exception {
        Server s = ownServer(Map.of("dir", dir.toString(), "save", "3600 1"));
        // the complete temp file cannot be renamed over a directory that holds a file
        Path blocker = dir.resolve("dump.rdb");
        Files.createDirectory(blocker);
        Files.createFile(blocker.resolve("inside"));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 30_000)) {
            j.set("x", "x");
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            Await.until(() -> bgsaveDone(j), "the failing background save");
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
            Files.delete(blocker.resolve("inside"));
            Files.delete(blocker);
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            Await.until(() -> bgsaveDone(j), "the background save");
            assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:ok\r\n");
            assertThat(j.set("x", "z")).isEqualTo("OK");
        }
    }
}
