package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.ferrite.testing.Replies.EMPTY_ARRAY;
import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.NOT_INTEGER;
import static io.ferrite.testing.Replies.NO_SUCH_KEY;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.SYNTAX;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.arity;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.error;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Generic key and database commands, replies compared byte for byte with Redis 7.0's. */
class KeyFamilyTest extends FerriteTest {
    private RawClient raw;

    @BeforeEach
    void rawClient() {
        raw = raw();
    }

    private String r(String... args) {
        return raw.call(args);
    }

    /** A key whose shard differs from {@code other}'s when the server has several shards. */
    private String keyOnOtherShard(String other, String prefix) {
        int shard = server.engine().shardOf(other.getBytes(StandardCharsets.UTF_8)).id;
        for (int n = 0; n < 10_000; n++) {
            String k = prefix + n;
            if (shards == 1 || server.engine().shardOf(k.getBytes(StandardCharsets.UTF_8)).id != shard) {
                return k;
            }
        }
        throw new AssertionError("no key on another shard");
    }

    /** Parses a SCAN reply: the cursor, then the keys. */
    private static List<String> parseScan(String reply) {
        List<String> out = new ArrayList<>();
        String[] lines = reply.split("\r\n", -1);
        assertThat(lines[0]).isEqualTo("*2");
        out.add(lines[2]);
        int n = Integer.parseInt(lines[3].substring(1));
        for (int k = 0; k < n; k++) {
            out.add(lines[5 + 2 * k]);
        }
        return out;
    }

    private static List<String> parseArray(String reply) {
        List<String> out = new ArrayList<>();
        String[] lines = reply.split("\r\n", -1);
        int n = Integer.parseInt(lines[0].substring(1));
        for (int k = 0; k < n; k++) {
            out.add(lines[2 + 2 * k]);
        }
        return out;
    }

    private void fill(String prefix, int n) {
        Map<String, String> m = new HashMap<>();
        for (int k = 0; k < n; k++) {
            m.put(prefix + k, Integer.toString(k));
            if (m.size() == 100) {
                redis.mset(m);
                m.clear();
            }
        }
        if (!m.isEmpty()) {
            redis.mset(m);
        }
    }

    // ------------------------------------------------------------ DEL UNLINK EXISTS TYPE TOUCH

    @Test
    void delAndUnlink() {
        String a = "a";
        String b = keyOnOtherShard(a, "b");
        redis.mset(Map.of(a, "1", b, "2", "c", "3"));
        assertThat(r("DEL", a, b, "missing", a)).isEqualTo(integer(2));
        assertThat(r("EXISTS", a, b, "c")).isEqualTo(ONE);
        assertThat(r("UNLINK", "c", "c")).isEqualTo(ONE);
        assertThat(r("DEL", "c")).isEqualTo(ZERO);
        assertThat(r("DBSIZE")).isEqualTo(ZERO);
        assertThat(r("DEL")).isEqualTo(arity("del"));
        assertThat(r("UNLINK")).isEqualTo(arity("unlink"));
    }

    @Test
    void existsCountsRepeats() {
        String a = "a";
        String b = keyOnOtherShard(a, "k");
        redis.mset(Map.of(a, "1", b, "2"));
        assertThat(r("EXISTS", a, a, b, "nope")).isEqualTo(integer(3));
        assertThat(r("EXISTS", "nope")).isEqualTo(ZERO);
        assertThat(r("EXISTS")).isEqualTo(arity("exists"));
        r("SET", "", "x");
        assertThat(r("EXISTS", "")).isEqualTo(ONE);
        assertThat(r("DEL", "")).isEqualTo(ONE);
    }

    @Test
    void type() {
        r("SET", "foo", "bar");
        assertThat(r("TYPE", "foo")).isEqualTo("+string\r\n");
        assertThat(r("TYPE", "missing")).isEqualTo("+none\r\n");
        assertThat(r("TYPE", "a", "b")).isEqualTo(arity("type"));
    }

    @Test
    void touch() {
        redis.mset(Map.of("a", "1", "b", "2", "c", "3"));
        assertThat(r("TOUCH", "a", "b", "c", "missing", "a")).isEqualTo(integer(4));
        assertThat(r("TOUCH", "missing")).isEqualTo(ZERO);
        assertThat(r("TOUCH")).isEqualTo(arity("touch"));
    }

    @Test
    void lookupsThatMustNotRefreshTheLruClock() throws Exception {
        r("SET", "foo", "bar");
        Thread.sleep(1100);
        r("EXISTS", "foo");
        r("TYPE", "foo");
        r("TTL", "foo");
        r("OBJECT", "ENCODING", "foo");
        assertThat(Long.parseLong(r("OBJECT", "IDLETIME", "foo").substring(1).trim())).isGreaterThanOrEqualTo(1);
        r("TOUCH", "foo");
        assertThat(r("OBJECT", "IDLETIME", "foo")).isEqualTo(ZERO);
    }

    // ------------------------------------------------------------ expiry

