package io.ferrite.command.family;

import io.ferrite.engine.feed.FeedEntry;
import io.ferrite.engine.feed.FeedSubscription;
import io.ferrite.persistence.rdb.Crc64;
import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DUMP and RESTORE within Ferrite: every type in each encoding survives the round trip with the
 * same digest and encoding; RESTORE's options and errors in Redis's order and words; a payload
 * Redis wrote in an old encoding (ziplist, RDB version 4) loads.
 */
class DumpFamilyTest extends FerriteTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Object cmd(Jedis j, String... args) {
        byte[][] rest = new byte[args.length - 1][];
        for (int i = 1; i < args.length; i++) {
            rest[i - 1] = b(args[i]);
        }
        return j.sendCommand(() -> b(args[0]), rest);
    }

    private static String digest(Jedis j, String key) {
        List<?> r = (List<?>) cmd(j, "DEBUG", "DIGEST-VALUE", key);
        return new String((byte[]) r.get(0), StandardCharsets.US_ASCII);
    }

    /** Builds the data set: keys named after the encoding each should have. */
    static List<String[]> dataset() {
        List<String[]> cmds = new ArrayList<>();
        cmds.add(new String[] {"SET", "str:int", "12345"});
        cmds.add(new String[] {"SET", "str:embstr", "hello"});
        cmds.add(new String[] {"SET", "str:raw", "x".repeat(100)});
        cmds.add(new String[] {"SET", "str:bigint", "-9223372036854775808"});
        cmds.add(new String[] {"RPUSH", "list:small", "a", "1", "-2"});
        List<String> big = new ArrayList<>(List.of("RPUSH", "list:big"));
        for (int i = 0; i < 1000; i++) {
            big.add(i % 3 == 0 ? Integer.toString(i * 1000) : "element-" + i);
        }
        cmds.add(big.toArray(String[]::new));
        cmds.add(new String[] {"RPUSH", "list:huge", "a", "y".repeat(10_000), "b"});
        cmds.add(new String[] {"SADD", "set:intset", "1", "2", "-5", "100000", "5000000000"});
        cmds.add(new String[] {"SADD", "set:hashtable", "a", "b", "1"});
        cmds.add(new String[] {"HSET", "hash:listpack", "f1", "v1", "f2", "2", "3", ""});
        List<String> bigH = new ArrayList<>(List.of("HSET", "hash:hashtable"));
        for (int i = 0; i < 300; i++) {
            bigH.add("field" + i);
            bigH.add(i % 2 == 0 ? Integer.toString(i) : "value" + i);
        }
        cmds.add(bigH.toArray(String[]::new));
        cmds.add(new String[] {"ZADD", "zset:listpack", "1.5", "a", "-0.25", "b", "3", "c", "1e100", "d", "inf", "e",
            "-inf", "f", "0.1", "g", "5", "42"});
        List<String> bigZ = new ArrayList<>(List.of("ZADD", "zset:skiplist"));
        for (int i = 0; i < 300; i++) {
            bigZ.add(Double.toString(i / 7.0));
            bigZ.add("member" + i);
        }
        cmds.add(bigZ.toArray(String[]::new));
        cmds.add(new String[] {"XADD", "stream:groups", "1-1", "f", "v", "n", "1"});
        cmds.add(new String[] {"XADD", "stream:groups", "1-2", "f", "w"});
        cmds.add(new String[] {"XADD", "stream:groups", "2-0", "other", "x"});
        cmds.add(new String[] {"XADD", "stream:groups", "18446744073709551614-5", "f", "y", "n", "-77"});
        cmds.add(new String[] {"XDEL", "stream:groups", "1-2"});
        cmds.add(new String[] {"XGROUP", "CREATE", "stream:groups", "g1", "0"});
        cmds.add(new String[] {"XGROUP", "CREATE", "stream:groups", "g2", "$"});
        cmds.add(new String[] {"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "stream:groups", ">"});
        cmds.add(new String[] {"XREADGROUP", "GROUP", "g1", "bob", "COUNT", "1", "STREAMS", "stream:groups", ">"});
        cmds.add(new String[] {"XGROUP", "CREATECONSUMER", "stream:groups", "g2", "carol"});
        cmds.add(new String[] {"XADD", "stream:empty", "MAXLEN", "0", "*", "f", "v"});
        for (int i = 1; i <= 250; i++) {
            cmds.add(new String[] {"XADD", "stream:nodes", i + "-0", "field", "value" + i});
        }
        return cmds;
    }

    static final String[] KEYS = {"str:int", "str:embstr", "str:raw", "str:bigint", "list:small", "list:big",
        "list:huge", "set:intset", "set:hashtable", "hash:listpack", "hash:hashtable", "zset:listpack",
        "zset:skiplist", "stream:groups", "stream:empty", "stream:nodes"};

    static void load(Jedis j) {
        for (String[] c : dataset()) {
            cmd(j, c);
        }
    }

    @Test
    void everyTypeAndEncodingRoundTrips() {
        Jedis j = jedis();
        load(j);
        for (String k : KEYS) {
            byte[] payload = j.dump(b(k));
            assertThat(payload).as(k).isNotNull();
            assertThat(j.restore(b(k + ":copy"), 0, payload)).isEqualTo("OK");
            assertThat(digest(j, k + ":copy")).as(k).isEqualTo(digest(j, k));
            assertThat(j.objectEncoding(k + ":copy")).as(k).isEqualTo(j.objectEncoding(k));
            // and what was restored dumps to the same bytes
            assertThat(j.dump(b(k + ":copy"))).as(k).isEqualTo(payload);
        }
        assertThat(raw().call("XINFO", "GROUPS", "stream:groups:copy")).isEqualTo(raw().call("XINFO", "GROUPS", "stream:groups"));
        assertThat(raw().call("XPENDING", "stream:groups:copy", "g1"))
            .isEqualTo(raw().call("XPENDING", "stream:groups", "g1"));
    }

    @Test
    void dumpOfAMissingKeyIsNil() {
        assertThat(raw().call("DUMP", "nokey")).isEqualTo("$-1\r\n");
    }

    @Test
    void restoreChecksInRedisOrder() {
        Jedis j = jedis();
        j.set("k", "v");
        byte[] payload = j.dump(b("k"));
        assertThat(raw().call("RESTORE", "k", "0", "x", "foo")).isEqualTo("-ERR syntax error\r\n");
        assertThat(raw().call("RESTORE", "k", "0", "x", "idletime")).isEqualTo("-ERR syntax error\r\n");
        assertThat(raw().call("RESTORE", "k", "0", "x", "idletime", "1", "freq", "2")).isEqualTo("-ERR syntax error\r\n");
        assertThat(raw().call("RESTORE", "k", "0", "x", "idletime", "-1"))
            .isEqualTo("-ERR Invalid IDLETIME value, must be >= 0\r\n");
        assertThat(raw().call("RESTORE", "k", "0", "x", "freq", "256"))
            .isEqualTo("-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n");
        assertThat(raw().call("RESTORE", "k", "0", "x", "freq", "x"))
            .isEqualTo("-ERR value is not an integer or out of range\r\n");
        // the key check comes before the TTL and payload checks
        assertThat(raw().call("RESTORE", "k", "-1", "x")).isEqualTo("-BUSYKEY Target key name already exists.\r\n");
        assertThat(raw().call("RESTORE", "n", "-1", "x")).isEqualTo("-ERR Invalid TTL value, must be >= 0\r\n");
        assertThat(raw().call("RESTORE", "n", "abc", "x")).isEqualTo("-ERR value is not an integer or out of range\r\n");
        assertThat(raw().call("RESTORE", "n", "0", "x")).isEqualTo("-ERR DUMP payload version or checksum are wrong\r\n");
        byte[] corrupt = payload.clone();
        corrupt[1] ^= 1;
        assertThatThrownBy(() -> j.restore(b("n"), 0, corrupt)).hasMessage("ERR DUMP payload version or checksum are wrong");
        byte[] newer = payload.clone();
        newer[newer.length - 10] = 11;
        assertThatThrownBy(() -> j.restore(b("n"), 0, newer)).hasMessage("ERR DUMP payload version or checksum are wrong");
        assertThat(j.exists("n")).isFalse();
    }

    @Test
    void badDataFormatWhenTheChecksumIsRightButTheValueIsNot() {
        // type 0 (string) claiming 5 bytes with only 2 present, version 10, correct CRC-64
        byte[] body = {0, 5, 'a', 'b', 10, 0};
        byte[] payload = withCrc(body);
        assertThatThrownBy(() -> jedis().restore(b("k"), 0, payload)).hasMessage("ERR Bad data format");
        // an unknown type
        assertThatThrownBy(() -> jedis().restore(b("k"), 0, withCrc(new byte[] {42, 0, 10, 0})))
            .hasMessage("ERR Bad data format");
    }

    static byte[] withCrc(byte[] bodyAndVersion) {
        long crc = Crc64.of(bodyAndVersion, 0, bodyAndVersion.length);
        byte[] p = new byte[bodyAndVersion.length + 8];
        System.arraycopy(bodyAndVersion, 0, p, 0, bodyAndVersion.length);
        for (int i = 0; i < 8; i++) {
            p[bodyAndVersion.length + i] = (byte) (crc >>> (8 * i));
        }
        return p;
    }

    @Test
    void replaceAbsttlAndIdletime() {
        Jedis j = jedis();
        j.set("src", "value");
        byte[] payload = j.dump(b("src"));
        j.set("dst", "old");
        assertThat(new String((byte[]) j.sendCommand(() -> b("RESTORE"), b("dst"), b("0"), payload, b("REPLACE")),
            StandardCharsets.US_ASCII)).isEqualTo("OK");
        assertThat(j.get("dst")).isEqualTo("value");
        assertThat(j.ttl("dst")).isEqualTo(-1);

        assertThat(j.restore(b("rel"), 100_000, payload)).isEqualTo("OK");
        assertThat(j.pttl("rel")).isBetween(90_000L, 100_000L);

        long at = System.currentTimeMillis() + 200_000;
        j.sendCommand(() -> b("RESTORE"), b("abs"), b(Long.toString(at)), payload, b("ABSTTL"));
        assertThat(j.pexpireTime("abs")).isEqualTo(at);

        // an absolute time in the past: OK, and no key
        j.sendCommand(() -> b("RESTORE"), b("past"), b("1"), payload, b("ABSTTL"));
        assertThat(j.exists("past")).isFalse();

        j.sendCommand(() -> b("RESTORE"), b("idle"), b("0"), payload, b("IDLETIME"), b("1000"));
        assertThat(j.objectIdletime("idle")).isBetween(1000L, 1002L);
        // FREQ is accepted and ignored under an LRU policy, as Redis does
        j.sendCommand(() -> b("RESTORE"), b("freq"), b("0"), payload, b("FREQ"), b("100"));
        assertThat(j.get("freq")).isEqualTo("value");
    }

    @Test
    void restoreWithReplaceOfAnExpiredPayloadDeletesTheOldKey() {
        Jedis j = jedis();
        j.set("src", "value");
        byte[] payload = j.dump(b("src"));
        j.set("k", "old");
        j.sendCommand(() -> b("RESTORE"), b("k"), b("1"), payload, b("ABSTTL"), b("REPLACE"));
        assertThat(j.exists("k")).isFalse();
    }

    @Test
    void restorePropagatesARelativeTtlAsAbsttl() throws Exception {
        Server own = ownServer(Map.of());
        try (Jedis j = new Jedis("127.0.0.1", own.respPort()); FeedSubscription sub = own.engine().feed().subscribe()) {
            j.set("src", "value");
            byte[] payload = j.dump(b("src"));
            j.restore(b("a"), 100_000, payload);
            j.restore(b("b"), 0, payload);
            List<String> lines = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 5000;
            while (lines.size() < 3 && System.currentTimeMillis() < deadline) {
                FeedEntry e = sub.take(100, TimeUnit.MILLISECONDS);
                if (e != null) {
                    List<String> words = new ArrayList<>();
                    byte[][] argv = e.argv();
                    for (int i = 0; i < argv.length; i++) {
                        boolean payloadArg = i == 3 && new String(argv[0], StandardCharsets.US_ASCII).equals("RESTORE");
                        words.add(payloadArg ? "<payload>" : new String(argv[i], StandardCharsets.ISO_8859_1));
                    }
                    lines.add(String.join(" ", words));
                }
            }
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).startsWith("SET src value");
            assertThat(lines.get(1)).matches("RESTORE a \\d{13} <payload> ABSTTL");
            assertThat(Long.parseLong(lines.get(1).split(" ")[2])).isGreaterThan(System.currentTimeMillis());
            assertThat(lines.get(2)).doesNotContain("ABSTTL").startsWith("RESTORE b 0 ");
        }
    }
}
