package io.ferrite.command.family;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.ferrite.testing.Replies.NO_SUCH_KEY;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.SYNTAX;
import static io.ferrite.testing.Replies.ZERO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerFamilyTest extends FerriteTest {
    @Test
    void debugObjectRunsOnTheKeysShard() {
        var r = raw();
        for (String key : new String[] {"a", "b", "c", "d", "{x}1"}) {
            r.call("SET", key, "bar");
            assertThat(r.call("DEBUG", "OBJECT", key))
                .matches("\\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:4 lru:\\d+ lru_seconds_idle:\\d+\r\n");
        }
        r.call("SET", "n", "123");
        assertThat(r.call("DEBUG", "OBJECT", "n")).contains("refcount:2147483647 encoding:int serializedlength:2 ");
        assertThat(r.call("DEBUG", "OBJECT", "nokey")).isEqualTo(NO_SUCH_KEY);
        assertThat(r.call("DEBUG", "OBJECT")).isEqualTo(
            "-ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP.\r\n");
    }

    /** As Redis's dictFind: DEBUG OBJECT sees a logically expired key that nothing has deleted yet, and deletes nothing. */
    @Test
    void debugObjectSeesALogicallyExpiredKey() throws InterruptedException {
        var r = raw();
        r.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        try {
            r.call("SET", "soon", "value", "PX", "1");
            Thread.sleep(20);
            assertThat(r.call("DEBUG", "OBJECT", "soon")).startsWith("+Value at:0x").contains(" serializedlength:6 ");
            assertThat(r.call("DEBUG", "OBJECT", "soon")).startsWith("+Value at:0x");
            assertThat(r.call("EXISTS", "soon")).isEqualTo(":0\r\n");
            assertThat(r.call("DEBUG", "OBJECT", "soon")).isEqualTo(NO_SUCH_KEY);
        } finally {
            r.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
        }
    }

    @Test
    void time() {
        List<String> t = redis.time();
        long secs = Long.parseLong(t.get(0));
        long micros = Long.parseLong(t.get(1));
        assertThat(Math.abs(secs - System.currentTimeMillis() / 1000)).isLessThanOrEqualTo(2);
        assertThat(micros).isBetween(0L, 999_999L);
        assertThat(raw().call("TIME")).matches("\\*2\r\n\\$10\r\n\\d{10}\r\n\\$\\d\r\n\\d{1,6}\r\n");
    }

    @Test
    void debugSleep() {
        RawClient r = raw();
        long t0 = System.nanoTime();
        assertThat(r.call("DEBUG", "SLEEP", "0.2")).isEqualTo(OK);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(190_000_000L);
        assertThat(r.call("DEBUG", "SLEEP", "abc")).isEqualTo(OK);
        assertThat(r.call("DEBUG", "SLEEP"))
            .isEqualTo("-ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP.\r\n");
        assertThat(r.call("DEBUG", "foo"))
            .isEqualTo("-ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.\r\n");
        assertThat(r.call("DEBUG", "HELP")).startsWith("*54\r\n+DEBUG <subcommand> [<arg> [value] [opt] ...]. "
            + "Subcommands are:\r\n").endsWith("+HELP\r\n+    Prints this help.\r\n");
    }

    @Test
    void debugSetActiveExpire() throws Exception {
        RawClient r = raw();
        // touching the key still expires it
        expiryStandsStillWhile(r, "SET-ACTIVE-EXPIRE", "0", "1",
            () -> assertThat(r.call("EXISTS", "gone")).isEqualTo(ZERO));
        r.call("SET", "gone2", "v", "PX", "1");
        awaitKeyspaceEmpty(r);
    }

    /** With DEBUG {@code sub on}, a key past its TTL stays counted (nothing removes it in the background); then {@code sub off}. */
    private static void expiryStandsStillWhile(RawClient r, String sub, String on, String off, Runnable meanwhile)
        throws InterruptedException {
        try {
            assertThat(r.call("DEBUG", sub, on)).isEqualTo(OK);
            r.call("SET", "gone", "v", "PX", "1");
            Thread.sleep(300);
            assertThat(r.call("INFO", "keyspace")).contains("db0:keys=1,expires=1");
            meanwhile.run();
        } finally {
            assertThat(r.call("DEBUG", sub, off)).isEqualTo(OK);
        }
    }

    /** The active expiry empties db0 within 5 seconds. */
    private static void awaitKeyspaceEmpty(RawClient r) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (r.call("INFO", "keyspace").contains("db0:") && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(r.call("INFO", "keyspace")).doesNotContain("db0:");
    }

    @Test
    void debugStringmatchTestFuzzesTheGlobMatcher() {
        RawClient r = raw();
        assertThat(r.call("DEBUG", "STRINGMATCH-TEST")).isEqualTo("+Apparently Redis did not crash: test passed\r\n");
        assertThat(r.call("DEBUG", "STRINGMATCH-TEST", "x"))
            .isEqualTo("-ERR unknown subcommand or wrong number of arguments for 'STRINGMATCH-TEST'. Try DEBUG HELP.\r\n");
    }

    @Test
    void debugPauseCronStopsTheBackgroundWork() throws Exception {
        RawClient r = raw();
        expiryStandsStillWhile(r, "PAUSE-CRON", "1", "0", () -> { });
        awaitKeyspaceEmpty(r);
    }

    @Test
    void shutdownErrors() {
        RawClient r = raw();
        assertThat(r.call("SHUTDOWN", "foo")).isEqualTo(SYNTAX);
        assertThat(r.call("SHUTDOWN", "NOSAVE", "SAVE")).isEqualTo(SYNTAX);
        assertThat(r.call("SHUTDOWN", "ABORT", "NOW")).isEqualTo(SYNTAX);
        assertThat(r.call("SHUTDOWN", "ABORT")).isEqualTo("-ERR No shutdown in progress.\r\n");
        r.call("MULTI");
        assertThat(r.call("SHUTDOWN")).isEqualTo("-ERR Command not allowed inside a transaction\r\n");
        r.call("DISCARD");
        assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
    }

    @Test
    void shutdownClosesTheServer() throws Exception {
        Server s = TestServers.start(shards, Map.of());
        CountDownLatch done = new CountDownLatch(1);
        s.onShutdown(done::countDown);
        int port = s.respPort();
        try (RawClient r = new RawClient("127.0.0.1", port)) {
            assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
            r.send(RawClient.encode("SHUTDOWN", "NOSAVE"));
            assertThat(r.closedByServer()).isTrue();
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(s.isClosed()).isTrue();
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(java.io.IOException.class);
        } finally {
            s.close();
        }
    }

    /**
     * SHUTDOWN SAVE while a slow BGSAVE runs gives the BGSAVE up (Redis kills its child) and
     * streams every key into the file before the server stops: a server started on that file
     * has the same digest.
     */
    @Test
    void shutdownSaveDuringABackgroundSaveWritesTheWholeDataset(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Map<String, String> settings = Map.of("dir", dir.toString(), "save", "", "rdb-key-save-delay", "1000");
        Server s = TestServers.start(shards, settings);
        CountDownLatch done = new CountDownLatch(1);
        s.onShutdown(done::countDown);
        String digest;
        try (RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(r.call("DEBUG", "POPULATE", "3000", "k", "20")).isEqualTo(OK);
            r.call("HSET", "h", "f", "v");
            assertThat(r.call("BGSAVE")).isEqualTo("+Background saving started\r\n");
            assertThat(r.call("INFO", "persistence")).contains("rdb_bgsave_in_progress:1");
            digest = r.call("DEBUG", "DIGEST");
            r.send(RawClient.encode("SHUTDOWN", "SAVE"));
            assertThat(r.closedByServer()).isTrue();
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            s.close();
        }
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temp file left").containsExactly("dump.rdb");
        }
        Server again = TestServers.start(shards, Map.of("dir", dir.toString(), "save", ""));
        try (RawClient r = new RawClient("127.0.0.1", again.respPort())) {
            assertThat(r.call("DBSIZE")).isEqualTo(":3001\r\n");
            assertThat(r.call("DEBUG", "DIGEST")).isEqualTo(digest);
        } finally {
            again.close();
        }
    }
}