    @Test
    void expireAndTtl() {
        r("SET", "foo", "bar");
        assertThat(r("TTL", "foo")).isEqualTo(integer(-1));
        assertThat(r("PTTL", "foo")).isEqualTo(integer(-1));
        assertThat(r("EXPIRETIME", "foo")).isEqualTo(integer(-1));
        assertThat(r("PEXPIRETIME", "foo")).isEqualTo(integer(-1));
        assertThat(r("EXPIRE", "foo", "100")).isEqualTo(ONE);
        assertThat(r("TTL", "foo")).isEqualTo(integer(100));
        long pttl = Long.parseLong(r("PTTL", "foo").substring(1).trim());
        assertThat(pttl).isBetween(90_000L, 100_000L);
        assertThat(r("PEXPIRE", "foo", "250000")).isEqualTo(ONE);
        assertThat(r("TTL", "foo")).isEqualTo(integer(250));
        assertThat(r("TTL", "missing")).isEqualTo(integer(-2));
        assertThat(r("PTTL", "missing")).isEqualTo(integer(-2));
        assertThat(r("EXPIRETIME", "missing")).isEqualTo(integer(-2));
        assertThat(r("PEXPIRETIME", "missing")).isEqualTo(integer(-2));
        assertThat(r("EXPIRE", "missing", "100")).isEqualTo(ZERO);
        assertThat(r("PEXPIRE", "missing", "100")).isEqualTo(ZERO);
        assertThat(r("EXISTS", "missing")).isEqualTo(ZERO);
    }

    @Test
    void expireAtAndExpireTimeRounding() {
        r("SET", "foo", "bar");
        assertThat(r("EXPIREAT", "foo", "4102444800")).isEqualTo(ONE);
        assertThat(r("EXPIRETIME", "foo")).isEqualTo(integer(4102444800L));
        assertThat(r("PEXPIRETIME", "foo")).isEqualTo(integer(4102444800000L));
        assertThat(r("PEXPIREAT", "foo", "4102444800499")).isEqualTo(ONE);
        assertThat(r("EXPIRETIME", "foo")).isEqualTo(integer(4102444800L));
        assertThat(r("PEXPIREAT", "foo", "4102444800500")).isEqualTo(ONE);
        assertThat(r("EXPIRETIME", "foo")).isEqualTo(integer(4102444801L));
        assertThat(r("PEXPIRETIME", "foo")).isEqualTo(integer(4102444800500L));
    }

    @Test
    void ttlRoundsToNearestSecond() {
        r("SET", "foo", "bar");
        r("PEXPIRE", "foo", "100400");
        assertThat(r("TTL", "foo")).isEqualTo(integer(100));
        r("PEXPIRE", "foo", "100900");
        assertThat(r("TTL", "foo")).isEqualTo(integer(101));
    }

    @Test
    void expireInThePastDeletes() {
        redis.mset(Map.of("a", "1", "b", "2", "c", "3", "d", "4"));
        assertThat(r("EXPIRE", "a", "0")).isEqualTo(ONE);
        assertThat(r("EXPIRE", "b", "-10")).isEqualTo(ONE);
        assertThat(r("PEXPIRE", "c", "0")).isEqualTo(ONE);
        assertThat(r("PEXPIREAT", "d", "1")).isEqualTo(ONE);
        assertThat(r("EXISTS", "a", "b", "c", "d")).isEqualTo(ZERO);
        assertThat(r("DBSIZE")).isEqualTo(ZERO);
        r("SET", "e", "5");
        assertThat(r("EXPIREAT", "e", "-1")).isEqualTo(ONE);
        assertThat(r("GET", "e")).isEqualTo(NIL);
    }

    @Test
    void expireArgumentErrors() {
        r("SET", "foo", "bar");
        assertThat(r("EXPIRE", "foo", "abc")).isEqualTo(NOT_INTEGER);
        assertThat(r("EXPIRE", "foo", "1.5")).isEqualTo(NOT_INTEGER);
        assertThat(r("PEXPIREAT", "foo", "")).isEqualTo(NOT_INTEGER);
        assertThat(r("EXPIRE", "foo", "9223372036854775807"))
            .isEqualTo(error("ERR invalid expire time in 'expire' command"));
        assertThat(r("EXPIRE", "foo", "-9223372036854775808"))
            .isEqualTo(error("ERR invalid expire time in 'expire' command"));
        assertThat(r("EXPIRE", "foo", "9223372036854775"))
            .isEqualTo(error("ERR invalid expire time in 'expire' command"));
        assertThat(r("PEXPIRE", "foo", "9223372036854775807"))
            .isEqualTo(error("ERR invalid expire time in 'pexpire' command"));
        assertThat(r("EXPIREAT", "foo", "9223372036854775807"))
            .isEqualTo(error("ERR invalid expire time in 'expireat' command"));
        // PEXPIREAT adds nothing, so the largest time is accepted
        assertThat(r("PEXPIREAT", "foo", "9223372036854775807")).isEqualTo(ONE);
        assertThat(r("PEXPIRETIME", "foo")).isEqualTo(integer(Long.MAX_VALUE));
        assertThat(r("EXPIRE", "foo", "100", "FOO")).isEqualTo(error("ERR Unsupported option FOO"));
        assertThat(r("EXPIRE", "foo")).isEqualTo(arity("expire"));
        assertThat(r("TTL", "a", "b")).isEqualTo(arity("ttl"));
        assertThat(r("PERSIST")).isEqualTo(arity("persist"));
    }

