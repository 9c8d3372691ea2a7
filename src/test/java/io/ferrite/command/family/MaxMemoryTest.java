package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.MemoryInfo;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.RestoreParams;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulk;
import static org.assertj.core.api.Assertions.assertThat;

/** maxmemory with Redis's noeviction policy: writes are refused with OOM once over it, on a private server. */
class MaxMemoryTest extends FerriteTest {
    private static final String OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
    private RawClient r;
    private RawClient admin;
    private int port;

    @BeforeEach
    void start() throws InterruptedException {
        port = ownServer(Map.of("maxmemory-eviction-tenacity", "100")).respPort();
        r = raw(port);
        admin = raw(port);
        r.call("SET", "x", "value");
        baselineUsed = MemoryInfo.settledUsedMemory(admin);
    }

    @Test
    void writesAreRefusedOverTheLimitAndReadsAndDeletesStillRun() {
        assertThat(admin.call("CONFIG", "SET", "maxmemory", "1")).isEqualTo(OK);
        assertThat(r.call("SET", "y", "1")).isEqualTo(OOM);
        assertThat(r.call("LPUSH", "l", "1")).isEqualTo(OOM);
        assertThat(r.call("GET", "x")).isEqualTo(bulk("value"));
        assertThat(r.call("DEL", "x")).isEqualTo(ONE);
        assertThat(r.call("INFO", "memory")).contains("maxmemory:1\r\nmaxmemory_human:1B\r\nmaxmemory_policy:noeviction\r\n");
        assertThat(admin.call("CONFIG", "SET", "maxmemory", "0")).isEqualTo(OK);
        assertThat(r.call("SET", "y", "1")).isEqualTo(OK);
        assertThat(r.call("INFO", "memory")).contains("maxmemory:0\r\n");
    }

    @Test
    void transactionsOverTheLimitAsRedis() {
        // queueing over the limit is refused and aborts the transaction
        r.call("MULTI");
        r.call("SET", "a", "1");
        admin.call("CONFIG", "SET", "maxmemory", "1");
        assertThat(r.call("GET", "x")).isEqualTo(OOM);
        admin.call("CONFIG", "SET", "maxmemory", "0");
        assertThat(r.call("EXEC")).startsWith("-EXECABORT");
        assertThat(r.call("EXISTS", "a")).isEqualTo(ZERO);
        // DISCARD still works
        admin.call("CONFIG", "SET", "maxmemory", "1");
        r.call("MULTI");
        assertThat(r.call("SET", "a", "1")).isEqualTo(OOM);
        assertThat(r.call("DISCARD")).isEqualTo(OK);
        admin.call("CONFIG", "SET", "maxmemory", "0");
        // an EXEC of reads only runs; one holding a write is refused with the OOM reason
        r.call("MULTI");
        r.call("GET", "x");
        r.call("PING");
        admin.call("CONFIG", "SET", "maxmemory", "1");
        assertThat(r.call("EXEC")).isEqualTo("*2\r\n$5\r\nvalue\r\n+PONG\r\n");
        admin.call("CONFIG", "SET", "maxmemory", "0");
        r.call("MULTI");
        r.call("SET", "x", "1");
        r.call("GET", "x");
        admin.call("CONFIG", "SET", "maxmemory", "1");
        assertThat(r.call("EXEC")).isEqualTo("-EXECABORT Transaction discarded because of: "
            + "OOM command not allowed when used memory > 'maxmemory'.\r\n");
        admin.call("CONFIG", "SET", "maxmemory", "0");
        assertThat(r.call("GET", "x")).isEqualTo(bulk("value"));
    }

