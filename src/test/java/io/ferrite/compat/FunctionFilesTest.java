package io.ferrite.compat;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Function libraries in the files, as Redis 7.0 keeps them: an RDB file holds them (FUNCTION2
 * records before the databases) and a restart, DEBUG RELOAD, a full sync and an AOF (its RDB base,
 * or FUNCTION LOAD commands in a base of commands) bring them back; the file passes redis-check-rdb
 * and a real Redis 7.0 loads it, and Ferrite loads a real Redis's.
 */
class FunctionFilesTest extends FerriteTest {
    private static final String LIB1 = "#!lua name=lib1\nredis.register_function('f1', function() return 'one' end)";
    private static final String LIB2 = "#!lua name=lib2\nredis.register_function{function_name='f2', "
        + "callback=function() return 'two' end, flags={'no-writes'}}";
    private static final String LOAD_FAILED = "-ERR Error trying to load the RDB dump, check server logs.\r\n";

    @TempDir
    Path dir;

    private static void loadBoth(RawClient c) {
        assertThat(c.call("FUNCTION", "LOAD", LIB1)).isEqualTo("$4\r\nlib1\r\n");
        assertThat(c.call("FUNCTION", "LOAD", LIB2)).isEqualTo("$4\r\nlib2\r\n");
    }

    private static void assertBoth(RawClient c) {
        assertThat(c.call("FCALL", "f1", "0")).isEqualTo("$3\r\none\r\n");
        assertThat(c.call("FCALL_RO", "f2", "0")).isEqualTo("$3\r\ntwo\r\n");
        assertThat(c.call("FUNCTION", "STATS")).contains("libraries_count\r\n:2\r\n");
    }