    @Test
    void expireOptionCombinations() {
        r("SET", "foo", "bar");
        String nx = error("ERR NX and XX, GT or LT options at the same time are not compatible");
        assertThat(r("EXPIRE", "foo", "100", "NX", "XX")).isEqualTo(nx);
        assertThat(r("EXPIRE", "foo", "100", "NX", "GT")).isEqualTo(nx);
        assertThat(r("EXPIRE", "foo", "100", "lt", "nx")).isEqualTo(nx);
        assertThat(r("EXPIRE", "foo", "100", "GT", "LT"))
            .isEqualTo(error("ERR GT and LT options at the same time are not compatible"));
        // options are checked before the time argument
        assertThat(r("EXPIRE", "foo", "abc", "NX", "XX")).isEqualTo(nx);
        assertThat(r("EXPIRE", "foo", "100", "NX", "NX")).isEqualTo(ONE);
        assertThat(r("TTL", "foo")).isEqualTo(integer(100));
    }

    @Test
    void expireNxXxGtLt() {
        r("SET", "foo", "bar");
        assertThat(r("EXPIRE", "foo", "100", "XX")).isEqualTo(ZERO);
        assertThat(r("EXPIRE", "foo", "100", "GT")).isEqualTo(ZERO);
        assertThat(r("TTL", "foo")).isEqualTo(integer(-1));
        assertThat(r("EXPIRE", "foo", "100", "LT")).isEqualTo(ONE);
        assertThat(r("EXPIRE", "foo", "200", "NX")).isEqualTo(ZERO);
        assertThat(r("EXPIRE", "foo", "50", "GT")).isEqualTo(ZERO);
        assertThat(r("EXPIRE", "foo", "200", "GT")).isEqualTo(ONE);
        assertThat(r("TTL", "foo")).isEqualTo(integer(200));
        assertThat(r("EXPIRE", "foo", "300", "LT")).isEqualTo(ZERO);
        assertThat(r("EXPIRE", "foo", "150", "lt")).isEqualTo(ONE);
        assertThat(r("TTL", "foo")).isEqualTo(integer(150));
        assertThat(r("EXPIRE", "foo", "120", "XX", "LT")).isEqualTo(ONE);
        assertThat(r("EXPIRE", "foo", "400", "XX", "GT")).isEqualTo(ONE);
        assertThat(r("TTL", "foo")).isEqualTo(integer(400));
        assertThat(r("EXPIRE", "missing", "100", "NX")).isEqualTo(ZERO);
        // a past time that passes the option check still deletes
        assertThat(r("EXPIRE", "foo", "-1", "LT")).isEqualTo(ONE);
        assertThat(r("EXISTS", "foo")).isEqualTo(ZERO);
        r("SET", "p", "1");
        assertThat(r("EXPIRE", "p", "-1", "GT")).isEqualTo(ZERO);
        assertThat(r("EXPIRE", "p", "-1", "XX")).isEqualTo(ZERO);
        assertThat(r("EXISTS", "p")).isEqualTo(ONE);
        assertThat(r("EXPIRE", "p", "-1", "NX")).isEqualTo(ONE);
        assertThat(r("EXISTS", "p")).isEqualTo(ZERO);
    }

    @Test
    void pexpireAtOptions() {
        r("SET", "foo", "bar");
        assertThat(r("PEXPIREAT", "foo", "4102444800123", "XX")).isEqualTo(ZERO);
        assertThat(r("PEXPIREAT", "foo", "4102444800123", "NX")).isEqualTo(ONE);
        assertThat(r("PEXPIREAT", "foo", "4102444800100", "GT")).isEqualTo(ZERO);
        assertThat(r("PEXPIREAT", "foo", "4102444800100", "LT")).isEqualTo(ONE);
        assertThat(r("PEXPIRETIME", "foo")).isEqualTo(integer(4102444800100L));
    }

    @Test
    void persist() {
        r("SET", "foo", "bar");
        assertThat(r("PERSIST", "foo")).isEqualTo(ZERO);
        r("EXPIRE", "foo", "100");
        assertThat(r("PERSIST", "foo")).isEqualTo(ONE);
        assertThat(r("TTL", "foo")).isEqualTo(integer(-1));
        assertThat(r("PERSIST", "foo")).isEqualTo(ZERO);
        assertThat(r("PERSIST", "missing")).isEqualTo(ZERO);
        r("EXPIRE", "foo", "300");
        assertThat(r("TTL", "foo")).isEqualTo(integer(300));
    }

    @Test
    void keysExpireOnAccess() throws Exception {
        String b = keyOnOtherShard("a", "b");
        redis.mset(Map.of("a", "1", b, "2", "c", "3"));
        assertThat(r("PEXPIRE", "a", "50")).isEqualTo(ONE);
        assertThat(r("PEXPIRE", b, "50")).isEqualTo(ONE);
        Thread.sleep(150);
        assertThat(r("GET", "a")).isEqualTo(NIL);
        assertThat(r("TTL", "a")).isEqualTo(integer(-2));
        assertThat(r("PTTL", b)).isEqualTo(integer(-2));
        assertThat(r("EXISTS", "a", b, "c")).isEqualTo(ONE);
        assertThat(r("TYPE", b)).isEqualTo("+none\r\n");
        assertThat(r("KEYS", "*")).isEqualTo("*1\r\n" + bulk("c"));
        assertThat(r("SCAN", "0", "COUNT", "1000")).isEqualTo("*2\r\n" + bulk("0") + "*1\r\n" + bulk("c"));
        assertThat(r("RENAME", "a", "z")).isEqualTo(NO_SUCH_KEY);
        assertThat(r("RANDOMKEY")).isEqualTo(bulk("c"));
    }

