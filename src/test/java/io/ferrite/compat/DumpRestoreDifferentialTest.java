package io.ferrite.compat;

import io.ferrite.persistence.rdb.RdbFormatException;
import io.ferrite.persistence.rdb.RdbInput;
import io.ferrite.persistence.rdb.RdbOutput;
import io.ferrite.testing.DumpDataset;
import io.ferrite.testing.FerriteTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DUMP payloads between Ferrite and a real Redis 7.0, both ways, for every type and encoding: a
 * payload from one restores on the other to a value with the same DEBUG DIGEST-VALUE and the same
 * OBJECT ENCODING. Where the encodings keep an order both sides share, Ferrite's payload is Redis's:
 * byte for byte when no string in it is LZF-compressed, and equal once decompressed otherwise
 * (com.ning's LZF compressor finds other matches than Redis's lzf.c; both decompress the other's).
 */
class DumpRestoreDifferentialTest extends FerriteTest {
    /** Hash-table encodings iterate in each server's own bucket order; streams hold delivery times. */
    private static final Set<String> ORDER_OR_TIME_DEPENDENT = Set.of("set:hashtable", "hash:hashtable", "stream:groups");
    private static RedisProcess reference;

    @BeforeAll
    static void startRedis() throws Exception {
        reference = ReferenceRedis.start("the DUMP / RESTORE comparison needs a real Redis 7.0");
    }

    @AfterAll
    static void stopRedis() {
        if (reference != null) {
            reference.close();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String digest(Jedis j, String key) {
        List<?> r = (List<?>) j.sendCommand(() -> b("DEBUG"), b("DIGEST-VALUE"), b(key));
        return new String((byte[]) r.get(0), StandardCharsets.US_ASCII);
    }

    @Test
    void payloadsMoveBothWaysWithTheSameDigests() {
        Jedis f = jedis();
        try (Jedis r = new Jedis("127.0.0.1", reference.port, 10_000)) {
            r.flushAll();
            DumpDataset.load(r);
            DumpDataset.load(f);
            List<String> byteIdentical = new ArrayList<>();
            for (String k : DumpDataset.KEYS) {
                assertThat(digest(f, k)).as(k).isEqualTo(digest(r, k));
                byte[] fromRedis = r.dump(b(k));
                byte[] fromFerrite = f.dump(b(k));
                assertThat(f.restore(b(k + ":from-redis"), 0, fromRedis)).isEqualTo("OK");
                assertThat(r.restore(b(k + ":from-ferrite"), 0, fromFerrite)).isEqualTo("OK");
                String d = digest(r, k);
                assertThat(digest(f, k + ":from-redis")).as(k).isEqualTo(d);
                assertThat(digest(r, k + ":from-ferrite")).as(k).isEqualTo(d);
                assertThat(f.objectEncoding(k + ":from-redis")).as(k).isEqualTo(r.objectEncoding(k));
                assertThat(r.objectEncoding(k + ":from-ferrite")).as(k).isEqualTo(r.objectEncoding(k));
                if (!ORDER_OR_TIME_DEPENDENT.contains(k)) {
                    assertThat(uncompressed(fromFerrite)).as(k).isEqualTo(uncompressed(fromRedis));
                    if (Arrays.equals(fromFerrite, fromRedis)) {
                        byteIdentical.add(k);
                    }
                }
            }
            // the payloads with no compressed string in them are Redis's exactly
            assertThat(byteIdentical).contains("str:int", "str:embstr", "str:bigint", "list:small", "list:huge",
                "hash:listpack", "zset:listpack", "zset:skiplist", "stream:empty");
        }
    }

    /** Compressible strings from 21 bytes to several megabytes: each side decompresses the other's LZF. */
    @Test
    void compressedStringsOfEverySizeMoveBothWays() {
        Jedis f = jedis();
        Random rnd = new Random(7);
        String[] words = new String[300];
        for (int i = 0; i < words.length; i++) {
            words[i] = Long.toString(rnd.nextLong() & 0xFFFFFF, 36);
        }
        try (Jedis r = new Jedis("127.0.0.1", reference.port, 10_000)) {
            for (int size : new int[] {21, 25, 100, 70_000, 1 << 20, 3 << 20}) {
                StringBuilder sb = new StringBuilder(size + 16);
                while (sb.length() < size) {
                    sb.append(words[rnd.nextInt(words.length)]).append(' ');
                }
                byte[] v = b(sb.substring(0, size));
                f.set(b("big"), v);
                r.set(b("big"), v);
                assertThat(r.restore(b("from-ferrite"), 0, f.dump(b("big")))).isEqualTo("OK");
                assertThat(f.restore(b("from-redis"), 0, r.dump(b("big")))).isEqualTo("OK");
                assertThat(r.get(b("from-ferrite"))).as("size " + size).isEqualTo(v);
                assertThat(f.get(b("from-redis"))).as("size " + size).isEqualTo(v);
                r.del("from-ferrite");
                f.del("from-redis");
            }
        }
    }

    /**
     * With rdbcompression no, nothing is LZF-compressed, so the payloads of values whose encodings
     * match are Redis's bytes exactly, compressible strings and list nodes included.
     */
    @Test
    void withoutCompressionPayloadsAreRedisBytes() {
        Jedis f = jedis();
        try (Jedis r = new Jedis("127.0.0.1", reference.port, 10_000)) {
            r.flushAll();
            String text = "abc".repeat(400);
            for (Jedis j : List.of(f, r)) {
                j.configSet("rdbcompression", "no");
                j.set("s", text);
                for (int i = 0; i < 50; i++) {
                    j.rpush("l", text.substring(i));
                }
            }
            try {
                for (String k : List.of("s", "l")) {
                    byte[] mine = f.dump(b(k));
                    assertThat(mine).as(k).isEqualTo(r.dump(b(k)));
                    // and longer than the compressed payload DUMP gives by default
                    f.configSet("rdbcompression", "yes");
                    assertThat(mine.length).as(k).isGreaterThan(f.dump(b(k)).length);
                    f.configSet("rdbcompression", "no");
                }
            } finally {
                f.configSet("rdbcompression", "yes");
                r.configSet("rdbcompression", "yes");
                r.flushAll();
                f.del("s", "l");
            }
        }
    }

    /**
     * Plain quicklist nodes (an element at or over DEBUG QUICKLIST-PACKED-THRESHOLD gets a node of
     * its own) and count-limited nodes (a positive list-max-listpack-size): Redis's layout, node for node.
     */
    @Test
    void plainAndCountLimitedListNodesAreRedisBytes() {
        Jedis f = jedis();
        try (Jedis r = new Jedis("127.0.0.1", reference.port, 10_000)) {
            r.flushAll();
            for (Jedis j : List.of(f, r)) {
                j.sendCommand(() -> b("DEBUG"), b("QUICKLIST-PACKED-THRESHOLD"), b("100"));
            }
            try {
                for (Jedis j : List.of(f, r)) {
                    j.rpush("plain", "a", "p".repeat(150), "b", "c", "q".repeat(100));
                }
                assertThat(uncompressed(f.dump(b("plain")))).isEqualTo(uncompressed(r.dump(b("plain"))));
                assertThat(f.restore(b("plain:from-redis"), 0, r.dump(b("plain")))).isEqualTo("OK");
                assertThat(digest(f, "plain:from-redis")).isEqualTo(digest(r, "plain"));
            } finally {
                for (Jedis j : List.of(f, r)) {
                    j.sendCommand(() -> b("DEBUG"), b("QUICKLIST-PACKED-THRESHOLD"), b("0"));
                }
            }
            // Ferrite regroups a list's elements when it dumps them, under the setting in force then
            List<byte[]> dumps = new ArrayList<>();
            for (Jedis j : List.of(f, r)) {
                j.configSet("list-max-listpack-size", "3");
                j.rpush("counted", "1", "2", "3", "4", "5", "6", "7");
                dumps.add(j.dump(b("counted")));
                j.configSet("list-max-listpack-size", "-2");
            }
            assertThat(HexFormat.of().formatHex(dumps.get(0))).isEqualTo(HexFormat.of().formatHex(dumps.get(1)));
        }
    }

    /**
     * A payload with every LZF string expanded (and the checksum dropped), for the types whose
     * layout is strings and lengths: the same value in the same encoding then gives the same bytes.
     */
    static String uncompressed(byte[] payload) {
        try {
            RdbInput in = new RdbInput(payload, 0, payload.length - 10);
            RdbOutput out = new RdbOutput(payload.length * 2);
            int type = in.readByte();
            out.writeByte(type);
            switch (type) {
                case 0, 11, 16, 17 -> raw(out, in.readString());
                case 2 -> strings(in, out, 1);
                case 4 -> strings(in, out, 2);
                case 5 -> {
                    long n = in.readLen();
                    out.writeLen(n);
                    for (long i = 0; i < n; i++) {
                        raw(out, in.readString());
                        out.writeRaw(in.readRaw(8));
                    }
                }
                case 18 -> {
                    long n = in.readLen();
                    out.writeLen(n);
                    for (long i = 0; i < n; i++) {
                        out.writeLen(in.readLen());
                        raw(out, in.readString());
                    }
                }
                case 19 -> {
                    // the node keys and listpacks, then metadata whose strings (group and consumer names) are short
                    long n = in.readLen();
                    out.writeLen(n);
                    for (long i = 0; i < 2 * n; i++) {
                        raw(out, in.readString());
                    }
                    out.writeRaw(in.readRaw(in.remaining()));
                }
                default -> throw new AssertionError("no normalisation for type " + type);
            }
            return HexFormat.of().formatHex(out.toByteArray());
        } catch (RdbFormatException e) {
            throw new AssertionError(e);
        }
    }

    private static void strings(RdbInput in, RdbOutput out, int perElement) throws RdbFormatException {
        long n = in.readLen();
        out.writeLen(n);
        for (long i = 0; i < n * perElement; i++) {
            raw(out, in.readString());
        }
    }

    private static void raw(RdbOutput out, byte[] s) {
        out.writeLen(s.length);
        out.writeRaw(s);
    }
}
