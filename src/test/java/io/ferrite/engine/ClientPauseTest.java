package io.ferrite.engine;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulk;
import static org.assertj.core.api.Assertions.assertThat;

/** CLIENT PAUSE postpones the affected commands until the pause ends or CLIENT UNPAUSE, keeping each client's order. */
class ClientPauseTest extends FerriteTest {
    @Test
    void writePauseHoldsWritesButNotReads() throws Exception {
        RawClient admin = raw();
        RawClient writer = raw();
        RawClient reader = raw();
        reader.call("SET", "k", "before");
        assertThat(admin.call("CLIENT", "PAUSE", "600", "WRITE")).isEqualTo(OK);
        long t0 = System.nanoTime();
        assertThat(reader.call("GET", "k")).isEqualTo(bulk("before"));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(400);
        writer.send(RawClient.encode("SET", "k", "after"));
        writer.send(RawClient.encode("GET", "k"));
        assertThat(writer.readReply()).isEqualTo(OK);
        assertThat(writer.readReply()).isEqualTo(bulk("after"));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(450);
    }

    @Test
    void unpauseReleasesPostponedClientsAtOnce() throws Exception {
        RawClient admin = raw();
        RawClient waiting = raw();
        assertThat(admin.call("CLIENT", "PAUSE", "20000", "WRITE")).isEqualTo(OK);
        CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> waiting.call("INCR", "n"));
        Thread.sleep(200);
        assertThat(reply).isNotDone();
        assertThat(admin.call("CLIENT", "UNPAUSE")).isEqualTo(OK);
        assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo(ONE);
    }

    /** Redis's pause purposes: CLIENT UNPAUSE ends CLIENT PAUSE's, not a shutdown's or a failover's. */
    @Test
    void unpauseEndsOnlyTheClientCommandsPause() throws Exception {
        RawClient admin = raw();
        RawClient waiting = raw();
        ClientPause pause = server.engine().clientPause();
        pause.pause(ClientPause.Purpose.FAILOVER, Long.MAX_VALUE, false);
        try {
            assertThat(admin.call("CLIENT", "PAUSE", "20000", "WRITE")).isEqualTo(OK);
            CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> waiting.call("INCR", "purposes"));
            Thread.sleep(200);
            assertThat(reply).isNotDone();
            assertThat(admin.call("CLIENT", "UNPAUSE")).isEqualTo(OK);
            Thread.sleep(200);
            assertThat(reply).as("the failover's pause still holds writes").isNotDone();
            assertThat(admin.call("GET", "purposes")).isEqualTo(NIL);
            pause.unpause(ClientPause.Purpose.FAILOVER);
            assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo(ONE);
        } finally {
            pause.unpause(ClientPause.Purpose.FAILOVER);
        }
    }

    @Test
    void expiryStandsStillWhilePaused() throws Exception {
        RawClient c = raw();
        try {
            long before = expiredKeys(c);
            c.call("MULTI");
            c.call("SET", "foo{t}", "bar", "PX", "10");
            c.call("SET", "bar{t}", "foo", "PX", "10");
            c.call("CLIENT", "PAUSE", "50000", "WRITE");
            c.call("EXEC");
            Thread.sleep(400);
            // logically expired, yet neither lazy nor active expiry deleted them
            assertThat(c.call("GET", "foo{t}")).isEqualTo(NIL);
            assertThat(c.call("GET", "bar{t}")).isEqualTo(NIL);
            assertThat(c.call("EXISTS", "foo{t}")).isEqualTo(ZERO);
            assertThat(expiredKeys(c)).isEqualTo(before);
            c.call("CLIENT", "UNPAUSE");
            c.call("GET", "foo{t}");
            c.call("GET", "bar{t}");
            assertThat(expiredKeys(c)).isEqualTo(before + 2);
        } finally {
            c.call("CLIENT", "UNPAUSE");
        }
    }

    private static long expiredKeys(RawClient c) {
        String info = c.call("INFO", "stats");
        int at = info.indexOf("expired_keys:") + "expired_keys:".length();
        return Long.parseLong(info.substring(at, info.indexOf("\r\n", at)));
    }

    @Test
    void errorsAsRedis() {
        RawClient c = raw();
        assertThat(c.call("CLIENT", "PAUSE", "abc")).isEqualTo("-ERR timeout is not an integer or out of range\r\n");
        assertThat(c.call("CLIENT", "PAUSE", "-1")).isEqualTo("-ERR timeout is negative\r\n");
        assertThat(c.call("CLIENT", "PAUSE", "10", "foo")).isEqualTo("-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n");
        assertThat(c.call("CLIENT", "UNPAUSE")).isEqualTo(OK);
    }
}
