package io.ferrite.server;

import io.ferrite.testing.Await;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ferrite.testing.Replies.OK;
import static org.assertj.core.api.Assertions.assertThat;

/** Clients' memory in used_memory and client eviction by maxmemory-clients, as Redis 7.0 (networking.c evictClients). */
class ClientMemoryTest extends FerriteTest {
    private RawClient admin;
    private int port;

    @BeforeEach
    void start() {
        port = ownServer(Map.of()).respPort();
        admin = raw(port);
        assertThat(admin.call("CLIENT", "NO-EVICT", "on")).isEqualTo(OK);
        assertThat(admin.call("CLIENT", "SETNAME", "admin")).isEqualTo(OK);
    }

    private long info(String field) {
        Matcher m = Pattern.compile("\r\n" + field + ":(\\d+)\r\n").matcher(admin.call("INFO", "everything"));
        assertThat(m.find()).as(field).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** A field of a named client's CLIENT LIST line, or null when no such client is listed. */
    private Long field(String name, String f) {
        for (String line : admin.call("CLIENT", "LIST").split("\n")) {
            if (line.contains(" name=" + name + " ")) {
                Matcher m = Pattern.compile(" " + f + "=(\\d+)").matcher(line);
                return m.find() ? Long.parseLong(m.group(1)) : null;
            }
        }
        return null;
    }

    /** A client that starts sending one argument of {@code bytes} bytes and never finishes it. */
    private RawClient halfSent(String name, int bytes) {
        RawClient c = raw(port);
        assertThat(c.call("CLIENT", "SETNAME", name)).isEqualTo(OK);
        c.send(("*2\r\n$" + bytes + "\r\n").getBytes(StandardCharsets.US_ASCII));
        try {
            c.send(new byte[bytes]);
        } catch (java.io.UncheckedIOException evictedAlready) {
            // Redis sizes the buffer to the argument on its header: a client over the limit goes at once
        }
        return c;
    }

    @Test
    void theListingClientSeesItsOwnRequestInItsQueryBufferAsRedisShowsIt() {
        // *2 $6 CLIENT $4 LIST: 26 bytes, still in the buffer while the command runs, though CLIENT
        // LIST first waits for the other loops; CLIENT INFO runs at once
        assertThat(field("admin", "qbuf")).isEqualTo(26);
        assertThat(admin.call("CLIENT", "INFO")).contains(" qbuf=26 ");
    }

    @Test
    void aHalfSentBigArgumentCountsAsRedisSizesItsQueryBuffer() throws InterruptedException {
        long before = info("mem_clients_normal");
        halfSent("big", 500_000);
        Await.until(() -> Long.valueOf(500_000).equals(field("big", "qbuf")), "qbuf to hold the argument");
        // Redis sizes the buffer to the argument plus its CRLF at once (sdsMakeRoomForNonGreedy)
        assertThat(field("big", "qbuf-free")).as(admin.call("CLIENT", "LIST")).isEqualTo(2);
        assertThat(field("big", "tot-mem")).isGreaterThan(500_000);
        assertThat(info("mem_clients_normal") - before).isGreaterThanOrEqualTo(500_000);
        assertThat(info("used_memory")).isGreaterThan(info("used_memory_dataset") + info("used_memory_startup") + 500_000);
    }

    @Test
    void overMaxmemoryClientsTheClientIsClosedAndCounted() throws InterruptedException {
        assertThat(admin.call("CONFIG", "SET", "maxmemory-clients", "1mb")).isEqualTo(OK);
        RawClient big = halfSent("big", 1_100_000);
        assertThat(big.closedBeforeTimeout()).isTrue();
        assertThat(field("big", "tot-mem")).isNull();
        assertThat(info("evicted_clients")).isEqualTo(1);
        assertThat(admin.call("CONFIG", "RESETSTAT")).isEqualTo(OK);
        assertThat(info("evicted_clients")).isZero();
    }

    @Test
    void aNoEvictClientStaysOverTheLimit() throws InterruptedException {
        assertThat(admin.call("CONFIG", "SET", "maxmemory-clients", "1mb")).isEqualTo(OK);
        RawClient kept = raw(port);
        assertThat(kept.call("CLIENT", "NO-EVICT", "on")).isEqualTo(OK);
        assertThat(kept.call("CLIENT", "SETNAME", "kept")).isEqualTo(OK);
        kept.send(("*2\r\n$1100000\r\n").getBytes(StandardCharsets.US_ASCII));
        kept.send(new byte[1_100_000]);
        Await.until(() -> Long.valueOf(1_100_000).equals(field("kept", "qbuf")), "qbuf to fill");
        assertThat(field("kept", "tot-mem")).isGreaterThan(1024 * 1024);
        assertThat(info("evicted_clients")).isZero();
    }

    @Test
    void theLargestClientsGoFirstAndOnlyUntilUnderTheLimit() throws InterruptedException {
        halfSent("small", 100_000);
        halfSent("middle", 400_000);
        halfSent("large", 900_000);
        Await.until(() -> Long.valueOf(900_000).equals(field("large", "qbuf"))
            && Long.valueOf(400_000).equals(field("middle", "qbuf")), "buffers to fill");
        long all = 0;
        for (String line : admin.call("CLIENT", "LIST").split("\n")) {
            Matcher m = Pattern.compile(" tot-mem=(\\d+)").matcher(line);
            if (m.find()) {
                all += Long.parseLong(m.group(1));
            }
        }
        long large = field("large", "tot-mem");
        assertThat(admin.call("CONFIG", "SET", "maxmemory-clients", Long.toString(all - large + 1000))).isEqualTo(OK);
        assertThat(field("large", "tot-mem")).isNull();
        assertThat(field("middle", "tot-mem")).isNotNull();
        assertThat(field("small", "tot-mem")).isNotNull();
        assertThat(info("evicted_clients")).isEqualTo(1);
    }

    @Test
    void aPercentageIsOfMaxmemoryAndHasRedisFloor() throws InterruptedException {
        assertThat(admin.call("CONFIG", "SET", "maxmemory", "100mb")).isEqualTo(OK);
        assertThat(admin.call("CONFIG", "SET", "maxmemory-clients", "1%")).isEqualTo(OK);
        assertThat(admin.call("CONFIG", "GET", "maxmemory-clients")).isEqualTo("*2\r\n$17\r\nmaxmemory-clients\r\n$2\r\n1%\r\n");
        RawClient under = halfSent("under", 900_000);
        RawClient over = halfSent("over", 1_100_000);
        assertThat(over.closedBeforeTimeout()).isTrue();
        assertThat(field("under", "qbuf")).isNotNull();
        // 1 byte is raised to 128 KB, Redis's floor: a small client survives
        assertThat(admin.call("CONFIG", "SET", "maxmemory", "0")).isEqualTo(OK);
        under.close();
        assertThat(admin.call("CONFIG", "SET", "maxmemory-clients", "1")).isEqualTo(OK);
        RawClient small = raw(port);
        assertThat(small.call("PING")).isEqualTo("+PONG\r\n");
    }

    @Test
    void unreadRepliesCountAndMakeMaxmemoryEvictKeys() throws InterruptedException {
        StringBuilder big = new StringBuilder();
        big.append("x".repeat(200_000));
        assertThat(admin.call("SET", "big", big.toString())).isEqualTo(OK);
        for (int i = 0; i < 50; i++) {
            assertThat(admin.call("SET", "k" + i, "v")).isEqualTo(OK);
        }
        long used = info("used_memory");
        assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random")).isEqualTo(OK);
        assertThat(admin.call("CONFIG", "SET", "maxmemory", Long.toString(used + 3_000_000))).isEqualTo(OK);
        RawClient reader = raw(port);
        assertThat(reader.call("CLIENT", "SETNAME", "slow")).isEqualTo(OK);
        byte[] get = RawClient.encode("GET", "big");
        // a client that asks and never reads: its replies wait in the server and count
        for (int i = 0; i < 100; i++) {
            reader.send(get);
        }
        Await.until(() -> {
            Long omem = field("slow", "omem");
            return omem != null && omem > 2_000_000;
        }, "the unread replies to count in omem");
        assertThat(info("mem_clients_normal")).isGreaterThan(2_000_000);
        // the next write evicts keys to make room for the clients' buffers
        admin.call("SET", "trigger", "1");
        assertThat(info("evicted_keys")).isPositive();
    }

    @Test
    void aKilledClientLeavesTheTotalsAtOnce() throws InterruptedException {
        halfSent("big", 500_000);
        Await.until(() -> Long.valueOf(500_000).equals(field("big", "qbuf")), "qbuf to hold the argument");
        assertThat(info("mem_clients_normal")).isGreaterThan(500_000);
        // the only other client: the half-sent one
        assertThat(admin.call("CLIENT", "KILL", "SKIPME", "yes", "USER", "default")).isEqualTo(":1\r\n");
        assertThat(info("mem_clients_normal")).isLessThan(100_000);
    }

    @Test
    void debugReplybufferIsAcceptedAsRedisAcceptsIt() {
        assertThat(admin.call("DEBUG", "REPLYBUFFER", "RESIZING", "0")).isEqualTo(OK);
        assertThat(admin.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "never")).isEqualTo(OK);
        assertThat(admin.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100")).isEqualTo(OK);
        assertThat(admin.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "abc"))
            .isEqualTo("-ERR value is not an integer or out of range\r\n");
        assertThat(admin.call("DEBUG", "REPLYBUFFER", "foo", "bar"))
            .isEqualTo("-ERR unknown subcommand or wrong number of arguments for 'REPLYBUFFER'. Try DEBUG HELP.\r\n");
    }

    @Test
    void infoShowsClientEvictionFields() {
        String memory = admin.call("INFO", "memory");
        assertThat(memory).contains("\r\nmem_clients_slaves:0\r\n").contains("\r\nmem_clients_normal:")
            .contains("\r\nmem_not_counted_for_evict:0\r\n");
        String stats = admin.call("INFO", "stats");
        assertThat(stats).contains("\r\nevicted_keys:0\r\nevicted_clients:0\r\ntotal_eviction_exceeded_time:0\r\n"
            + "current_eviction_exceeded_time:0\r\n");
    }
}