    @Test
    void activeExpiryReclaimsKeysNobodyReads() throws Exception {
        fill("vol:", 200);
        for (int k = 0; k < 200; k++) {
            assertThat(r("PEXPIRE", "vol:" + k, "20")).isEqualTo(ONE);
        }
        r("SET", "keep", "1");
        long deadline = System.currentTimeMillis() + 1500;
        while (System.currentTimeMillis() < deadline && !r("DBSIZE").equals(ONE)) {
            Thread.sleep(50);
        }
        assertThat(r("DBSIZE")).isEqualTo(ONE);
    }

    // ------------------------------------------------------------ RENAME RENAMENX

    @Test
    void renameSameAndCrossShard() {
        String a = "a";
        String b = keyOnOtherShard(a, "b");
        r("SET", a, "1");
        assertThat(r("RENAME", a, b)).isEqualTo(OK);
        assertThat(r("GET", a)).isEqualTo(NIL);
        assertThat(r("GET", b)).isEqualTo(bulk("1"));
        assertThat(r("RENAME", b, "{t}x")).isEqualTo(OK);
        assertThat(r("RENAME", "{t}x", "{t}y")).isEqualTo(OK);
        assertThat(r("GET", "{t}y")).isEqualTo(bulk("1"));
        assertThat(r("DBSIZE")).isEqualTo(ONE);
    }

    @Test
    void renameKeepsTtlAndOverwrites() {
        String a = "src";
        String b = keyOnOtherShard(a, "dst");
        r("SET", a, "v");
        r("EXPIRE", a, "100");
        r("SET", b, "old");
        assertThat(r("RENAME", a, b)).isEqualTo(OK);
        assertThat(r("TTL", b)).isEqualTo(integer(100));
        assertThat(r("GET", b)).isEqualTo(bulk("v"));
        assertThat(r("TTL", a)).isEqualTo(integer(-2));
        // the target's own TTL goes with the value it loses
        r("SET", a, "w");
        assertThat(r("RENAME", a, b)).isEqualTo(OK);
        assertThat(r("TTL", b)).isEqualTo(integer(-1));
        assertThat(r("DBSIZE")).isEqualTo(ONE);
    }

    @Test
    void renameErrorsAndSameKey() {
        assertThat(r("RENAME", "missing", "foo")).isEqualTo(NO_SUCH_KEY);
        assertThat(r("RENAME", "missing", "missing")).isEqualTo(NO_SUCH_KEY);
        assertThat(r("RENAMENX", "missing", "foo")).isEqualTo(NO_SUCH_KEY);
        r("SET", "t", "bar");
        r("EXPIRE", "t", "100");
        assertThat(r("RENAME", "t", "t")).isEqualTo(OK);
        assertThat(r("RENAMENX", "t", "t")).isEqualTo(ZERO);
        assertThat(r("TTL", "t")).isEqualTo(integer(100));
        assertThat(r("RENAME", "a")).isEqualTo(arity("rename"));
        assertThat(r("RENAMENX", "a", "b", "c")).isEqualTo(arity("renamenx"));
    }

    @Test
    void renamenx() {
        String a = "a";
        String b = keyOnOtherShard(a, "b");
        redis.mset(Map.of(a, "1", b, "2"));
        assertThat(r("RENAMENX", a, b)).isEqualTo(ZERO);
        assertThat(r("GET", a)).isEqualTo(bulk("1"));
        assertThat(r("RENAMENX", a, "c")).isEqualTo(ONE);
        assertThat(r("EXISTS", a)).isEqualTo(ZERO);
        assertThat(r("GET", "c")).isEqualTo(bulk("1"));
    }

    @Test
    void renameKeepsEncoding() {
        r("SET", "foo", "123");
        r("RENAME", "foo", keyOnOtherShard("foo", "bar"));
        assertThat(r("OBJECT", "ENCODING", keyOnOtherShard("foo", "bar"))).isEqualTo(bulk("int"));
    }

    // ------------------------------------------------------------ COPY

    @Test
    void copy() {
        String src = "foo";
        String dst = keyOnOtherShard(src, "baz");
        r("SET", src, "bar");
        assertThat(r("COPY", src, dst)).isEqualTo(ONE);
        assertThat(r("GET", dst)).isEqualTo(bulk("bar"));
        assertThat(r("COPY", src, dst)).isEqualTo(ZERO);
        r("SET", src, "new");
        assertThat(r("COPY", src, dst, "REPLACE")).isEqualTo(ONE);
        assertThat(r("GET", dst)).isEqualTo(bulk("new"));
        assertThat(r("GET", src)).isEqualTo(bulk("new"));
        assertThat(r("COPY", "missing", dst)).isEqualTo(ZERO);
        assertThat(r("COPY", "missing", dst, "replace")).isEqualTo(ZERO);
        assertThat(r("GET", dst)).isEqualTo(bulk("new"));
    }

