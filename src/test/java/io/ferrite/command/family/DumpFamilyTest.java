package io.ferrite.command.family;

import io.ferrite.engine.feed.FeedEntry;
import io.ferrite.engine.feed.FeedSubscription;
import io.ferrite.persistence.rdb.Crc64;
import io.ferrite.server.Server;
import io.ferrite.testing.DumpDataset;
import io.ferrite.testing.FerriteTest;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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

    @Test
    void everyTypeAndEncodingRoundTrips() {
        Jedis j = jedis();
        DumpDataset.load(j);
        for (String k : DumpDataset.KEYS) {
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
    void restoreWakesAClientBlockedOnTheKey() throws Exception {
        Jedis j = jedis();
        j.rpush("src", "x");
        byte[] payload = j.dump(b("src"));
        Jedis waiter = jedis();
        CompletableFuture<List<String>> popped =
            CompletableFuture.supplyAsync(() -> waiter.blpop(5, "q"));
        long deadline = System.currentTimeMillis() + 5000;
        while (!raw().call("CLIENT", "LIST").contains("cmd=blpop") && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(j.restore(b("q"), 0, payload)).isEqualTo("OK");
        assertThat(popped.get(5, TimeUnit.SECONDS)).containsExactly("q", "x");
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
    void debugCanSkipTheChecksumCheck() {
        Jedis j = jedis();
        j.set("k", "v");
        byte[] payload = j.dump(b("k"));
        payload[payload.length - 1] ^= 1;
        assertThatThrownBy(() -> j.restore(b("n"), 0, payload)).hasMessage("ERR DUMP payload version or checksum are wrong");
        assertThat(raw().call("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1")).isEqualTo("+OK\r\n");
        try {
            assertThat(j.restore(b("n"), 0, payload)).isEqualTo("OK");
            byte[] newer = payload.clone();
            newer[newer.length - 10] = 11;
            assertThatThrownBy(() -> j.restore(b("m"), 0, newer)).hasMessage("ERR DUMP payload version or checksum are wrong");
        } finally {
            raw().call("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0");
        }
        assertThat(j.get("n")).isEqualTo("v");
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

    /** Every truncation of every dataset payload, resealed with a right checksum: OK or "Bad data format", and the server lives on. */
    @Test
    void truncatedPayloadsAreRefusedOrRestoredNeverFatal() {
        Jedis j = jedis();
        DumpDataset.load(j);
        int refused = 0;
        for (String k : DumpDataset.KEYS) {
            byte[] p = j.dump(b(k));
            int body = p.length - 10;
            for (int cut = 0; cut < body; cut += Math.max(1, body / 40)) {
                byte[] t = new byte[cut + 2];
                System.arraycopy(p, 0, t, 0, cut);
                t[cut] = 10;
                try {
                    assertThat(j.restore(b("t"), 0, withCrc(t))).isEqualTo("OK");
                    j.del("t");
                } catch (JedisDataException e) {
                    assertThat(e.getMessage()).isEqualTo("ERR Bad data format");
                    refused++;
                }
            }
        }
        assertThat(refused).isPositive();
        assertThat(j.ping()).isEqualTo("PONG");
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
            // already expired: nothing to propagate for a key that never existed, DEL for one replaced
            j.sendCommand(() -> b("RESTORE"), b("c"), b("1"), payload, b("ABSTTL"));
            j.sendCommand(() -> b("RESTORE"), b("b"), b("1"), payload, b("ABSTTL"), b("REPLACE"));
            List<String> lines = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 5000;
            while (lines.size() < 4 && System.currentTimeMillis() < deadline) {
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
            assertThat(lines).hasSize(4);
            assertThat(lines.get(3)).isEqualTo("DEL b");
            assertThat(lines.get(0)).startsWith("SET src value");
            assertThat(lines.get(1)).matches("RESTORE a \\d{13} <payload> ABSTTL");
            assertThat(Long.parseLong(lines.get(1).split(" ")[2])).isGreaterThan(System.currentTimeMillis());
            assertThat(lines.get(2)).doesNotContain("ABSTTL").startsWith("RESTORE b 0 ");
        }
    }
}
