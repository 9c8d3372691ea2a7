package io.ferrite.server;

import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM and SIGINT on a Ferrite process of its own, as Redis 7.0 takes them: save points (or
 * shutdown-on-sigterm save) save first, a failed save keeps the server running unless force, nosave
 * skips the save, and the log lines come in Redis's order with the pid file removed.
 */
class SignalShutdownTest {
    @TempDir
    Path tmp;

    private record Child(Process process, int port, Path log) {
        String logText() throws IOException {
            return Files.readString(log);
        }
    }

    private Child start(Path dir, String... directives) throws Exception {
        int port = TestServers.freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
            "io.ferrite.server.Main", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
            "--memcached-port", "0", "--metrics-port", "0", "--pidfile", tmp.resolve("ferrite.pid").toString()));
        cmd.addAll(List.of(directives));
        Path log = tmp.resolve("ferrite-" + port + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Child c = new Child(p, port, log);
        awaitLog(c, "Ready to accept connections");
        return c;
    }

    private static void awaitLog(Child c, String line) throws Exception {
        for (int i = 0; i < 1500 && !c.logText().contains(line) && c.process().isAlive(); i++) {
            Thread.sleep(20);
        }
        assertThat(c.logText()).contains(line);
    }

    private static void signal(Child c, String sig) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(c.process().pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    private static int exitCode(Child c) throws Exception {
        assertThat(c.process().waitFor(30, TimeUnit.SECONDS)).as("the process ends").isTrue();
        return c.process().exitValue();
    }

    @Test
    void aFailedSaveOnSigtermKeepsTheServerUpUnlessForce() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("data"));
        Child c = start(dir, "--save", "3600 1");
        try {
            try (RawClient r = new RawClient("127.0.0.1", c.port())) {
                assertThat(r.call("SET", "k", "v")).isEqualTo("+OK\r\n");
            }
            Files.delete(dir);
            signal(c, "TERM");
            awaitLog(c, "Errors trying to shut down the server. Check the logs for more information.");
            assertThat(c.logText()).contains("Error trying to save the DB, can't exit.");
            try (RawClient r = new RawClient("127.0.0.1", c.port())) {
                assertThat(r.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
                assertThat(r.call("CONFIG", "SET", "shutdown-on-sigterm", "force")).isEqualTo("+OK\r\n");
            }
            signal(c, "TERM");
            assertThat(exitCode(c)).isZero();
            assertThat(c.logText()).contains("Error trying to save the DB. Exit anyway.", "ready to exit, bye bye");
            assertThat(tmp.resolve("ferrite.pid")).doesNotExist();
        } finally {
            c.process().destroyForcibly();
        }
    }

    @Test
    void sigtermWithSaveSavesAndLogsInRedisOrder() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("data"));
        Child c = start(dir, "--save", "", "--shutdown-on-sigterm", "save", "--shards", "2",
            "--enable-debug-command", "yes");
        String digest;
        try {
            assertThat(tmp.resolve("ferrite.pid")).exists();
            try (RawClient r = new RawClient("127.0.0.1", c.port())) {
                assertThat(r.call("SET", "k", "v")).isEqualTo("+OK\r\n");
                // more than the file writer's bounded queue holds, so the save must stream
                assertThat(r.call("DEBUG", "POPULATE", "12000", "big", "1000")).isEqualTo("+OK\r\n");
                digest = r.call("DEBUG", "DIGEST");
            }
            signal(c, "TERM");
            assertThat(exitCode(c)).isZero();
            assertThat(dir.resolve("dump.rdb")).exists();
            assertThat(tmp.resolve("ferrite.pid")).doesNotExist();
            String log = c.logText();
            assertThat(log).containsSubsequence("Received SIGTERM scheduling shutdown...", "User requested shutdown...",
                "Saving the final RDB snapshot before exiting.", "Removing the pid file.", "ready to exit, bye bye");
        } finally {
            c.process().destroyForcibly();
        }
        // and the saved key is there on the next start
        Child again = start(dir, "--enable-debug-command", "yes");
        try (RawClient r = new RawClient("127.0.0.1", again.port())) {
            assertThat(r.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
            assertThat(r.call("DEBUG", "DIGEST")).isEqualTo(digest);
            r.send(RawClient.encode("SHUTDOWN", "NOSAVE"));
            assertThat(r.closedByServer()).isTrue();
        } finally {
            assertThat(exitCode(again)).isZero();
        }
    }

    @Test
    void sigintWithNosaveSkipsTheSavePoints() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("data"));
        Child c = start(dir, "--save", "3600 1", "--shutdown-on-sigint", "nosave");
        try {
            try (RawClient r = new RawClient("127.0.0.1", c.port())) {
                assertThat(r.call("SET", "k", "v")).isEqualTo("+OK\r\n");
            }
            signal(c, "INT");
            assertThat(exitCode(c)).isZero();
            assertThat(dir.resolve("dump.rdb")).doesNotExist();
            assertThat(c.logText()).contains("Received SIGINT scheduling shutdown...")
                .doesNotContain("Saving the final RDB snapshot");
        } finally {
            c.process().destroyForcibly();
        }
    }
}
