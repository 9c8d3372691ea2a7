package io.ferrite.protocol;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * client-query-buffer-limit bounds everything a client has sent and the server not yet run: the
 * requests pipelined behind a blocked command and the arguments of a multibulk still arriving.
 */
class QueryBufferLimitTest extends FerriteTest {
    private static final Pattern QBUF = Pattern.compile(" qbuf=(\\d+) qbuf-free=(\\d+) argv-mem=(\\d+) ");

    /** {@code count} pipelined SETs of {@code size}-byte values, keys {@code prefix0..}. */
    private static byte[] pipelinedSets(String prefix, int count, int size) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        String value = "v".repeat(size);
        for (int i = 0; i < count; i++) {
            b.writeBytes(RawClient.encode("SET", prefix + i, value));
        }
        return b.toByteArray();
    }

    /** Sends what it can: the server may close the connection part way. */
    private static void sendUntilClosed(RawClient c, byte[] bytes) {
        try {
            for (int off = 0; off < bytes.length; off += 64 * 1024) {
                c.send(java.util.Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + 64 * 1024)));
            }
        } catch (UncheckedIOException closed) {
            // the server closed it: what the test waits for
        }
    }

    private static long[] qbufOf(RawClient admin, String id) {
        Matcher m = QBUF.matcher(admin.call("CLIENT", "LIST", "ID", id));
        assertThat(m.find()).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    @Test
    void requestsQueuedBehindABlockedCommandCountAndCloseTheClient() throws Exception {
        try (Server s = TestServers.start(shards, Map.of("client-query-buffer-limit", "4mb"));
             RawClient admin = new RawClient("127.0.0.1", s.respPort());
             RawClient blocked = new RawClient("127.0.0.1", s.respPort())) {
            String id = idOf(blocked);
            blocked.send(RawClient.encode("BLPOP", "queue", "0"));
            awaitBlocked(admin, id);
            // 2 MB queued behind the BLPOP: held, shown in qbuf, none of it run
            blocked.send(pipelinedSets("k", 2048, 1000));
            long qbuf = 0;
            for (int i = 0; i < 200 && qbuf < 2_000_000; i++) {
                Thread.sleep(10);
                qbuf = qbufOf(admin, id)[0];
            }
            assertThat(qbuf).isBetween(2_000_000L, 2_200_000L);
            assertThat(admin.call("EXISTS", "k0")).isEqualTo(ZERO);
            // 3 MB more passes the 4 MB limit: closed, nothing it queued ever runs
            sendUntilClosed(blocked, pipelinedSets("m", 3072, 1000));
            assertThat(blocked.closedBeforeTimeout()).isTrue();
            assertThat(admin.call("LPUSH", "queue", "x")).isEqualTo(ONE);
            assertThat(admin.call("EXISTS", "k0", "k2047", "m0")).isEqualTo(ZERO);
            assertThat(admin.call("CLIENT", "LIST", "ID", id)).isEqualTo(bulk(""));
            assertThat(admin.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void theMinimumLimitClosesABlockedPipeliner() throws Exception {
        try (Server s = TestServers.start(shards, Map.of());
             RawClient admin = new RawClient("127.0.0.1", s.respPort());
             RawClient other = new RawClient("127.0.0.1", s.respPort());
             RawClient blocked = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(admin.call("CONFIG", "SET", "client-query-buffer-limit", "1mb")).isEqualTo(OK);
            String id = idOf(blocked);
            blocked.send(RawClient.encode("BLPOP", "queue", "0"));
            awaitBlocked(admin, id);
            sendUntilClosed(blocked, pipelinedSets("k", 4096, 1000));
            assertThat(blocked.closedBeforeTimeout()).isTrue();
            assertThat(other.call("SET", "a", "1")).isEqualTo(OK);
            assertThat(other.call("EXISTS", "k0")).isEqualTo(ZERO);
        }
    }

    @Test
    void halfReceivedMultibulkArgumentsCount() {
        try (Server s = TestServers.start(shards, Map.of("client-query-buffer-limit", "1mb"));
             RawClient admin = new RawClient("127.0.0.1", s.respPort());
             RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            // each 512 KB argument completes, so the unparsed input alone never reaches the limit
            byte[] bulk = ("$524288\r\n" + "x".repeat(524_288) + "\r\n").getBytes();
            c.send("*2147483647\r\n");
            try {
                for (int i = 0; i < 16; i++) {
                    c.send(bulk);
                }
            } catch (UncheckedIOException closed) {
                // closed while sending
            }
            assertThat(c.closedBeforeTimeout()).isTrue();
            assertThat(admin.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void aPipelinerThatIsNotBlockedIsThrottledNotClosed() {
        try (Server s = TestServers.start(shards, Map.of("client-query-buffer-limit", "1mb"));
             RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            // 8 MB of SETs over every shard in one go: the server reads them as fast as it runs them
            Thread writer = Thread.ofPlatform().start(() -> c.send(pipelinedSets("p", 8192, 1000)));
            for (int i = 0; i < 8192; i++) {
                assertThat(c.readReply()).isEqualTo(OK);
            }
            assertThat(c.call("EXISTS", "p0", "p8191")).isEqualTo(integer(2));
            assertThat(writer.isAlive()).isFalse();
        }
    }

    @Test
    void clientListShowsTheQueryBuffer() throws Exception {
        RawClient c = raw();
        // the running command is still in the buffer, as in Redis: *2 $6 CLIENT $4 INFO
        assertThat(c.call("CLIENT", "INFO")).contains(" qbuf=26 qbuf-free=").contains(" argv-mem=10 ");
        RawClient admin = raw();
        String id = idOf(c);
        long[] small = qbufOf(admin, id);
        assertThat(small[0]).isZero();
        assertThat(small[0] + small[1]).isBetween(16_384L, 32_767L);
        assertThat(c.call("SET", "x", "A".repeat(400_000))).isEqualTo(OK);
        long big = qbufOf(admin, id)[1];
        assertThat(big).isGreaterThan(400_000);
        // a busy client's buffer shrinks back towards its recent peak
        long now = big;
        for (int i = 0; i < 300 && now >= big; i++) {
            assertThat(c.call("SET", "x", "y")).isEqualTo(OK);
            Thread.sleep(10);
            now = qbufOf(admin, id)[1];
        }
        assertThat(now).isBetween(1L, big - 1);
    }

    @Test
    void infoReportsTheRecentLargestQueryBuffer() throws Exception {
        try (Server s = TestServers.start(shards, Map.of());
             RawClient admin = new RawClient("127.0.0.1", s.respPort());
             RawClient blocked = new RawClient("127.0.0.1", s.respPort())) {
            String id = idOf(blocked);
            blocked.send(RawClient.encode("BLPOP", "queue", "0"));
            awaitBlocked(admin, id);
            blocked.send(pipelinedSets("k", 1024, 1000));
            Pattern field = Pattern.compile("client_recent_max_input_buffer:(\\d+)\r\n");
            long peak = 0;
            for (int i = 0; i < 300 && peak < 1_000_000; i++) {
                Thread.sleep(10);
                Matcher m = field.matcher(admin.call("INFO", "clients"));
                assertThat(m.find()).isTrue();
                peak = Long.parseLong(m.group(1));
            }
            assertThat(peak).isBetween(1_000_000L, 4_000_000L);
            assertThat(admin.call("INFO", "clients")).contains("\r\nclient_recent_max_output_buffer:");
        }
    }

    @Test
    void anIdleClientsBufferIsFreed() throws Exception {
        RawClient c = raw();
        RawClient admin = raw();
        String id = idOf(c);
        assertThat(qbufOf(admin, id)[1]).isPositive();
        long free = 1;
        for (int i = 0; i < 100 && free > 0; i++) {
            Thread.sleep(50);
            free = qbufOf(admin, id)[1];
        }
        assertThat(free).isZero();
    }
}
