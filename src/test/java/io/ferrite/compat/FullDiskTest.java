package io.ferrite.compat;

import io.ferrite.testing.FerriteProcess;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A disk that fills up under the append-only file or a background save, as Redis 7.0 meets it. The file-size limit of
 * the server's own process (prlimit's soft RLIMIT_FSIZE, which any user may set on a process of
 * theirs) makes the AOF's writes fail as a full disk does. With everysec the writes that follow get
 * -MISCONF while reads go on, INFO says aof_last_write_status:err, and once space is back the
 * retried buffer is written and writes are accepted again; with always the server exits rather than
 * answer a write it could not persist. Either way, after a restart every acknowledged write is there
 * and the file loads.
 */
class FullDiskTest {
    private static final String MISCONF = "-MISCONF Errors writing to the AOF file: File too large\r\n";

    @TempDir
    Path dir;

    @Test
    void withEverysecWritesAreRefusedUntilSpaceComesBackAndNothingAcknowledgedIsLost() throws Exception {
        List<String> acked = new ArrayList<>();
        try (FerriteProcess f = start("everysec", "run-1.log"); RawClient c = new RawClient("127.0.0.1", f.port())) {
            writeUntilRefused(f, c, acked);
            assertThat(c.call("INFO", "persistence")).contains("aof_last_write_status:err");
            assertThat(c.call("GET", acked.get(0))).as("reads go on").isEqualTo(bulk(acked.get(0)));
            assertThat(c.call("SET", "refused", "x")).isEqualTo(MISCONF);
            f.run("prlimit", "--pid", Long.toString(f.process().pid()), "--fsize=unlimited:unlimited");
            String reply = "";
            for (int i = 0; i < 100 && !reply.equals("+OK\r\n"); i++) {
                Thread.sleep(50);
                reply = c.call("SET", "after", "x");
            }
            assertThat(reply).as("writes accepted once the disk has room").isEqualTo("+OK\r\n");
            acked.add("after");
            assertThat(c.call("INFO", "persistence")).contains("aof_last_write_status:ok");
            assertThat(f.logText()).contains("Error writing to the AOF file: File too large",
                "AOF write error looks solved, Redis can write again.");
        }
        assertAllThere(acked, "everysec", "run-2.log");
    }

    @Test
    void withAlwaysTheServerExitsRatherThanAcknowledgeAnUnwrittenWrite() throws Exception {
        List<String> acked = new ArrayList<>();
        try (FerriteProcess f = start("always", "run-1.log"); RawClient c = new RawClient("127.0.0.1", f.port())) {
            writeUntilRefused(f, c, acked);
            assertThat(f.awaitExit(30)).as("exit code").isEqualTo(1);
            assertThat(f.logText()).contains("Can't recover from AOF write error when the AOF fsync policy is 'always'."
                + " Exiting...");
        }
        assertAllThere(acked, "always", "run-2.log");
    }

    /**
     * A background save that meets a full disk fails without touching the last good file: its temp
     * file is removed, INFO says rdb_last_bgsave_status:err, and with save points set writes get
     * Redis's -MISCONF until a save succeeds again.
     */
    @Test
    void aBackgroundSaveOnAFullDiskLeavesTheLastFileAloneAndStopsWrites() throws Exception {
        try (FerriteProcess f = FerriteProcess.start(dir, dir.resolve("rdb.log"), "--save", "3600 1", "--shards", "2",
            "--enable-debug-command", "yes");
             RawClient c = new RawClient("127.0.0.1", f.port())) {
            assertThat(c.call("DEBUG", "POPULATE", "2000", "k", "100")).isEqualTo("+OK\r\n");
            assertThat(c.call("SAVE")).isEqualTo("+OK\r\n");
            byte[] good = Files.readAllBytes(dir.resolve("dump.rdb"));
            assertThat(c.call("SET", "more", "x")).isEqualTo("+OK\r\n");
            f.run("prlimit", "--pid", Long.toString(f.process().pid()), "--fsize=" + good.length / 2 + ":unlimited");
            assertThat(c.call("BGSAVE")).isEqualTo("+Background saving started\r\n");
            String info = "";
            for (int i = 0; i < 200 && !info.contains("rdb_bgsave_in_progress:0"); i++) {
                Thread.sleep(25);
                info = c.call("INFO", "persistence");
            }
            assertThat(info).contains("rdb_bgsave_in_progress:0", "rdb_last_bgsave_status:err");
            assertThat(c.call("SET", "refused", "x")).startsWith("-MISCONF Redis is configured to save RDB snapshots");
            assertThat(c.call("GET", "more")).isEqualTo("$1\r\nx\r\n");
            assertThat(Files.readAllBytes(dir.resolve("dump.rdb"))).as("the last good file").isEqualTo(good);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("temp-"))).isEmpty();
            }
            f.run("prlimit", "--pid", Long.toString(f.process().pid()), "--fsize=unlimited:unlimited");
            assertThat(c.call("BGSAVE")).isEqualTo("+Background saving started\r\n");
            for (int i = 0; i < 200 && !info.contains("rdb_last_bgsave_status:ok"); i++) {
                Thread.sleep(25);
                info = c.call("INFO", "persistence");
            }
            assertThat(info).contains("rdb_last_bgsave_status:ok");
            assertThat(c.call("SET", "accepted", "x")).isEqualTo("+OK\r\n");
        }
    }

    private FerriteProcess start(String fsync, String log) throws Exception {
        return FerriteProcess.start(dir, dir.resolve(log), "--appendonly", "yes", "--appendfsync", fsync, "--save", "",
            "--shards", "2");
    }

    /**
     * Writes keys (recording each acknowledged one), lowers the process's file-size limit to a
     * little above the incr file's size, and writes on until a write is refused or the connection
     * drops; returns once that happened.
     */
    private void writeUntilRefused(FerriteProcess f, RawClient c, List<String> acked) throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(c.call("SET", "before:" + i, "v")).isEqualTo("+OK\r\n");
            acked.add("before:" + i);
        }
        long size = incrSize();
        f.run("prlimit", "--pid", Long.toString(f.process().pid()), "--fsize=" + (size + 300) + ":unlimited");
        for (int i = 0; i < 1000; i++) {
            String key = "during:" + i;
            String reply;
            try {
                reply = c.call("SET", key, "some value to fill the file");
            } catch (RuntimeException closed) {
                return;
            }
            if (!reply.equals("+OK\r\n")) {
                assertThat(reply).isEqualTo(MISCONF);
                return;
            }
            acked.add(key);
        }
        throw new AssertionError("no write was refused above the file-size limit");
    }

    private long incrSize() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("appendonlydir"))) {
            Path incr = files.filter(p -> p.toString().endsWith(".incr.aof")).findFirst().orElseThrow();
            return Files.size(incr);
        }
    }

    private void assertAllThere(List<String> acked, String fsync, String log) throws Exception {
        try (FerriteProcess f = start(fsync, log); RawClient c = new RawClient("127.0.0.1", f.port())) {
            for (String key : acked) {
                assertThat(c.call("EXISTS", key)).as(key + " after the restart").isEqualTo(":1\r\n");
            }
        }
        assertThat(acked).hasSizeGreaterThan(20);
    }

    private static String bulk(String key) {
        return "$1\r\nv\r\n";
    }
}