    @Test
    void copyKeepsTtlAndReplaceDropsTargetTtl() {
        String dst = keyOnOtherShard("foo", "baz");
        r("SET", "foo", "bar");
        r("EXPIRE", "foo", "100");
        assertThat(r("COPY", "foo", dst)).isEqualTo(ONE);
        assertThat(r("TTL", dst)).isEqualTo(integer(100));
        assertThat(r("TTL", "foo")).isEqualTo(integer(100));
        r("SET", "foo2", "x");
        assertThat(r("COPY", "foo2", dst, "REPLACE")).isEqualTo(ONE);
        assertThat(r("TTL", dst)).isEqualTo(integer(-1));
    }

    @Test
    void copyToAnotherDb() {
        r("SET", "foo", "bar");
        r("EXPIRE", "foo", "100");
        assertThat(r("COPY", "foo", "foo", "DB", "1")).isEqualTo(ONE);
        assertThat(r("COPY", "foo", "foo", "DB", "1")).isEqualTo(ZERO);
        assertThat(r("COPY", "foo", "foo", "db", "1", "REPLACE")).isEqualTo(ONE);
        String other = keyOnOtherShard("foo", "o");
        assertThat(r("COPY", "foo", other, "DB", "3")).isEqualTo(ONE);
        assertThat(r("SELECT", "1")).isEqualTo(OK);
        assertThat(r("GET", "foo")).isEqualTo(bulk("bar"));
        assertThat(r("TTL", "foo")).isEqualTo(integer(100));
        assertThat(r("COPY", "foo", "foo", "DB", "1")).isEqualTo(error("ERR source and destination objects are the same"));
        r("SELECT", "3");
        assertThat(r("GET", other)).isEqualTo(bulk("bar"));
        assertThat(r("DBSIZE")).isEqualTo(ONE);
        r("SELECT", "0");
        assertThat(r("GET", "foo")).isEqualTo(bulk("bar"));
        assertThat(r("DBSIZE")).isEqualTo(ONE);
    }

    @Test
    void copyErrors() {
        r("SET", "foo", "bar");
        assertThat(r("COPY", "foo", "foo")).isEqualTo(error("ERR source and destination objects are the same"));
        assertThat(r("COPY", "foo", "foo", "DB", "0")).isEqualTo(error("ERR source and destination objects are the same"));
        assertThat(r("COPY", "foo", "baz", "DB", "16")).isEqualTo(error("ERR DB index is out of range"));
        assertThat(r("COPY", "foo", "baz", "DB", "-1")).isEqualTo(error("ERR DB index is out of range"));
        assertThat(r("COPY", "foo", "baz", "DB", "abc")).isEqualTo(NOT_INTEGER);
        assertThat(r("COPY", "foo", "baz", "DB", "99999999999"))
            .isEqualTo(error("ERR value is out of range, value must between -2147483648 and 2147483647"));
        assertThat(r("COPY", "foo", "baz", "DB")).isEqualTo(SYNTAX);
        assertThat(r("COPY", "foo", "baz", "FOO")).isEqualTo(SYNTAX);
        assertThat(r("COPY", "foo", "baz", "REPLACE", "FOO")).isEqualTo(SYNTAX);
        assertThat(r("COPY", "foo")).isEqualTo(arity("copy"));
        assertThat(r("EXISTS", "baz")).isEqualTo(ZERO);
    }

    @Test
    void copyKeepsIntEncodingAndIsIndependent() {
        r("SET", "a", "42");
        String d = keyOnOtherShard("a", "d");
        assertThat(r("COPY", "a", d)).isEqualTo(ONE);
        assertThat(r("OBJECT", "ENCODING", d)).isEqualTo(bulk("int"));
        assertThat(r("INCR", d)).isEqualTo(integer(43));
        assertThat(r("GET", "a")).isEqualTo(bulk("42"));
    }

    // ------------------------------------------------------------ MOVE

    @Test
    void move() {
        r("SET", "foo", "bar");
        r("EXPIRE", "foo", "100");
        assertThat(r("MOVE", "foo", "1")).isEqualTo(ONE);
        assertThat(r("EXISTS", "foo")).isEqualTo(ZERO);
        r("SELECT", "1");
        assertThat(r("GET", "foo")).isEqualTo(bulk("bar"));
        assertThat(r("TTL", "foo")).isEqualTo(integer(100));
        assertThat(r("MOVE", "foo", "0")).isEqualTo(ONE);
        r("SELECT", "0");
        assertThat(r("GET", "foo")).isEqualTo(bulk("bar"));
        assertThat(r("MOVE", "missing", "1")).isEqualTo(ZERO);
    }

    @Test
    void moveConflictAndErrors() {
        r("SET", "foo", "bar");
        r("SELECT", "1");
        r("SET", "foo", "other");
        r("SELECT", "0");
        assertThat(r("MOVE", "foo", "1")).isEqualTo(ZERO);
        assertThat(r("GET", "foo")).isEqualTo(bulk("bar"));
        assertThat(r("MOVE", "foo", "0")).isEqualTo(error("ERR source and destination objects are the same"));
        assertThat(r("MOVE", "foo", "16")).isEqualTo(error("ERR DB index is out of range"));
        assertThat(r("MOVE", "foo", "-1")).isEqualTo(error("ERR DB index is out of range"));
        assertThat(r("MOVE", "foo", "abc")).isEqualTo(NOT_INTEGER);
        assertThat(r("MOVE", "foo", "99999999999"))
            .isEqualTo(error("ERR value is out of range, value must between -2147483648 and 2147483647"));
        assertThat(r("MOVE", "foo")).isEqualTo(arity("move"));
        // the DB index is checked before the key
        assertThat(r("MOVE", "missing", "16")).isEqualTo(error("ERR DB index is out of range"));
    }

