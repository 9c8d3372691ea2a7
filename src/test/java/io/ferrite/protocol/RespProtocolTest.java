package io.ferrite.protocol;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.util.Map;

import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.arity;
import static io.ferrite.testing.Replies.bulks;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

/** Malformed and hostile requests get Redis's exact protocol errors, then the connection closes. */
class RespProtocolTest extends FerriteTest {
    private void assertProtocolError(String request, String error) {
        RawClient c = raw();
        c.send(request);
        assertThat(c.readReply()).isEqualTo("-ERR Protocol error: " + error + "\r\n");
        assertThat(c.closedByServer()).isTrue();
    }

    @Test
    void malformedMultibulk() {
        assertProtocolError("*x\r\n", "invalid multibulk length");
        assertProtocolError("*2147483648\r\n", "invalid multibulk length");
        assertProtocolError("*1\r\nxx\r\n", "expected '$', got 'x'");
        assertProtocolError("*1\r\n$x\r\n", "invalid bulk length");
        assertProtocolError("*1\r\n$-5\r\n", "invalid bulk length");
        assertProtocolError("*1\r\n$536870913\r\n", "invalid bulk length");
        assertProtocolError("\"abc\r\n", "unbalanced quotes in request");
    }

    @Test
    void oversizedLinesWithoutNewline() {
        assertProtocolError("a".repeat(70_000), "too big inline request");
        assertProtocolError("*" + "1".repeat(70_000), "too big mbulk count string");
        assertProtocolError("*1\r\n$" + "1".repeat(70_000), "too big bulk count string");
    }

    @Test
    void repliesBeforeTheErrorAreDelivered() {
        RawClient c = raw();
        c.send("PING\r\n*1\r\n$4\r\nPING\r\n*x\r\n");
        assertThat(c.readReply()).isEqualTo("+PONG\r\n");
        assertThat(c.readReply()).isEqualTo("+PONG\r\n");
        assertThat(c.readReply()).isEqualTo("-ERR Protocol error: invalid multibulk length\r\n");
        assertThat(c.closedByServer()).isTrue();
    }

    @Test
    void emptyAndNegativeCountsAreIgnored() {
        RawClient c = raw();
        c.send("*0\r\n*-1\r\n\r\nPING\r\n");
        assertThat(c.readReply()).isEqualTo("+PONG\r\n");
    }

    @Test
    void unknownCommandAndArityErrors() {
        RawClient c = raw();
        assertThat(c.call("GET")).isEqualTo(arity("get"));
        assertThat(c.call("NOPE", "a", "b")).isEqualTo("-ERR unknown command 'NOPE', with args beginning with: 'a' 'b' \r\n");
        assertThat(c.call("")).isEqualTo("-ERR unknown command '', with args beginning with: \r\n");
    }

    @Test
    void inlineQuotingLikeRedis() {
        RawClient c = raw();
        c.send("SET \"a b\" 'c \\'d'\r\nGET \"a b\"\r\nSET x \"\\x41\\n\"\r\nGET x\r\n");
        assertThat(c.readReply()).isEqualTo(OK);
        assertThat(c.readReply()).isEqualTo("$4\r\nc 'd\r\n");
        assertThat(c.readReply()).isEqualTo(OK);
        assertThat(c.readReply()).isEqualTo("$2\r\nA\n\r\n");
    }

    @Test
    void largeValuesArriveInPieces() {
        RawClient c = raw();
        String big = "v".repeat(3_000_000);
        assertThat(c.call("SET", "big", big)).isEqualTo(OK);
        assertThat(c.call("STRLEN", "big")).isEqualTo(integer(3000000));
    }

    @Test
    void authenticationLimitsAndErrors() {
        try (Server s = TestServers.start(shards, Map.of("requirepass", "secret"));
             RawClient c = new RawClient("127.0.0.1", s.respPort());
             RawClient big = new RawClient("127.0.0.1", s.respPort());
             RawClient many = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(c.call("GET", "a")).isEqualTo("-NOAUTH Authentication required.\r\n");
            assertThat(c.call("NOPE")).startsWith("-ERR unknown command 'NOPE'");
            assertThat(c.call("AUTH", "wrong")).isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(c.call("AUTH", "secret")).isEqualTo(OK);
            assertThat(c.call("GET", "a")).isEqualTo(NIL);
            big.send("*1\r\n$16385\r\n");
            assertThat(big.readReply()).isEqualTo("-ERR Protocol error: unauthenticated bulk length\r\n");
            many.send("*11\r\n");
            assertThat(many.readReply()).isEqualTo("-ERR Protocol error: unauthenticated multibulk length\r\n");
        }
    }

