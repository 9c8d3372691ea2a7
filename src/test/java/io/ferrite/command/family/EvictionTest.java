package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.MemoryInfo;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.bulks;
import static org.assertj.core.api.Assertions.assertThat;

/** maxmemory's eviction policies (LRU, TTL, random): keys go before a command runs, as Redis's performEvictions. */
class EvictionTest extends FerriteTest {
    private static final String VALUE = "v".repeat(1000);
    private RawClient r;
    private RawClient admin;
    private int port;
    private io.ferrite.server.Server own;

    @BeforeEach
    void start() {
        own = ownServer(Map.of("maxmemory-eviction-tenacity", "100"));
        port = own.respPort();
        r = raw(port);
        admin = raw(port);
    }

    private static long info(RawClient c, String field) {
        Matcher m = Pattern.compile("\r\n" + field + ":(\\d+)\r\n").matcher(c.call("INFO", "everything"));
        assertThat(m.find()).as(field).isTrue();
        return Long.parseLong(m.group(1));
    }

    private void load(String prefix, int n, String... options) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            String[] cmd = new String[3 + options.length];
            cmd[0] = "SET";
            cmd[1] = prefix + i;
            cmd[2] = VALUE;
            System.arraycopy(options, 0, cmd, 3, options.length);
            b.writeBytes(RawClient.encode(cmd));
        }
        r.send(b.toByteArray());
        for (int i = 0; i < n; i++) {
            assertThat(r.readReply()).isEqualTo(OK);
        }
    }

    private long count(String prefix, int n) {
        long present = 0;
        for (int i = 0; i < n; i++) {
            present += r.call("EXISTS", prefix + i).equals(ONE) ? 1 : 0;
        }
        return present;
    }

    @Test
    void allkeysPoliciesEvictUntilMemoryIsUnderTheLimit() throws InterruptedException {
        for (String policy : new String[] {"allkeys-random", "allkeys-lru"}) {
            r.call("FLUSHALL");
            load("k", 2000);
            long used = MemoryInfo.settledUsedMemory(r);
            long limit = used - 1_000_000;
            long evictedBefore = info(r, "evicted_keys");
            assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", policy)).isEqualTo(OK);
            assertThat(admin.call("CONFIG", "SET", "maxmemory", Long.toString(limit))).isEqualTo(OK);
            assertThat(r.call("SET", "trigger", "1")).isEqualTo(OK);
            long usedAfter = info(r, "used_memory");
            // no more eviction while the keys are counted (clients' buffers count in used_memory too)
            admin.call("CONFIG", "SET", "maxmemory", "0");
            long left = count("k", 2000);
            assertThat(left).as(policy).isBetween(1L, 1999L);
            assertThat(info(r, "evicted_keys") - evictedBefore).isEqualTo(2000 - left);
            assertThat(usedAfter).isLessThanOrEqualTo(limit + 2000);
        }
    }

    @Test
    void volatilePoliciesTakeOnlyKeysWithATtlAndThenRefuseWrites() throws InterruptedException {
        load("keep", 300);
        load("vol", 700, "EX", "1000");
        long used = MemoryInfo.settledUsedMemory(r);
        assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", "volatile-random")).isEqualTo(OK);
        assertThat(admin.call("CONFIG", "SET", "maxmemory", Long.toString(used - 300_000))).isEqualTo(OK);
        assertThat(r.call("GET", "keep0")).startsWith("$1000\r\n");
        assertThat(count("keep", 300)).isEqualTo(300);
        assertThat(count("vol", 700)).isBetween(1L, 699L);
        // once only keys without a TTL are left, writes get Redis's OOM error
        assertThat(admin.call("CONFIG", "SET", "maxmemory", "1")).isEqualTo(OK);
        assertThat(r.call("SET", "more", "1")).isEqualTo("-OOM command not allowed when used memory > 'maxmemory'.\r\n");
        assertThat(count("vol", 700)).isZero();
        assertThat(count("keep", 300)).isEqualTo(300);
    }

    @Test
    void volatileTtlTakesTheSoonestToExpire() throws InterruptedException {
        load("soon", 200, "EX", "100");
        load("late", 200, "EX", "100000");
        long used = MemoryInfo.settledUsedMemory(r);
        admin.call("CONFIG", "SET", "maxmemory-samples", "64");
        assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", "volatile-ttl")).isEqualTo(OK);
        assertThat(admin.call("CONFIG", "SET", "maxmemory", Long.toString(used - 100_000))).isEqualTo(OK);
        assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
        admin.call("CONFIG", "SET", "maxmemory", "0");
        assertThat(count("soon", 200)).isLessThan(200);
        assertThat(count("late", 200)).isEqualTo(200);
    }

    @Test
    void aTrackingClientHearsOfTheEvictedKeyBeforeTheReply() throws InterruptedException {
        RawClient t = raw(port);
        t.call("HELLO", "3");
        assertThat(t.call("CLIENT", "TRACKING", "on")).isEqualTo(OK);
        long used = MemoryInfo.settledUsedMemory(admin);
        admin.call("CONFIG", "SET", "maxmemory", Long.toString(used + 100 * 1024));
        admin.call("CONFIG", "SET", "maxmemory-policy", "volatile-random");
        t.call("SETEX", "volatile-key", "10000", "x");
        assertThat(t.call("GET", "volatile-key")).isEqualTo(bulk("x"));
        // about 200 kB: over the limit, so the next command evicts the one volatile key first
        t.call("SETBIT", "big-key", "1600000", "0");
        assertThat(t.call("GETBIT", "big-key", "0"))
            .isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$12\r\nvolatile-key\r\n");
        assertThat(t.readReply()).isEqualTo(ZERO);
        admin.call("CONFIG", "SET", "maxmemory", "0");
    }

    @Test
    void evictedKeysRaiseKeyspaceEvents() {
        admin.call("CONFIG", "SET", "notify-keyspace-events", "Ee");
        admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        RawClient sub = raw(port);
        assertThat(sub.call("PSUBSCRIBE", "*")).isEqualTo("*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n");
        r.call("SET", "foo", "bar");
        // lowering maxmemory under the used memory evicts at once, as Redis's CONFIG SET does
        assertThat(admin.call("CONFIG", "SET", "maxmemory", "1")).isEqualTo(OK);
        assertThat(sub.readReply()).isEqualTo(bulks("pmessage", "*", "__keyevent@0__:evicted", "foo"));
        admin.call("CONFIG", "SET", "maxmemory", "0");
    }

    @Test
    void evictionsPropagateAsDeletes() throws InterruptedException {
        load("p", 500);
        var feed = own.engine().feed().subscribe();
        try {
            long used = MemoryInfo.settledUsedMemory(r);
            admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
            admin.call("CONFIG", "SET", "lazyfree-lazy-eviction", "yes");
            assertThat(admin.call("CONFIG", "SET", "maxmemory", Long.toString(used - 200_000))).isEqualTo(OK);
            assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
            java.util.Set<String> gone = new java.util.HashSet<>();
            feed.drain(e -> {
                if (e.argv().length == 2 && new String(e.argv()[0]).equals("UNLINK")) {
                    gone.add(new String(e.argv()[1]));
                }
            });
            assertThat(gone).isNotEmpty().hasSize((int) info(r, "evicted_keys"));
            for (String k : gone) {
                assertThat(r.call("EXISTS", k)).isEqualTo(ZERO);
            }
        } finally {
            feed.close();
            admin.call("CONFIG", "SET", "maxmemory", "0");
        }
    }
}
