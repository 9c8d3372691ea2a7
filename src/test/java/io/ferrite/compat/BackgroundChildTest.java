package io.ferrite.compat;

import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.Digests;
import io.ferrite.testing.FerriteTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The child process that stands for BGSAVE and BGREWRITEAOF (Ferrite forks none): it is this
 * JVM's child while the job runs and gone once the job ends or the server closes; killing it
 * with SIGKILL fails the job as a killed Redis child does: rdb_last_bgsave_status:err and
 * -MISCONF on writes, the temp file (named after its pid) removed; for the rewrite,
 * aof_last_bgrewrite_status:err with the incr file opened at its start kept in the manifest, and
 * while AOF is being turned on, the temp incr file dropped and the next rewrite started.
 */
class BackgroundChildTest extends FerriteTest {
    @TempDir
    Path dir;

    /** The processes standing for background jobs: this JVM's children running cat. */
    private static Set<ProcessHandle> standIns() {
        return ProcessHandle.current().children()
            .filter(p -> p.info().command().map(c -> c.endsWith("/cat")).orElse(false))
            .collect(Collectors.toSet());
    }

    /** The one stand-in started since {@code before} was taken. */
    private static ProcessHandle newStandIn(Set<ProcessHandle> before) {
        List<ProcessHandle> now = standIns().stream().filter(p -> !before.contains(p)).toList();
        assertThat(now).hasSize(1);
        return now.get(0);
    }

    private static boolean infoHas(Jedis j, String field) {
        return j.info("persistence").contains(field + "\r\n");
    }

    private static void kill(ProcessHandle p) throws InterruptedException {
        assertThat(p.destroyForcibly()).isTrue();
        Await.until(() -> !p.isAlive(), "the stand-in to die");
    }