    @Test
    void everyPolicyIsAcceptedAndABadOneRefused() {
        for (String p : new String[] {"allkeys-lfu", "volatile-lfu", "allkeys-lru", "volatile-lru", "allkeys-random",
                "volatile-random", "volatile-ttl", "noeviction"}) {
            assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", p)).as(p).isEqualTo(OK);
        }
        assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", "bad")).startsWith("-ERR CONFIG SET failed "
            + "(possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following:");
    }

    /**
     * Under an LFU policy a new key starts at Redis's LFU_INIT_VAL (5) and, with lfu-log-factor 0,
     * every lookup adds one (as real Redis 7.0.15 answers: 5, then 105 after 100 GETs, 106 after
     * an overwrite); OBJECT IDLETIME is refused, and OBJECT FREQ once the policy is LRU again.
     */
    @Test
    void lfuCountersGrowWithAccessesAsRedisCountsThem() {
        assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu", "lfu-log-factor", "0")).isEqualTo(OK);
        assertThat(r.call("SET", "k", "v")).isEqualTo(OK);
        assertThat(r.call("OBJECT", "FREQ", "k")).isEqualTo(":5\r\n");
        for (int i = 0; i < 100; i++) {
            r.call("GET", "k");
        }
        assertThat(r.call("OBJECT", "FREQ", "k")).isEqualTo(":105\r\n");
        r.call("SET", "k", "v2");
        assertThat(r.call("OBJECT", "FREQ", "k")).isEqualTo(":106\r\n");
        assertThat(r.call("OBJECT", "IDLETIME", "k")).startsWith("-ERR An LFU maxmemory policy is selected, idle time not tracked.");
        assertThat(r.call("DEBUG", "RELOAD")).isEqualTo(OK);
        assertThat(r.call("OBJECT", "FREQ", "k")).as("the FREQ a save writes and a load reads").isEqualTo(":106\r\n");
        String dump = r.call("DUMP", "k");
        assertThat(r.call("OBJECT", "FREQ", "k")).isEqualTo(":107\r\n");
        assertThat(dump).startsWith("$");
        admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        assertThat(r.call("OBJECT", "FREQ", "k")).startsWith("-ERR An LFU maxmemory policy is not selected");
    }

    @Test
    void restoreWithFreqSetsTheCounterUnderAnLfuPolicy() {
        assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", "volatile-lfu")).isEqualTo(OK);
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            j.set("src", "value");
            byte[] payload = j.dump("src");
            assertThat(j.restore("dst".getBytes(), 0, payload,
                RestoreParams.restoreParams().frequency(100))).isEqualTo("OK");
        }
        assertThat(r.call("OBJECT", "FREQ", "dst")).isEqualTo(":100\r\n");
    }

    /** allkeys-lfu evicts the keys used least: the often-read ones survive a limit that removes most keys. */
    @Test
    void allkeysLfuEvictsTheLeastUsedKeys() throws InterruptedException {
        assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu", "lfu-log-factor", "0",
            "maxmemory-samples", "10")).isEqualTo(OK);
        for (int i = 0; i < 400; i++) {
            r.call("SET", "cold:" + i, "x".repeat(1000));
        }
        for (int i = 0; i < 20; i++) {
            r.call("SET", "hot:" + i, "x".repeat(1000));
            for (int n = 0; n < 30; n++) {
                r.call("GET", "hot:" + i);
            }
        }
        long used = MemoryInfo.settledUsedMemory(admin);
        // room for about a quarter of the keys
        long limit = used - (used - baseline()) * 3 / 4;
        assertThat(admin.call("CONFIG", "SET", "maxmemory", Long.toString(limit))).isEqualTo(OK);
        assertThat(r.call("SET", "trigger", "1")).isEqualTo(OK);
        int dbsize = Integer.parseInt(r.call("DBSIZE").substring(1).strip());
        assertThat(dbsize).as("keys left").isLessThan(300);
        for (int i = 0; i < 20; i++) {
            assertThat(r.call("EXISTS", "hot:" + i)).as("hot:" + i).isEqualTo(ONE);
        }
        admin.call("CONFIG", "SET", "maxmemory", "0");
    }

    /** Redis's shared integers (OBJECT REFCOUNT 2147483647) are not used under maxmemory with an LRU or LFU policy. */
    @Test
    void integersAreNotSharedUnderMaxmemoryWithAnLruOrLfuPolicy() {
        assertThat(r.call("SET", "a", "1")).isEqualTo(OK);
        assertThat(r.call("OBJECT", "REFCOUNT", "a")).isEqualTo(":2147483647\r\n");
        assertThat(admin.call("CONFIG", "SET", "maxmemory", "1gb", "maxmemory-policy", "allkeys-random")).isEqualTo(OK);
        assertThat(r.call("OBJECT", "REFCOUNT", "a")).isEqualTo(":2147483647\r\n");
        for (String policy : new String[] {"allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu"}) {
            assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", policy)).isEqualTo(OK);
            assertThat(r.call("OBJECT", "REFCOUNT", "a")).as(policy).isEqualTo(":1\r\n");
        }
        assertThat(admin.call("CONFIG", "SET", "maxmemory", "0")).isEqualTo(OK);
        assertThat(r.call("OBJECT", "REFCOUNT", "a")).isEqualTo(":2147483647\r\n");
    }

    /** used_memory of the same server with nothing in it but "x". */
    private long baseline() {
        return baselineUsed;
    }

    private long baselineUsed;

    /** Redis's "Don't rehash if used memory exceeds maxmemory after rehash": a key table's growth must not evict. */
    @Test
    void aKeyTableDoesNotGrowPastMaxmemory() {
        io.ferrite.server.Server one = io.ferrite.testing.TestServers.start(1, Map.of("maxmemory-policy", "allkeys-random"));
        try (RawClient c = raw(one.respPort())) {
            String[] mset = new String[1 + 2 * 4096];
            mset[0] = "MSET";
            for (int i = 0; i < 4096; i++) {
                mset[1 + 2 * i] = Integer.toString(i);
                mset[2 + 2 * i] = "x";
            }
            assertThat(c.call(mset)).isEqualTo(OK);
            // the table is full (4096 keys in 4096 buckets): the next key would double it, 16 KB more.
            // One client throughout, never idle, as the Tcl test: an idle client's query buffer is
            // given back and taken again by its next command, 16 KB that are not the table's
            long limit = MemoryInfo.field(c, "used_memory") + 10 * 1024;
            assertThat(c.call("CONFIG", "SET", "maxmemory", Long.toString(limit))).isEqualTo(OK);
            assertThat(c.call("SET", "k1", "v1")).isEqualTo(OK);
            assertThat(c.call("SET", "k2", "v2")).isEqualTo(OK);
            assertThat(c.call("DBSIZE")).isEqualTo(":4098\r\n");
            assertThat(MemoryInfo.field(c, "evicted_keys")).isZero();
        } finally {
            one.close();
        }
    }
}