    @Test
    void queryBufferLimitClosesTheConnection() {
        try (Server s = TestServers.start(shards, Map.of("client-query-buffer-limit", "1mb"));
             RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            c.send("*2\r\n$3\r\nGET\r\n$5000000\r\n");
            try {
                c.send("x".repeat(2_000_000));
            } catch (UncheckedIOException closedWhileWriting) {
                // the server may close the connection before the whole 2 MB is written
            }
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void maxclientsRejectsWithRedisError() {
        try (Server s = TestServers.start(shards, Map.of("maxclients", "2"));
             RawClient a = new RawClient("127.0.0.1", s.respPort());
             RawClient b = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(a.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(b.call("PING")).isEqualTo("+PONG\r\n");
            RawClient c = raw(s.respPort());
            assertThat(c.readReply()).isEqualTo("-ERR max number of clients reached\r\n");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void idleClientsAreClosedAfterTimeout() throws Exception {
        try (Server s = TestServers.start(shards, Map.of("timeout", "1"));
             RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
            Thread.sleep(2500);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void timeoutSparesBlockedSubscribedAndMonitoringClients() throws Exception {
        try (Server s = TestServers.start(shards, Map.of());
             RawClient admin = new RawClient("127.0.0.1", s.respPort());
             RawClient idle = new RawClient("127.0.0.1", s.respPort());
             RawClient blocked = new RawClient("127.0.0.1", s.respPort());
             RawClient subscriber = new RawClient("127.0.0.1", s.respPort());
             RawClient resp3 = new RawClient("127.0.0.1", s.respPort());
             RawClient monitor = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(admin.call("CONFIG", "SET", "timeout", "1")).isEqualTo(OK);
            assertThat(idle.call("PING")).isEqualTo("+PONG\r\n");
            String id = idOf(blocked);
            blocked.send(RawClient.encode("BLPOP", "list", "0"));
            awaitBlocked(admin, id);
            assertThat(subscriber.call("SUBSCRIBE", "ch")).isEqualTo("*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
            assertThat(resp3.call("HELLO", "3")).startsWith("%7\r\n");
            assertThat(resp3.call("SUBSCRIBE", "ch")).isEqualTo(">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
            assertThat(monitor.call("MONITOR")).isEqualTo(OK);
            for (int i = 0; i < 7; i++) {
                Thread.sleep(500);
                assertThat(admin.call("PING")).isEqualTo("+PONG\r\n");
            }
            assertThat(idle.closedByServer()).isTrue();
            assertThat(admin.call("RPUSH", "list", "v")).isEqualTo(ONE);
            assertThat(blocked.readReply()).isEqualTo(bulks("list", "v"));
            assertThat(admin.call("PUBLISH", "ch", "m")).isEqualTo(integer(2));
            assertThat(subscriber.readReply()).isEqualTo(bulks("message", "ch", "m"));
            assertThat(resp3.readReply()).isEqualTo(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n");
            String seen = monitor.readReply();
            for (int i = 0; i < 20 && !seen.contains("\"RPUSH\""); i++) {
                seen = monitor.readReply();
            }
            assertThat(seen).contains("\"RPUSH\" \"list\" \"v\"");
            // served just now, the formerly blocked client is not idle: it may send at once
            assertThat(blocked.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void aValueStillArrivingIsNotIdle() throws Exception {
        try (Server s = TestServers.start(shards, Map.of("timeout", "1"));
             RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n");
            for (int i = 0; i < 10; i++) {
                Thread.sleep(300);
                c.send("x");
            }
            c.send("\r\n");
            assertThat(c.readReply()).isEqualTo(OK);
        }
    }

    @Test
    void quitRunsNothingPipelinedAfterIt() {
        RawClient c = raw();
        c.send("QUIT\r\nSET x 1\r\n" + new String(RawClient.encode("SET", "y", "z".repeat(1024))));
        assertThat(c.readReply()).isEqualTo(OK);
        assertThat(c.closedBeforeTimeout()).isTrue();
        assertThat(raw().call("EXISTS", "x", "y")).isEqualTo(ZERO);
    }

    @Test
    void quitRepliesThenCloses() {
        RawClient c = raw();
        assertThat(c.call("QUIT")).isEqualTo(OK);
        assertThat(c.closedByServer()).isTrue();
    }
}