    // ------------------------------------------------------------ OBJECT

    @Test
    void objectEncodingAndRefcount() {
        r("SET", "n", "100");
        assertThat(r("OBJECT", "ENCODING", "n")).isEqualTo(bulk("int"));
        assertThat(r("OBJECT", "REFCOUNT", "n")).isEqualTo(integer(2147483647));
        r("SET", "big", "123456");
        assertThat(r("OBJECT", "ENCODING", "big")).isEqualTo(bulk("int"));
        assertThat(r("OBJECT", "REFCOUNT", "big")).isEqualTo(ONE);
        r("SET", "s", "bar");
        assertThat(r("OBJECT", "encoding", "s")).isEqualTo(bulk("embstr"));
        assertThat(r("OBJECT", "REFCOUNT", "s")).isEqualTo(ONE);
        r("SET", "r", "x".repeat(45));
        assertThat(r("OBJECT", "ENCODING", "r")).isEqualTo(bulk("raw"));
        r("SET", "e", "x".repeat(44));
        assertThat(r("OBJECT", "ENCODING", "e")).isEqualTo(bulk("embstr"));
        assertThat(r("OBJECT", "ENCODING", "missing")).isEqualTo(NIL);
        assertThat(r("OBJECT", "REFCOUNT", "missing")).isEqualTo(NIL);
        assertThat(r("OBJECT", "IDLETIME", "missing")).isEqualTo(NIL);
        assertThat(r("OBJECT", "FREQ", "missing")).isEqualTo(NIL);
    }

    @Test
    void objectIdletimeAndFreq() {
        r("SET", "foo", "bar");
        // whole seconds of a second-resolution clock: 1 when the two commands straddle a second
        assertThat(r("OBJECT", "IDLETIME", "foo")).isIn(ZERO, ONE);
        assertThat(r("OBJECT", "FREQ", "foo")).isEqualTo(error("ERR An LFU maxmemory policy is not selected, "
            + "access frequency not tracked. Please note that when switching between policies at runtime LRU "
            + "and LFU data will take some time to adjust."));
    }

    @Test
    void objectHelpAndErrors() {
        String help = r("OBJECT", "HELP");
        assertThat(help).isEqualTo("*15\r\n"
            + "+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
            + "+ENCODING <key>\r\n"
            + "+    Return the kind of internal representation used in order to store the value\r\n"
            + "+    associated with a <key>.\r\n"
            + "+FREQ <key>\r\n"
            + "+    Return the access frequency index of the <key>. The returned integer is\r\n"
            + "+    proportional to the logarithm of the recent access frequency of the key.\r\n"
            + "+IDLETIME <key>\r\n"
            + "+    Return the idle time of the <key>, that is the approximated number of\r\n"
            + "+    seconds elapsed since the last access to the key.\r\n"
            + "+REFCOUNT <key>\r\n"
            + "+    Return the number of references of the value associated with the specified\r\n"
            + "+    <key>.\r\n"
            + "+HELP\r\n"
            + "+    Prints this help.\r\n");
        assertThat(r("object", "help")).isEqualTo(help);
        assertThat(r("OBJECT")).isEqualTo(arity("object"));
        assertThat(r("OBJECT", "FOO")).isEqualTo(error("ERR unknown subcommand 'FOO'. Try OBJECT HELP."));
        assertThat(r("OBJECT", "ENCODING")).isEqualTo(arity("object|encoding"));
        assertThat(r("OBJECT", "HELP", "x")).isEqualTo(arity("object|help"));
    }

    @Test
    void objectNilInResp3() {
        // HELLO belongs to the connection family: skip until it is there
        assumeTrue(r("HELLO", "3").startsWith("%"));
        assertThat(r("OBJECT", "ENCODING", "missing")).isEqualTo("_\r\n");
    }

    // ------------------------------------------------------------ KEYS SCAN RANDOMKEY

    @Test
    void keysPatterns() {
        redis.mset(Map.of("foo", "1", "foobar", "2", "barfoo", "3", "fo", "4", "food", "5", "a*b", "6"));
        assertThat(parseArray(r("KEYS", "*"))).containsExactlyInAnyOrder("foo", "foobar", "barfoo", "fo", "food", "a*b");
        assertThat(parseArray(r("KEYS", "foo*"))).containsExactlyInAnyOrder("foo", "foobar", "food");
        assertThat(parseArray(r("KEYS", "*foo"))).containsExactlyInAnyOrder("foo", "barfoo");
        assertThat(parseArray(r("KEYS", "f?"))).containsExactlyInAnyOrder("fo");
        assertThat(parseArray(r("KEYS", "f[o]o[db]"))).containsExactly("food");
        assertThat(parseArray(r("KEYS", "a\\*b"))).containsExactly("a*b");
        assertThat(r("KEYS", "nomatch")).isEqualTo(EMPTY_ARRAY);
        assertThat(r("KEYS")).isEqualTo(arity("keys"));
    }

