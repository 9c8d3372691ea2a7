package io.ferrite.memcached;

import io.ferrite.server.Server;
import io.ferrite.testing.MemoryInfo;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.BinaryConnectionFactory;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.DefaultConnectionFactory;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ferrite.testing.Replies.OK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * memcached items under maxmemory: evicted least recently used first, as memcached does by default,
 * with its eviction statistics; refused with its out-of-memory error under memcached-no-evict
 * (memcached's -M); and sharing the budget with RESP keys.
 */
class McEvictionTest {
    private static final String VALUE = "v".repeat(1000);
    private static final String NO_MEMORY = "SERVER_ERROR out of memory storing object\r\n";
    /** Room for about this many items once maxmemory is set. */
    private static final int ROOM = 2_000;

    private static Server start(int shards, Map<String, String> extra) {
        Map<String, String> d = new HashMap<>(extra);
        d.put("memcached-port", Integer.toString(TestServers.freePort()));
        return TestServers.start(shards, d);
    }

    /** Sets maxmemory to used_memory now plus room for about {@link #ROOM} items of {@link #VALUE}. */
    private static void limit(RawClient admin) throws InterruptedException {
        long used = MemoryInfo.settledUsedMemory(admin);
        assertThat(admin.call("CONFIG", "SET", "maxmemory", Long.toString(used + ROOM * 1100L))).isEqualTo(OK);
    }

    private static MemcachedClient client(Server s, String mode) throws Exception {
        ConnectionFactory f = mode.equals("binary") ? new BinaryConnectionFactory() : new DefaultConnectionFactory();
        return new MemcachedClient(f, AddrUtil.getAddresses("127.0.0.1:" + s.memcachedPort()));
    }

    private static Map<String, Long> stats(Server s, String group) throws Exception {
        try (Socket sock = new Socket()) {
            sock.connect(new InetSocketAddress("127.0.0.1", s.memcachedPort()));
            String text = McHardeningTest.call(sock, group.isEmpty() ? "stats\r\n" : "stats " + group + "\r\n", "END\r\n");
            Map<String, Long> m = new HashMap<>();
            Matcher x = Pattern.compile("STAT (\\S+) (\\d+)\r\n").matcher(text);
            while (x.find()) {
                m.put(x.group(1), Long.parseLong(x.group(2)));
            }
            return m;
        }
    }

    @ParameterizedTest(name = "{0} shards {1}")
    @MethodSource("io.ferrite.memcached.SpymemcachedTest#modes")
    void itemsUsedRecentlyOutliveTheRest(int shards, String mode) throws Exception {
        try (Server s = start(shards, Map.of("maxmemory-samples", "10"));
             RawClient admin = new RawClient("127.0.0.1", s.respPort())) {
            limit(admin);
            MemcachedClient c = client(s, mode);
            try {
                List<String> hot = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    hot.add("hot:" + i);
                    assertThat(c.set("hot:" + i, 0, VALUE).get()).isTrue();
                }
                // ten times the room, reading the hot items all along: the cold ones are the least recently used
                for (int i = 0; i < 10 * ROOM; i++) {
                    assertThat(c.set("cold:" + i, 0, VALUE).get(5, TimeUnit.SECONDS)).as("cold:" + i).isTrue();
                    if (i % 100 == 0) {
                        assertThat(c.getBulk(hot)).hasSizeGreaterThan(90);
                    }
                }
                assertThat(c.getBulk(hot)).hasSizeGreaterThan(90);
                int earlyCold = c.getBulk(names("cold:", 0, 1000)).size();
                assertThat(earlyCold).isLessThan(50);
                assertThat(MemoryInfo.field(admin, "used_memory")).isLessThanOrEqualTo(MemoryInfo.field(admin, "maxmemory") * 11 / 10);
                Map<String, Long> st = stats(s, "");
                assertThat(st.get("evictions")).isGreaterThan(8L * ROOM);
                // the evicted are (all but a few by sampling's chance) cold items never read
                assertThat(st.get("evicted_unfetched")).isGreaterThan(st.get("evictions") * 99 / 100);
                assertThat(st.get("evicted_active")).isZero();
                assertThat(st.get("limit_maxbytes")).isEqualTo(MemoryInfo.field(admin, "maxmemory"));
                assertThat(st.get("curr_items") + st.get("evictions")).isEqualTo(100L + 10 * ROOM);
                Map<String, Long> items = stats(s, "items");
                long evicted = items.entrySet().stream().filter(e -> e.getKey().endsWith(":evicted"))
                    .mapToLong(Map.Entry::getValue).sum();
                assertThat(evicted).isEqualTo(st.get("evictions"));
                // memcached items are no Redis data: no evicted_keys, no keyspace event
                assertThat(MemoryInfo.field(admin, "evicted_keys")).isZero();
            } finally {
                c.shutdown();
            }
        }
    }

    private static List<String> names(String prefix, int from, int to) {
        List<String> n = new ArrayList<>();
        for (int i = from; i < to; i++) {
            n.add(prefix + i);
        }
        return n;
    }

    @ParameterizedTest(name = "{0} shards")
    @MethodSource("io.ferrite.testing.TestServers#shardCounts")
    void noEvictRefusesStoresWithMemcachedsError(int shards) throws Exception {
        try (Server s = start(shards, Map.of("memcached-no-evict", "yes"));
             RawClient admin = new RawClient("127.0.0.1", s.respPort());
             Socket sock = new Socket()) {
            limit(admin);
            sock.connect(new InetSocketAddress("127.0.0.1", s.memcachedPort()));
            int stored = 0;
            String reply = "";
            for (int i = 0; i < 3 * ROOM; i++) {
                reply = McHardeningTest.call(sock, "set k" + i + " 0 0 " + VALUE.length() + "\r\n" + VALUE + "\r\n", "\r\n");
                if (!reply.equals("STORED\r\n")) {
                    break;
                }
                stored++;
            }
            assertThat(reply).isEqualTo(NO_MEMORY);
            assertThat(stored).isBetween(ROOM / 2, 2 * ROOM);
            // add, a binary set, meta arithmetic and mg creating on a miss fail alike (nothing freed meanwhile)
            assertThat(McHardeningTest.call(sock, "add k1 0 0 1\r\nx\r\n", "\r\n")).isEqualTo(NO_MEMORY);
            try (Socket bin = new Socket()) {
                // the first byte picks the protocol: binary needs a connection of its own
                bin.connect(new InetSocketAddress("127.0.0.1", s.memcachedPort()));
                bin.getOutputStream().write(binarySet("nokey", "x"));
                InputStream in = bin.getInputStream();
                ByteBuffer h = ByteBuffer.wrap(in.readNBytes(24));
                // memcached's binary words for it: status 0x82, "Out of memory allocating item"
                assertThat(h.getShort(6)).isEqualTo((short) 0x82);
                assertThat(new String(in.readNBytes(h.getInt(8)), java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("Out of memory allocating item");
            }
            assertThat(McHardeningTest.call(sock, "ma nokey N0\r\n", "\r\n")).isEqualTo("SERVER_ERROR Out of memory allocating new item\r\n");
            assertThat(McHardeningTest.call(sock, "mg nokey N0 v\r\n", "\r\n")).isEqualTo("EN\r\n");
            assertThat(McHardeningTest.call(sock, "get k5\r\n", "END\r\n")).startsWith("VALUE k5 0 1000");
            // a SET that fails takes the old value with it, so no stale data stays
            assertThat(McHardeningTest.call(sock, "set k0 0 0 1 noreply\r\nx\r\nget k0\r\n", "END\r\n")).isEqualTo("END\r\n");
            Map<String, Long> st = stats(s, "");
            assertThat(st.get("evictions")).isZero();
            // the text and meta refusals count, the binary one does not (as in memcached)
            assertThat(st.get("store_no_memory")).isEqualTo(3L);
            assertThat(McHardeningTest.call(sock, "stats settings\r\n", "END\r\n")).contains("STAT evictions off\r\n");
            long oom = stats(s, "items").entrySet().stream().filter(e -> e.getKey().endsWith(":outofmemory"))
                .mapToLong(Map.Entry::getValue).sum();
            assertThat(oom).isEqualTo(6L);
        }
    }

    private static byte[] binarySet(String key, String value) {
        ByteBuffer b = ByteBuffer.allocate(24 + 8 + key.length() + value.length());
        b.put((byte) 0x80).put((byte) 0x01).putShort((short) key.length()).put((byte) 8).put((byte) 0).putShort((short) 0)
            .putInt(8 + key.length() + value.length()).putInt(7).putLong(0);
        b.putInt(0).putInt(0).put(key.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .put(value.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return b.array();
    }

    @ParameterizedTest(name = "{0} shards")
    @MethodSource("io.ferrite.testing.TestServers#shardCounts")
    void respKeysAndItemsShareTheBudget(int shards) throws Exception {
        try (Server s = start(shards, Map.of("maxmemory-policy", "allkeys-lru", "maxmemory-eviction-tenacity", "100"));
             RawClient admin = new RawClient("127.0.0.1", s.respPort())) {
            limit(admin);
            MemcachedClient c = client(s, "text");
            try {
                // memory full of RESP keys: memcached stores make room (RESP keys first, then their own items)
                for (int i = 0; i < 2 * ROOM; i++) {
                    assertThat(admin.call("SET", "resp:" + i, VALUE)).isEqualTo(OK);
                }
                long respEvicted = MemoryInfo.field(admin, "evicted_keys");
                assertThat(respEvicted).isGreaterThan(0);
                for (int i = 0; i < 2 * ROOM; i++) {
                    assertThat(c.set("mc:" + i, 0, VALUE).get(5, TimeUnit.SECONDS)).isTrue();
                }
                assertThat(MemoryInfo.field(admin, "evicted_keys")).isGreaterThan(respEvicted);
                assertThat(stats(s, "").get("evictions")).isGreaterThan((long) ROOM / 2);
                assertThat(MemoryInfo.field(admin, "used_memory")).isLessThanOrEqualTo(MemoryInfo.field(admin, "maxmemory") * 11 / 10);
                // memory full of memcached items and no RESP key left: RESP writes evict items
                assertThat(admin.call("FLUSHALL")).isEqualTo(OK);
                for (int i = 0; i < 2 * ROOM; i++) {
                    assertThat(c.set("mc2:" + i, 0, VALUE).get(5, TimeUnit.SECONDS)).isTrue();
                }
                long evictions = stats(s, "").get("evictions");
                for (int i = 0; i < ROOM / 2; i++) {
                    assertThat(admin.call("SET", "again:" + i, VALUE)).isEqualTo(OK);
                }
                assertThat(stats(s, "").get("evictions")).isGreaterThan(evictions);
                assertThat(MemoryInfo.field(admin, "used_memory")).isLessThanOrEqualTo(MemoryInfo.field(admin, "maxmemory") * 11 / 10);
            } finally {
                c.shutdown();
            }
        }
    }

    @ParameterizedTest(name = "{0} shards")
    @MethodSource("io.ferrite.testing.TestServers#shardCounts")
    void underNoevictionItemsCannotDisplaceRespKeys(int shards) throws Exception {
        try (Server s = start(shards, Map.of());
             RawClient admin = new RawClient("127.0.0.1", s.respPort());
             Socket sock = new Socket()) {
            limit(admin);
            String reply = "";
            for (int i = 0; i < 3 * ROOM && !reply.startsWith("-OOM"); i++) {
                reply = admin.call("SET", "resp:" + i, VALUE);
            }
            assertThat(reply).startsWith("-OOM");
            sock.connect(new InetSocketAddress("127.0.0.1", s.memcachedPort()));
            assertThat(McHardeningTest.call(sock, "set k 0 0 1\r\nx\r\n", "\r\n")).isEqualTo(NO_MEMORY);
            // once the RESP keys go, items are stored again
            assertThat(admin.call("FLUSHALL")).isEqualTo(OK);
            assertThat(McHardeningTest.call(sock, "set k 0 0 1\r\nx\r\n", "\r\n")).isEqualTo("STORED\r\n");
        }
    }
}
