package io.ferrite.compat;

import io.ferrite.server.Server;
import io.ferrite.testing.Digests;
import io.ferrite.testing.DumpDataset;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * RDB files: SAVE then a restart on the same dir keeps the data set (every type and encoding,
 * several databases, TTLs) whatever the shard counts of the writer and the reader; Ferrite's file
 * passes redis-check-rdb and loads into a real Redis 7.0 with the same DEBUG DIGEST, and a real
 * Redis's file loads into Ferrite likewise; a damaged file stops start-up.
 */
class RdbFileTest extends FerriteTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The dump data set in databases 0, 2 and 9, with TTLs on some keys. */
    private static void fill(Jedis j) {
        for (int db : new int[] {0, 2, 9}) {
            j.select(db);
            DumpDataset.load(j);
            j.pexpire("str:raw", 3_600_000L + db);
            j.pexpire("list:big", 7_200_000L);
            j.set("only-in-" + db, "v");
        }
        j.select(0);
    }

    private Server serverOn(Path d, int shardCount) {
        Server s = TestServers.start(shardCount, Map.of("dir", d.toString()));
        return s;
    }

    @Test
    void saveThenRestartAtOneAndFourShardsKeepsTheDigest() {
        Server writer = ownServer(Map.of("dir", dir.toString()));
        String before;
        try (Jedis j = new Jedis("127.0.0.1", writer.respPort(), 10_000)) {
            fill(j);
            before = Digests.of(j);
            assertThat(j.save()).isEqualTo("OK");
            assertThat(j.info("persistence")).contains("rdb_changes_since_last_save:0\r\n", "rdb_saves:1\r\n");
            assertThat(j.lastsave()).isBetween(System.currentTimeMillis() / 1000 - 5, System.currentTimeMillis() / 1000 + 1);
        }
        writer.close();
        for (int n : new int[] {1, 4}) {
            Server reader = serverOn(dir, n);
            try (Jedis j = new Jedis("127.0.0.1", reader.respPort(), 10_000)) {
                assertThat(Digests.of(j)).as("at %d shards", n).isEqualTo(before);
                assertThat(j.pttl("str:raw")).isBetween(3_500_000L, 3_600_000L);
                j.select(9);
                assertThat(j.pttl("str:raw")).isBetween(3_500_000L, 3_600_009L);
                assertThat(j.get("only-in-9")).isEqualTo("v");
                assertThat(j.info("persistence")).contains("rdb_changes_since_last_save:0\r\n",
                    "rdb_last_load_keys_loaded:" + 3 * (DumpDataset.KEYS.length + 1) + "\r\n");
            } finally {
                reader.close();
            }
        }
    }

    @Test
    void debugReloadKeepsTheDigestAndChangesAreCountedFromTheSave() {
        Server s = ownServer(Map.of("dir", dir.toString()));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            fill(j);
            String before = Digests.of(j);
            assertThat(j.info("persistence")).doesNotContain("rdb_changes_since_last_save:0\r\n");
            assertThat(j.sendCommand(() -> b("DEBUG"), b("RELOAD"))).isEqualTo(b("OK"));
            assertThat(Digests.of(j)).isEqualTo(before);
            assertThat(j.pttl("list:big")).isPositive();
            assertThat(j.info("persistence")).contains("rdb_changes_since_last_save:0\r\n");
            j.set("one", "more");
            j.del("only-in-0");
            assertThat(j.info("persistence")).contains("rdb_changes_since_last_save:2\r\n");
            assertThat(Files.exists(dir.resolve("dump.rdb"))).isTrue();
            // NOSAVE loads the file as it is: the two changes since are gone
            assertThat(j.sendCommand(() -> b("DEBUG"), b("RELOAD"), b("NOSAVE"))).isEqualTo(b("OK"));
            assertThat(Digests.of(j)).isEqualTo(before);
            j.set("only-in-0", "changed");
            j.set("extra", "x");
            // MERGE NOFLUSH: the file's keys win, keys it does not have stay
            assertThat(j.sendCommand(() -> b("DEBUG"), b("RELOAD"), b("NOSAVE"), b("NOFLUSH"), b("MERGE"))).isEqualTo(b("OK"));
            assertThat(j.get("only-in-0")).isEqualTo("v");
            assertThat(j.get("extra")).isEqualTo("x");
            assertThat(raw(s).call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH")).isEqualTo(
                "-ERR Error trying to load the RDB dump, check server logs.\r\n");
            assertThat(raw(s).call("DEBUG", "RELOAD", "NOW")).isEqualTo(
                "-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n");
        }
    }

    private RawClient raw(Server s) {
        return raw(s.respPort());
    }

    @Test
    void shutdownSaveWritesTheFileAndNosaveDoesNot() throws Exception {
        Server s = TestServers.start(shards, Map.of("dir", dir.toString()));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            j.set("k", "v");
            j.sendCommand(() -> b("SHUTDOWN"), b("NOSAVE"));
        } catch (RuntimeException closed) {
            // the connection closes with the server
        }
        waitClosed(s);
        assertThat(Files.exists(dir.resolve("dump.rdb"))).isFalse();
        s = TestServers.start(shards, Map.of("dir", dir.toString()));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            j.set("k", "v2");
            j.sendCommand(() -> b("SHUTDOWN"), b("SAVE"));
        } catch (RuntimeException closed) {
            // the connection closes with the server
        }
        waitClosed(s);
        Server again = serverOn(dir, shards);
        try (Jedis j = new Jedis("127.0.0.1", again.respPort(), 10_000)) {
            assertThat(j.get("k")).isEqualTo("v2");
        } finally {
            again.close();
        }
    }

    @Test
    void aFailedSaveAnswersErrAndKeepsTheServerUp() throws Exception {
        Path gone = Files.createDirectory(dir.resolve("gone"));
        Server s = TestServers.start(shards, Map.of("dir", gone.toString()));
        Files.delete(gone);
        try (RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            r.call("SET", "k", "v");
            assertThat(r.call("SAVE")).isEqualTo("-ERR\r\n");
            assertThat(r.call("DEBUG", "RELOAD")).isEqualTo("-ERR\r\n");
            assertThat(r.call("SHUTDOWN", "SAVE")).isEqualTo("-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
            assertThat(r.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
            assertThat(r.call("INFO", "persistence")).contains("rdb_saves:0\r\n", "rdb_last_bgsave_status:ok\r\n");
            r.send(RawClient.encode("SHUTDOWN", "SAVE", "FORCE"));
            assertThat(r.closedByServer()).isTrue();
        }
        waitClosed(s);
    }

    private static void waitClosed(Server s) throws InterruptedException {
        for (int i = 0; i < 200 && !s.isClosed(); i++) {
            Thread.sleep(25);
        }
        assertThat(s.isClosed()).isTrue();
        s.close();
    }

    @Test
    void aDamagedFileStopsStartUp() throws Exception {
        Server writer = ownServer(Map.of("dir", dir.toString()));
        try (Jedis j = new Jedis("127.0.0.1", writer.respPort(), 10_000)) {
            fill(j);
            j.save();
        }
        writer.close();
        byte[] good = Files.readAllBytes(dir.resolve("dump.rdb"));
        Files.write(dir.resolve("dump.rdb"), Arrays.copyOf(good, good.length / 2));
        assertThatThrownBy(() -> serverOn(dir, shards)).hasMessageContaining("rdb file reading failure");
        byte[] flipped = good.clone();
        // a byte inside a value of the middle of the file: the value may still parse, the CRC cannot
        flipped[good.length / 2] ^= 0x01;
        Files.write(dir.resolve("dump.rdb"), flipped);
        assertThatThrownBy(() -> serverOn(dir, shards)).hasMessageContaining("rdb file reading failure");
        byte[] signature = good.clone();
        signature[0] = 'X';
        Files.write(dir.resolve("dump.rdb"), signature);
        assertThatThrownBy(() -> serverOn(dir, shards)).hasMessageContaining("rdb file reading failure");
    }

    @Test
    void ferritesFilePassesRedisCheckRdbAndLoadsIntoRedis() throws Exception {
        Path exe = redisServer();
        Server writer = ownServer(Map.of("dir", dir.toString(), "dbfilename", "ferrite.rdb"));
        String before;
        try (Jedis j = new Jedis("127.0.0.1", writer.respPort(), 10_000)) {
            fill(j);
            before = Digests.of(j);
            j.save();
        }
        Path check = exe.resolveSibling("redis-check-rdb");
        if (!Files.isExecutable(check)) {
            fail("redis-check-rdb not found beside " + exe);
        }
        Process p = new ProcessBuilder(check.toString(), dir.resolve("ferrite.rdb").toString())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("RDB looks OK");
        try (Redis r = Redis.start(exe, dir, "ferrite.rdb"); Jedis j = new Jedis("127.0.0.1", r.port, 10_000)) {
            assertThat(Digests.of(j)).isEqualTo(before);
        }
    }

    @Test
    void redisFileLoadsIntoFerrite() throws Exception {
        Path exe = redisServer();
        String before;
        try (Redis r = Redis.start(exe, dir, "dump.rdb"); Jedis j = new Jedis("127.0.0.1", r.port, 10_000)) {
            fill(j);
            before = Digests.of(j);
            assertThat(j.save()).isEqualTo("OK");
        }
        Server reader = serverOn(dir, shards);
        try (Jedis j = new Jedis("127.0.0.1", reader.respPort(), 10_000)) {
            assertThat(Digests.of(j)).isEqualTo(before);
        } finally {
            reader.close();
        }
    }

    static Path redisServer() {
        Path exe = RedisProcess.findExecutable();
        if (exe == null) {
            String msg = "redis-server not found: the RDB comparison needs a real Redis 7.0";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            org.junit.jupiter.api.Assumptions.abort(msg);
        }
        return exe;
    }

    /** A real redis-server on a file of the test's choosing. */
    static final class Redis implements AutoCloseable {
        final int port;
        private final Process process;

        private Redis(int port, Process process) {
            this.port = port;
            this.process = process;
        }

        static Redis start(Path exe, Path dir, String dbfilename) throws IOException, InterruptedException {
            int port = RedisProcess.freePort();
            Process p = new ProcessBuilder(List.of(exe.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--enable-debug-command", "yes",
                "--dir", dir.toString(), "--dbfilename", dbfilename))
                .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "redis-" + port + ".log")).start();
            Redis r = new Redis(port, p);
            for (int i = 0; i < 500 && p.isAlive(); i++) {
                if (RedisProcess.ping(port)) {
                    return r;
                }
                Thread.sleep(20);
            }
            r.close();
            throw new IOException("redis-server did not come up: "
                + Files.readString(dir.resolve("redis-" + port + ".log")));
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