    @Test
    void keysOnlySeesTheSelectedDb() {
        r("SET", "a", "1");
        r("SELECT", "2");
        r("SET", "b", "1");
        assertThat(r("KEYS", "*")).isEqualTo("*1\r\n" + bulk("b"));
    }

    @Test
    void scanSmallDbInOneCall() {
        redis.mset(Map.of("a", "1", "b", "2", "c", "3", "d", "4", "foo", "5", "bar", "6"));
        List<String> reply = parseScan(r("SCAN", "0", "COUNT", "1000"));
        assertThat(reply.get(0)).isEqualTo("0");
        assertThat(reply.subList(1, reply.size())).containsExactlyInAnyOrder("a", "b", "c", "d", "foo", "bar");
        reply = parseScan(r("SCAN", "0", "MATCH", "ba?", "COUNT", "1000"));
        assertThat(reply).containsExactly("0", "bar");
        reply = parseScan(r("scan", "0", "type", "STRING", "count", "1000", "match", "*"));
        assertThat(reply.subList(1, reply.size())).hasSize(6);
        assertThat(r("SCAN", "0", "TYPE", "hash", "COUNT", "1000")).isEqualTo("*2\r\n" + bulk("0") + EMPTY_ARRAY);
        assertThat(r("SCAN", "0", "TYPE", "nosuchtype", "COUNT", "1000")).isEqualTo("*2\r\n" + bulk("0") + EMPTY_ARRAY);
    }