    private static List<String> manifest(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve("appendonlydir/appendonly.aof.manifest"), StandardCharsets.UTF_8);
    }

    private static List<String> tempFiles(Path d) throws Exception {
        try (var files = Files.list(d)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("temp-")).toList();
        }
    }

    @Test
    void killingTheChildOfBgsaveFailsItAndStopsWrites() throws Exception {
        Set<ProcessHandle> before = standIns();
        Server s = ownServer(Map.of("dir", dir.toString(), "save", "900 1", "rdb-key-save-delay", "1000000"));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            for (int i = 0; i < 20; i++) {
                j.set("k" + i, "v" + i);
            }
            long forks = forks(j);
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            ProcessHandle child = newStandIn(before);
            assertThat(forks(j)).isEqualTo(forks + 1);
            Path temp = dir.resolve("temp-" + child.pid() + ".rdb");
            Await.until(() -> Files.exists(temp), "the temp file named after the child");
            kill(child);
            Await.until(() -> infoHas(j, "rdb_bgsave_in_progress:0"), "the save to end");
            assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:err\r\n");
            assertThat(temp).doesNotExist();
            assertThat(j.get("k1")).isEqualTo("v1");
            assertThatThrownBy(() -> j.set("k1", "changed")).isInstanceOf(JedisDataException.class)
                .hasMessageStartingWith("MISCONF ");

            j.configSet("rdb-key-save-delay", "0");
            j.bgsave();
            Await.until(() -> infoHas(j, "rdb_bgsave_in_progress:0"), "the second save");
            assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:ok\r\n");
            assertThat(j.set("k1", "changed")).isEqualTo("OK");
            assertThat(tempFiles(dir)).isEmpty();
            assertThat(standIns()).isEqualTo(before);
        }
    }

    @Test
    void theChildOfASuccessfulBgsaveIsGoneWhenItEnds() throws Exception {
        Set<ProcessHandle> before = standIns();
        Server s = ownServer(Map.of("dir", dir.toString(), "rdb-key-save-delay", "100000"));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            j.set("a", "1");
            j.set("b", "2");
            j.bgsave();
            assertThat(newStandIn(before).isAlive()).isTrue();
            Await.until(() -> infoHas(j, "rdb_bgsave_in_progress:0"), "the save");
            assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:ok\r\n");
            // the child is reaped before the save is seen to end
            assertThat(standIns()).isEqualTo(before);
            assertThat(dir.resolve("dump.rdb")).exists();
        }
    }

    @Test
    void closingTheServerEndsTheChildOfARunningJob() throws Exception {
        Set<ProcessHandle> before = standIns();
        Server s = ownServer(Map.of("dir", dir.toString(), "rdb-key-save-delay", "10000000"));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            j.set("a", "1");
            j.bgsave();
            assertThat(newStandIn(before).isAlive()).isTrue();
        }
        s.close();
        Await.until(() -> standIns().equals(before), "no stand-in after close");
        assertThat(tempFiles(dir)).isEmpty();
    }

    @Test
    void killedRewritesKeepTheirIncrFilesAndTheNextSuccessClearsThem() throws Exception {
        Set<ProcessHandle> before = standIns();
        Server s = ownServer(Map.of("dir", dir.toString(), "appendonly", "yes", "rdb-key-save-delay", "10000000"));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            j.set("k", "v");
            assertThat(manifest(dir)).containsExactly("file appendonly.aof.1.base.rdb seq 1 type b",
                "file appendonly.aof.1.incr.aof seq 1 type i");
            for (int i = 1; i <= 2; i++) {
                assertThat(j.bgrewriteaof()).isEqualTo("Background append only file rewriting started");
                assertThat(j.info("persistence")).contains("aof_rewrite_in_progress:1\r\n");
                ProcessHandle child = newStandIn(before);
                kill(child);
                Await.until(() -> infoHas(j, "aof_rewrite_in_progress:0"), "the rewrite to end");
                assertThat(j.info("persistence")).contains("aof_last_bgrewrite_status:err\r\n",
                    "aof_rewrites_consecutive_failures:" + i + "\r\n");
                assertThat(dir.resolve("appendonlydir/temp-rewriteaof-bg-" + child.pid() + ".aof")).doesNotExist();
                assertThat(dir.resolve("appendonlydir/temp-rewrite-" + child.pid() + ".aof")).doesNotExist();
                j.incr("counter");
            }
            // each failed rewrite left the incr file it opened, as Redis 7.0 does
            assertThat(manifest(dir)).containsExactly("file appendonly.aof.1.base.rdb seq 1 type b",
                "file appendonly.aof.1.incr.aof seq 1 type i", "file appendonly.aof.2.incr.aof seq 2 type i",
                "file appendonly.aof.3.incr.aof seq 3 type i");
            String digest = Digests.of(j);

            j.configSet("rdb-key-save-delay", "0");
            j.bgrewriteaof();
            Await.until(() -> infoHas(j, "aof_rewrite_in_progress:0"), "the third rewrite");
            assertThat(j.info("persistence")).contains("aof_last_bgrewrite_status:ok\r\n",
                "aof_rewrites_consecutive_failures:0\r\n");
            assertThat(manifest(dir)).containsExactly("file appendonly.aof.2.base.rdb seq 2 type b",
                "file appendonly.aof.4.incr.aof seq 4 type i");
            assertThat(standIns()).isEqualTo(before);
            loadAof(j);
            assertThat(Digests.of(j)).isEqualTo(digest);
        }
    }

    @Test
    void aKilledRewriteTurningAofOnDropsItsTempIncrFileAndTheNextOneStarts() throws Exception {
        Set<ProcessHandle> before = standIns();
        Server s = ownServer(Map.of("dir", dir.toString(), "rdb-key-save-delay", "10000000"));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            j.set("k", "v");
            j.configSet("appendonly", "yes");
            // started before CONFIG SET answers, as Redis forks inside it
            assertThat(j.info("persistence")).contains("aof_rewrite_in_progress:1\r\n");
            ProcessHandle first = newStandIn(before);
            j.incr("counter");
            kill(first);
            // the failed rewrite's cleanup deletes the temp incr, then the cron starts the next rewrite
            Await.until(() -> !first.isAlive() && standIns().size() == before.size() + 1,
                "the next rewrite's child");
            assertThat(j.info("persistence")).contains("aof_last_bgrewrite_status:err\r\n");
            assertThat(dir.resolve("appendonlydir/appendonly.aof.manifest")).doesNotExist();
            j.incr("counter");
            String digest = Digests.of(j);

            j.configSet("rdb-key-save-delay", "0");
            ProcessHandle second = newStandIn(before);
            kill(second);
            // killed too; the third one runs with no delay and succeeds
            Await.until(() -> infoHas(j, "aof_last_bgrewrite_status:ok") && infoHas(j, "aof_rewrite_in_progress:0"),
                "a successful rewrite");
            assertThat(manifest(dir)).containsExactly("file appendonly.aof.1.base.rdb seq 1 type b",
                "file appendonly.aof.1.incr.aof seq 1 type i");
            assertThat(dir.resolve("appendonlydir/temp-appendonly.aof.incr")).doesNotExist();
            assertThat(standIns()).isEqualTo(before);
            j.incr("counter");
            digest = Digests.of(j);
            loadAof(j);
            assertThat(Digests.of(j)).isEqualTo(digest);
        }
    }

    /** DEBUG LOADAOF: the data set emptied and loaded again from the files the manifest names. */
    private static void loadAof(Jedis j) {
        assertThat(j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.UTF_8), "LOADAOF")).isNotNull();
    }

    private static long forks(Jedis j) {
        for (String line : j.info("stats").split("\r\n")) {
            if (line.startsWith("total_forks:")) {
                return Long.parseLong(line.substring("total_forks:".length()));
            }
        }
        throw new AssertionError("no total_forks in INFO stats");
    }
}
