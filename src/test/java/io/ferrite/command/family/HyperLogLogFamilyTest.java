package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static io.ferrite.testing.Replies.NIL_ARRAY;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.WRONGTYPE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.arity;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

class HyperLogLogFamilyTest extends FerriteTest {
    /** PFADD a b c on Redis 7.0.15, then GET: a sparse value with the cache marked stale. */
    private static final byte[] REDIS_ABC = HexFormat.of().parseHex("48594c4c01000000000000000000008060f38050b1844bfb80425a");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String[] elements(String prefix, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = prefix + i;
        }
        return out;
    }

    @Test
    void pfaddAndPfcountThroughLettuce() {
        assertThat(redis.pfadd("h", "a", "b", "c")).isEqualTo(1);
        assertThat(redis.pfadd("h", "a")).isZero();
        assertThat(redis.pfcount("h")).isEqualTo(3);
        assertThat(redis.pfcount("nosuch")).isZero();
        assertThat(redis.type("h")).isEqualTo("string");
        assertThat(redis.objectEncoding("h")).isEqualTo("raw");
        assertThat(redis.pfadd("h2", elements("x", 1000))).isEqualTo(1);
        // Redis 7.0.15 estimates exactly this
        assertThat(redis.pfcount("h2")).isEqualTo(1001);
    }

    @Test
    void storesExactlyRedisBytesAndReadsThemBack() {
        Jedis j = jedis();
        j.pfadd("h", "a", "b", "c");
        assertThat(j.get(b("h"))).isEqualTo(REDIS_ABC);
        // the count is cached in the header (little endian, valid bit clear)
        assertThat(j.pfcount("h")).isEqualTo(3);
        assertThat(HexFormat.of().formatHex(j.get(b("h")), 0, 16)).isEqualTo("48594c4c010000000300000000000000");
        // a value Redis produced, stored with SET, is a HyperLogLog here too
        j.set(b("copy"), REDIS_ABC);
        assertThat(j.objectEncoding("copy")).isEqualTo("embstr");
        assertThat(j.pfcount("copy")).isEqualTo(3);
        assertThat(j.objectEncoding("copy")).isEqualTo("raw");
        assertThat(j.pfadd("copy", "b")).isZero();
        assertThat(j.pfadd("copy", "d")).isEqualTo(1);
        assertThat(j.pfcount("copy")).isEqualTo(4);
    }

    @Test
    void emptyPfaddCreatesAKey() {
        RawClient r = raw();
        assertThat(r.call("PFADD", "e")).isEqualTo(ONE);
        assertThat(r.call("PFADD", "e")).isEqualTo(ZERO);
        assertThat(r.call("STRLEN", "e")).isEqualTo(integer(18));
        assertThat(r.call("PFCOUNT", "e")).isEqualTo(ZERO);
    }

    @Test
    void unionAndMergeAcrossShards() {
        String[] keys = new String[12];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "src" + i;
            redis.pfadd(keys[i], elements("k" + i + ":", 100));
        }
        long union = redis.pfcount(keys);
        assertThat(union).isEqualTo(1200);
        assertThat(redis.pfmerge("dest", keys)).isEqualTo("OK");
        assertThat(redis.pfcount("dest")).isEqualTo(union);
        // every source is sparse, so is the result: the same 2235 bytes Redis builds
        assertThat(redis.strlen("dest")).isEqualTo(2235);
        // a missing destination alone becomes an empty HyperLogLog
        assertThat(raw().call("PFMERGE", "fresh")).isEqualTo(OK);
        assertThat(redis.pfcount("fresh")).isZero();
        // missing sources count as empty
        assertThat(redis.pfmerge("other", "nosuch1", "src0", "nosuch2")).isEqualTo("OK");
        assertThat(redis.pfcount("other")).isEqualTo(redis.pfcount("src0"));
        assertThat(redis.pfcount("other", "nosuch", "src0")).isEqualTo(redis.pfcount("src0"));
    }

    @Test
    void errorsAreRedisWords() {
        RawClient r = raw();
        r.call("SET", "str", "not an hll");
        r.call("RPUSH", "list", "x");
        String notHll = "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n";
        String wrongType = WRONGTYPE;
        assertThat(r.call("PFADD", "str", "a")).isEqualTo(notHll);
        assertThat(r.call("PFCOUNT", "str")).isEqualTo(notHll);
        assertThat(r.call("PFCOUNT", "a", "str")).isEqualTo(notHll);
        assertThat(r.call("PFMERGE", "d", "str")).isEqualTo(notHll);
        assertThat(r.call("PFADD", "list", "a")).isEqualTo(wrongType);
        assertThat(r.call("PFMERGE", "list")).isEqualTo(wrongType);
        assertThat(r.call("PFADD")).isEqualTo(arity("pfadd"));
    }

    @Test
    void corruptSparseValueIsReported() {
        Jedis j = jedis();
        byte[] bad = HexFormat.of().parseHex("48594c4c010000000000000000000080" + "7ffe");
        j.set(b("bad"), bad);
        RawClient r = raw();
        assertThat(r.call("PFCOUNT", "bad")).isEqualTo("-INVALIDOBJ Corrupted HLL object detected\r\n");
        assertThat(r.call("PFCOUNT", "bad", "x")).isEqualTo("-INVALIDOBJ Corrupted HLL object detected\r\n");
        assertThat(r.call("PFMERGE", "d", "bad")).isEqualTo("-INVALIDOBJ Corrupted HLL object detected\r\n");
        assertThat(r.call("EXISTS", "d")).isEqualTo(ZERO);
    }

    @Test
    void sparseMaxBytesPromotesToDense() {
        redis.configSet("hll-sparse-max-bytes", "40");
        try {
            assertThat(redis.configGet("hll-sparse-max-bytes")).containsEntry("hll-sparse-max-bytes", "40");
            redis.pfadd("h", elements("e", 20));
            assertThat(redis.strlen("h")).isEqualTo(12304);
            assertThat(redis.pfcount("h")).isEqualTo(20);
        } finally {
            redis.configSet("hll-sparse-max-bytes", "3000");
        }
        redis.pfadd("s", elements("e", 20));
        assertThat(redis.strlen("s")).isLessThan(100);
    }

    @Test
    void pfcountRefreshesTheCacheAndWatchSeesIt() {
        redis.pfadd("h", "a", "b");
        RawClient r = raw();
        r.call("WATCH", "h");
        r.call("MULTI");
        r.call("GET", "h");
        assertThat(redis.pfcount("h")).isEqualTo(2);
        // rewriting the cached count is a change to the string, so the transaction fails as in Redis
        assertThat(r.call("EXEC")).isEqualTo(NIL_ARRAY);
        r.call("WATCH", "h");
        r.call("MULTI");
        r.call("GET", "h");
        assertThat(redis.pfcount("h")).isEqualTo(2);
        assertThat(r.call("EXEC")).startsWith("*1\r\n$");
    }

    @Test
    void pfdebugShowsAndConvertsTheEncodingAsRedis() {
        RawClient c = raw();
        c.call("PFADD", "h", "a", "b", "c");
        assertThat(c.call("PFDEBUG", "ENCODING", "h")).isEqualTo("+sparse\r\n");
        // the same opcodes redis-server 7.0.15 prints for these three elements
        String decoded = "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603";
        assertThat(c.call("PFDEBUG", "DECODE", "h")).isEqualTo("$" + decoded.length() + "\r\n" + decoded + "\r\n");
        assertThat(c.call("PFDEBUG", "TODENSE", "h")).isEqualTo(ONE);
        assertThat(c.call("PFDEBUG", "TODENSE", "h")).isEqualTo(ZERO);
        assertThat(c.call("PFDEBUG", "ENCODING", "h")).isEqualTo("+dense\r\n");
        assertThat(c.call("PFDEBUG", "DECODE", "h")).isEqualTo("-ERR HLL encoding is not sparse\r\n");
        assertThat(c.call("PFCOUNT", "h")).isEqualTo(integer(3));
    }

    @Test
    void pfdebugGetregReturnsEveryRegisterAndMakesTheValueDense() {
        Jedis j = jedis();
        j.pfadd("h", "a", "b", "c");
        @SuppressWarnings("unchecked")
        java.util.List<Long> regs = (java.util.List<Long>) j.sendCommand(() -> "PFDEBUG".getBytes(StandardCharsets.US_ASCII),
            "GETREG", "h");
        assertThat(regs).hasSize(16384);
        assertThat(regs.get(8436)).isEqualTo(1L);
        assertThat(regs.get(8436 + 1 + 4274)).isEqualTo(2L);
        assertThat(regs.get(8436 + 1 + 4274 + 1 + 3068)).isEqualTo(1L);
        assertThat(regs.stream().mapToLong(Long::longValue).sum()).isEqualTo(4);
        assertThat(raw().call("PFDEBUG", "ENCODING", "h")).isEqualTo("+dense\r\n");
    }

    @Test
    void pfdebugErrorsAsRedis() {
        RawClient c = raw();
        c.call("SET", "s", "x");
        c.call("LPUSH", "l", "x");
        c.call("PFADD", "h", "a");
        assertThat(c.call("PFDEBUG", "ENCODING", "nokey")).isEqualTo("-ERR The specified key does not exist\r\n");
        assertThat(c.call("PFDEBUG", "ENCODING", "s")).isEqualTo("-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n");
        assertThat(c.call("PFDEBUG", "ENCODING", "l"))
            .isEqualTo(WRONGTYPE);
        assertThat(c.call("PFDEBUG", "foo", "h")).isEqualTo("-ERR Unknown PFDEBUG subcommand 'foo'\r\n");
        assertThat(c.call("PFDEBUG", "GETREG")).isEqualTo(arity("pfdebug"));
    }

    @Test
    void pfselftestPasses() {
        assertThat(raw().call("PFSELFTEST")).isEqualTo(OK);
    }
}
