package io.ferrite.compat;

import io.ferrite.server.Server;
import io.ferrite.testing.Digests;
import io.ferrite.testing.DumpDataset;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The multi-part append-only file both ways against a real Redis 7.0: Ferrite's appendonlydir (a
 * base with and without the RDB preamble, history deleted by a rewrite, an incr file with writes
 * from after it) passes redis-check-aof and loads into redis-server with the same DEBUG DIGEST;
 * a real Redis's appendonlydir, written with and without the preamble, loads into Ferrite with the
 * same digest. The data is the dump data set (every type and encoding) in two databases, with TTLs.
 */
class AofFileTest extends FerriteTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void fill(Jedis j) {
        for (int db : new int[] {0, 5}) {
            j.select(db);
            DumpDataset.load(j);
            j.pexpire("str:raw", 3_600_000L + db);
            j.set("only-in-" + db, "v");
        }
        j.select(0);
    }

    /** Writes that land in the incr file after a rewrite: plain, in MULTI, in another database. */
    private static void more(Jedis j) {
        j.set("after", "rewrite");
        var t = j.multi();
        t.incr("after:counter");
        t.rpush("list:small", "tail");
        t.exec();
        j.select(5);
        j.del("str:int");
        j.hset("hash:small", "new", "field");
        j.select(0);
    }

    private static void awaitRewrite(Jedis j) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String info = j.info("persistence");
            if (info.contains("aof_rewrite_in_progress:0\r\n") && info.contains("aof_rewrite_scheduled:0\r\n")
                && !info.contains("aof_rewrites:0\r\n")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the rewrite did not finish: " + j.info("persistence"));
    }

    @Test
    void ferritesAppendOnlyDirPassesRedisCheckAofAndLoadsIntoRedis() throws Exception {
        Path exe = redisServer();
        for (String preamble : List.of("yes", "no")) {
            Path d = Files.createDirectories(dir.resolve("ferrite-" + preamble));
            Server s = TestServers.start(shards, Map.of("dir", d.toString(), "appendonly", "yes",
                "aof-use-rdb-preamble", preamble, "aof-timestamp-enabled", "yes"));
            String before;
            try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
                fill(j);
                j.bgrewriteaof();
                awaitRewrite(j);
                more(j);
                before = Digests.of(j);
            } finally {
                s.close();
            }
            Path check = exe.resolveSibling("redis-check-aof");
            Process p = new ProcessBuilder(check.toString(), d.resolve("appendonlydir/appendonly.aof.manifest").toString())
                .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("All AOF files and manifest are valid");
            try (Redis r = Redis.start(exe, d, "yes"); Jedis j = new Jedis("127.0.0.1", r.port, 10_000)) {
                assertThat(Digests.of(j)).as("preamble %s; redis log: %s", preamble, r.log()).isEqualTo(before);
            }
        }
    }

    @Test
    void redisAppendOnlyDirLoadsIntoFerrite() throws Exception {
        Path exe = redisServer();
        for (String preamble : List.of("yes", "no")) {
            Path d = Files.createDirectories(dir.resolve("redis-" + preamble));
            String before;
            try (Redis r = Redis.start(exe, d, preamble); Jedis j = new Jedis("127.0.0.1", r.port, 10_000)) {
                fill(j);
                j.bgrewriteaof();
                awaitRewrite(j);
                more(j);
                before = Digests.of(j);
            }
            String base = Files.readString(d.resolve("appendonlydir/appendonly.aof.manifest"));
            assertThat(base).contains(preamble.equals("yes") ? ".base.rdb" : ".base.aof");
            Server s = TestServers.start(shards, Map.of("dir", d.toString(), "appendonly", "yes"));
            try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
                assertThat(Digests.of(j)).as("preamble %s", preamble).isEqualTo(before);
                assertThat(j.pttl("str:raw")).isPositive();
            } finally {
                s.close();
            }
        }
    }

    private static Path redisServer() {
        Path exe = RedisProcess.findExecutable();
        if (exe == null) {
            String msg = "redis-server not found: the AOF comparison needs a real Redis 7.0";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            org.junit.jupiter.api.Assumptions.abort(msg);
        }
        return exe;
    }

    /** A real redis-server with appendonly yes on a directory; closed with SIGTERM, which fsyncs its AOF. */
    private static final class Redis implements AutoCloseable {
        final int port;
        private final Process process;
        private final Path logFile;

        private Redis(int port, Process process, Path logFile) {
            this.port = port;
            this.process = process;
            this.logFile = logFile;
        }

        static Redis start(Path exe, Path dir, String preamble) throws IOException, InterruptedException {
            int port = RedisProcess.freePort();
            Path log = dir.resolve("redis-" + port + ".log");
            List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--aof-use-rdb-preamble", preamble, "--daemonize", "no",
                "--enable-debug-command", "yes", "--dir", dir.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Redis r = new Redis(port, p, log);
            for (int i = 0; i < 500 && p.isAlive(); i++) {
                if (RedisProcess.ping(port)) {
                    return r;
                }
                Thread.sleep(20);
            }
            r.close();
            throw new IOException("redis-server did not come up: " + r.log());
        }

        String log() throws IOException {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