    @Test
    void saveThenRestartKeepsTheLibrariesAndRedisReadsTheFile() throws Exception {
        Server s = ownServer(Map.of("dir", dir.toString()));
        try (RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            loadBoth(c);
            c.call("SET", "k", "v");
            assertThat(c.call("SAVE")).isEqualTo("+OK\r\n");
        }
        s.close();
        Server again = ownServer(Map.of("dir", dir.toString()));
        try (RawClient c = new RawClient("127.0.0.1", again.respPort())) {
            assertBoth(c);
            assertThat(c.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
        }
        again.close();
        Path exe = RdbFileTest.redisServer();
        Process p = new ProcessBuilder(exe.resolveSibling("redis-check-rdb").toString(), dir.resolve("dump.rdb").toString())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("RDB looks OK");
        try (RdbFileTest.Redis r = RdbFileTest.Redis.start(exe, dir, "dump.rdb");
             RawClient c = new RawClient("127.0.0.1", r.port)) {
            assertBoth(c);
        }
    }

    @Test
    void aRealRedisFileWithLibrariesLoads() throws Exception {
        Path exe = RdbFileTest.redisServer();
        try (RdbFileTest.Redis r = RdbFileTest.Redis.start(exe, dir, "dump.rdb");
             RawClient c = new RawClient("127.0.0.1", r.port)) {
            loadBoth(c);
            assertThat(c.call("SAVE")).isEqualTo("+OK\r\n");
        }
        Server s = ownServer(Map.of("dir", dir.toString()));
        try (RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            assertBoth(c);
        }
    }

    @Test
    void debugReloadRefusesLibrariesAlreadyThereUnlessMerging() {
        Server s = ownServer(Map.of("dir", dir.toString()));
        try (RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(c.call("FUNCTION", "LOAD", LIB1)).isEqualTo("$4\r\nlib1\r\n");
            assertThat(c.call("DEBUG", "RELOAD")).isEqualTo("+OK\r\n");
            assertThat(c.call("FCALL", "f1", "0")).isEqualTo("$3\r\none\r\n");
            // the file's lib1 meets the one loaded: Redis's rdbLoad fails on it
            assertThat(c.call("DEBUG", "RELOAD", "NOFLUSH")).isEqualTo(LOAD_FAILED);
            assertThat(c.call("DEBUG", "RELOAD", "NOFLUSH", "MERGE")).isEqualTo("+OK\r\n");
            assertThat(c.call("FUNCTION", "LOAD", LIB2)).isEqualTo("$4\r\nlib2\r\n");
            // the file (lib1 only) merged in: lib2 stays
            assertThat(c.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE")).isEqualTo("+OK\r\n");
            assertBoth(c);
            // flushed first: only the file's lib1 is left
            assertThat(c.call("DEBUG", "RELOAD", "NOSAVE")).isEqualTo("+OK\r\n");
            assertThat(c.call("FUNCTION", "STATS")).contains("libraries_count\r\n:1\r\n");
        }
    }

    @Test
    void anAppendOnlyFileKeepsTheLibrariesInBothBaseForms() throws Exception {
        for (String preamble : new String[] {"no", "yes"}) {
            Path d = Files.createDirectory(dir.resolve("aof-" + preamble));
            Map<String, String> settings = Map.of("dir", d.toString(), "appendonly", "yes", "aof-use-rdb-preamble", preamble);
            Server s = ownServer(settings);
            try (RawClient c = new RawClient("127.0.0.1", s.respPort())) {
                loadBoth(c);
                assertThat(c.call("BGREWRITEAOF")).startsWith("+Background append only file rewriting");
                awaitRewritten(c);
            }
            s.close();
            if (preamble.equals("no")) {
                Path base;
                try (Stream<Path> files = Files.list(d.resolve("appendonlydir"))) {
                    base = files.filter(f -> f.toString().endsWith(".base.aof")).findFirst().orElseThrow();
                }
                // rewriteFunctions: a FUNCTION LOAD per library, before any key
                assertThat(Files.readString(base)).startsWith("*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n$"
                    + LIB1.length() + "\r\n" + LIB1 + "\r\n");
            }
            Server again = ownServer(settings);
            try (RawClient c = new RawClient("127.0.0.1", again.respPort())) {
                assertBoth(c);
            }
        }
    }

    private static void awaitRewritten(RawClient c) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            String info = c.call("INFO", "persistence");
            if (info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0")
                    && info.contains("aof_last_bgrewrite_status:ok")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the rewrite did not finish");
    }

    @Test
    void aFullSyncReplacesTheReplicasLibrariesWithTheMasters() throws Exception {
        Server master = ownServer(Map.of("dir", dir.toString()));
        Path replicaDir = Files.createDirectory(dir.resolve("replica"));
        Server replica = ownServer(Map.of("dir", replicaDir.toString()));
        try (RawClient m = new RawClient("127.0.0.1", master.respPort());
             RawClient r = new RawClient("127.0.0.1", replica.respPort())) {
            loadBoth(m);
            assertThat(r.call("FUNCTION", "LOAD", "#!lua name=mine\nredis.register_function('mine', function() return 1 end)"))
                .isEqualTo("$4\r\nmine\r\n");
            assertThat(r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.respPort()))).isEqualTo("+OK\r\n");
            for (int i = 0; i < 1000 && !r.call("INFO", "replication").contains("master_link_status:up"); i++) {
                Thread.sleep(10);
            }
            assertThat(r.call("INFO", "replication")).contains("master_link_status:up");
            // a read-only replica runs only no-writes functions
            assertThat(r.call("FCALL_RO", "f2", "0")).isEqualTo("$3\r\ntwo\r\n");
            assertThat(r.call("FUNCTION", "LIST")).contains("lib1", "lib2").doesNotContain("mine");
            assertThat(r.call("FUNCTION", "STATS")).contains("libraries_count\r\n:2\r\n");
        }
    }

    @Test
    void aFullSyncFromARealRedisBringsItsLibraries() throws Exception {
        Path exe = RdbFileTest.redisServer();
        try (RedisProcess redis = RedisProcess.start(exe);
             RawClient m = new RawClient("127.0.0.1", redis.port)) {
            loadBoth(m);
            Server replica = ownServer(Map.of("dir", dir.toString()));
            try (RawClient r = new RawClient("127.0.0.1", replica.respPort())) {
                assertThat(r.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port))).isEqualTo("+OK\r\n");
                for (int i = 0; i < 1000 && !r.call("INFO", "replication").contains("master_link_status:up"); i++) {
                    Thread.sleep(10);
                }
                assertThat(r.call("FCALL_RO", "f2", "0")).isEqualTo("$3\r\ntwo\r\n");
                assertThat(r.call("FUNCTION", "STATS")).contains("libraries_count\r\n:2\r\n");
            }
        }
    }
}