    private Set<String> scanAll(String... options) {
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            String[] args = new String[2 + options.length];
            args[0] = "SCAN";
            args[1] = cursor;
            System.arraycopy(options, 0, args, 2, options.length);
            List<String> reply = parseScan(r(args));
            cursor = reply.get(0);
            for (String k : reply.subList(1, reply.size())) {
                assertThat(seen.add(k)).as("key %s returned twice", k).isTrue();
            }
            assertThat(++calls).isLessThan(100_000);
        } while (!cursor.equals("0"));
        return seen;
    }

    @Test
    void scanFullIterationReturnsEveryKeyOnce() {
        fill("key:", 1000);
        Set<String> expected = new HashSet<>();
        for (int k = 0; k < 1000; k++) {
            expected.add("key:" + k);
        }
        assertThat(scanAll()).isEqualTo(expected);
        assertThat(scanAll("COUNT", "1")).isEqualTo(expected);
        assertThat(scanAll("COUNT", "100")).isEqualTo(expected);
        Set<String> ones = new HashSet<>();
        for (int k = 0; k < 1000; k++) {
            if (Integer.toString(k).startsWith("1")) {
                ones.add("key:" + k);
            }
        }
        assertThat(scanAll("MATCH", "key:1*", "COUNT", "7")).isEqualTo(ones);
    }

    @Test
    void scanLargeCountReturnsEverythingAtOnce() {
        fill("key:", 300);
        List<String> reply = parseScan(r("SCAN", "0", "COUNT", "1000"));
        assertThat(reply.get(0)).isEqualTo("0");
        assertThat(new HashSet<>(reply.subList(1, reply.size()))).hasSize(300);
    }

    @Test
    void scanErrors() {
        assertThat(r("SCAN")).isEqualTo(arity("scan"));
        assertThat(r("SCAN", "abc")).isEqualTo(error("ERR invalid cursor"));
        assertThat(r("SCAN", "1.5")).isEqualTo(error("ERR invalid cursor"));
        assertThat(r("SCAN", " 1")).isEqualTo(error("ERR invalid cursor"));
        assertThat(r("SCAN", "-")).isEqualTo(error("ERR invalid cursor"));
        assertThat(r("SCAN", "18446744073709551616")).isEqualTo(error("ERR invalid cursor"));
        assertThat(r("SCAN", "abc", "COUNT", "0")).isEqualTo(error("ERR invalid cursor"));
        assertThat(r("SCAN", "0", "COUNT", "0")).isEqualTo(SYNTAX);
        assertThat(r("SCAN", "0", "COUNT", "-1")).isEqualTo(SYNTAX);
        assertThat(r("SCAN", "0", "COUNT", "abc")).isEqualTo(NOT_INTEGER);
        assertThat(r("SCAN", "0", "MATCH")).isEqualTo(SYNTAX);
        assertThat(r("SCAN", "0", "FOO", "bar")).isEqualTo(SYNTAX);
        assertThat(r("SCAN", "0", "TYPE")).isEqualTo(SYNTAX);
    }

    @Test
    void scanAcceptsWhatStrtoulAccepts() {
        r("SET", "a", "1");
        String all = "*2\r\n" + bulk("0") + "*1\r\n" + bulk("a");
        assertThat(r("SCAN", "")).isEqualTo(all);
        assertThat(r("SCAN", "+0")).isEqualTo(all);
        assertThat(r("SCAN", "18446744073709551615")).startsWith("*2\r\n");
        assertThat(r("SCAN", "-1")).startsWith("*2\r\n");
    }

    @Test
    void randomKey() {
        assertThat(r("RANDOMKEY")).isEqualTo(NIL);
        r("SET", "foo", "bar");
        assertThat(r("RANDOMKEY")).isEqualTo(bulk("foo"));
        r("DEL", "foo");
        assertThat(r("RANDOMKEY")).isEqualTo(NIL);
        List<String> keys = List.of("a", "b", "c", "d", "e", "f", "g", "h");
        for (String k : keys) {
            r("SET", k, "1");
        }
        Set<String> seen = new HashSet<>();
        for (int n = 0; n < 500 && seen.size() < keys.size(); n++) {
            String reply = r("RANDOMKEY");
            seen.add(reply.split("\r\n")[1]);
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(r("RANDOMKEY", "x")).isEqualTo(arity("randomkey"));
    }

    // ------------------------------------------------------------ databases

    @Test
    void dbsizePerDb() {
        assertThat(r("DBSIZE")).isEqualTo(ZERO);
        fill("k", 50);
        assertThat(r("DBSIZE")).isEqualTo(integer(50));
        r("SELECT", "1");
        assertThat(r("DBSIZE")).isEqualTo(ZERO);
        assertThat(r("DBSIZE", "x")).isEqualTo(arity("dbsize"));
    }

    @Test
    void flushdbOnlyTheSelectedDb() {
        fill("k", 20);
        r("SELECT", "1");
        r("SET", "a", "1");
        assertThat(r("FLUSHDB")).isEqualTo(OK);
        assertThat(r("DBSIZE")).isEqualTo(ZERO);
        r("SELECT", "0");
        assertThat(r("DBSIZE")).isEqualTo(integer(20));
        assertThat(r("FLUSHDB", "ASYNC")).isEqualTo(OK);
        assertThat(r("DBSIZE")).isEqualTo(ZERO);
        r("SET", "a", "1");
        assertThat(r("FLUSHDB", "sync")).isEqualTo(OK);
        assertThat(r("DBSIZE")).isEqualTo(ZERO);
        r("SET", "a", "1");
        assertThat(r("FLUSHDB", "FOO")).isEqualTo(SYNTAX);
        assertThat(r("FLUSHDB", "SYNC", "ASYNC")).isEqualTo(SYNTAX);
        assertThat(r("DBSIZE")).isEqualTo(ONE);
    }

    @Test
    void flushallEveryDb() {
        fill("k", 20);
        r("SELECT", "5");
        r("SET", "a", "1");
        assertThat(r("FLUSHALL", "FOO")).isEqualTo(SYNTAX);
        assertThat(r("FLUSHALL", "SYNC", "x")).isEqualTo(SYNTAX);
        assertThat(r("DBSIZE")).isEqualTo(ONE);
        assertThat(r("FLUSHALL")).isEqualTo(OK);
        assertThat(r("DBSIZE")).isEqualTo(ZERO);
        r("SELECT", "0");
        assertThat(r("DBSIZE")).isEqualTo(ZERO);
        r("SET", "a", "1");
        assertThat(r("FLUSHALL", "async")).isEqualTo(OK);
        assertThat(r("EXISTS", "a")).isEqualTo(ZERO);
        r("SET", "a", "1");
        assertThat(r("FLUSHALL", "SYNC")).isEqualTo(OK);
        assertThat(r("EXISTS", "a")).isEqualTo(ZERO);
    }

    @Test
    void swapdb() {
        r("SET", "foo", "db0");
        r("EXPIRE", "foo", "100");
        r("SELECT", "1");
        r("SET", "foo", "db1");
        r("SET", "bar", "only1");
        assertThat(r("SWAPDB", "0", "1")).isEqualTo(OK);
        assertThat(r("GET", "foo")).isEqualTo(bulk("db0"));
        assertThat(r("TTL", "foo")).isEqualTo(integer(100));
        assertThat(r("GET", "bar")).isEqualTo(NIL);
        r("SELECT", "0");
        assertThat(r("GET", "foo")).isEqualTo(bulk("db1"));
        assertThat(r("GET", "bar")).isEqualTo(bulk("only1"));
        assertThat(r("DBSIZE")).isEqualTo(integer(2));
        assertThat(r("SWAPDB", "0", "0")).isEqualTo(OK);
        assertThat(r("DBSIZE")).isEqualTo(integer(2));
        assertThat(r("SWAPDB", "7", "0")).isEqualTo(OK);
        assertThat(r("DBSIZE")).isEqualTo(ZERO);
    }

    @Test
    void swapdbErrors() {
        assertThat(r("SWAPDB", "0", "16")).isEqualTo(error("ERR DB index is out of range"));
        assertThat(r("SWAPDB", "-1", "0")).isEqualTo(error("ERR DB index is out of range"));
        assertThat(r("SWAPDB", "a", "1")).isEqualTo(error("ERR invalid first DB index"));
        assertThat(r("SWAPDB", "0", "b")).isEqualTo(error("ERR invalid second DB index"));
        assertThat(r("SWAPDB", "99999999999", "1")).isEqualTo(error("ERR invalid first DB index"));
        assertThat(r("SWAPDB", "a", "b")).isEqualTo(error("ERR invalid first DB index"));
        assertThat(r("SWAPDB", "0")).isEqualTo(arity("swapdb"));
    }
}
