package io.ferrite.command.family;

import io.ferrite.engine.Shard;
import io.ferrite.store.Encoding;
import io.ferrite.store.ValueType;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.lettuce.core.KeyValue;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.ferrite.testing.Replies.EMPTY_ARRAY;
import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.NOT_FLOAT;
import static io.ferrite.testing.Replies.NOT_INTEGER;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.OVERFLOW;
import static io.ferrite.testing.Replies.STRING_TOO_LONG;
import static io.ferrite.testing.Replies.SYNTAX;
import static io.ferrite.testing.Replies.WRONGTYPE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.arity;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.integer;
import static io.ferrite.testing.Replies.invalidExpire;
import static org.assertj.core.api.Assertions.assertThat;

class StringFamilyTest extends FerriteTest {
    /** Puts a key of another type (a list) in place, so WRONGTYPE paths can be tested before lists exist. */
    static void putNonString(io.ferrite.server.Server server, String key) throws Exception {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        Shard s = server.engine().shardOf(k);
        CompletableFuture<Void> done = new CompletableFuture<>();
        s.run(() -> {
            try {
                s.view(0).delete(k);
                s.view(0).add(k, ValueType.LIST, new Object(), Encoding.QUICKLIST);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        done.get(5, TimeUnit.SECONDS);
    }

    // GET / SET

    @Test
    void ttlRightAfterPxatNeverExceedsIt() {
        // the command clock must not lag the wall clock: Redis's PTTL right after PXAT now+10000 is at most 10000
        RawClient r = raw();
        for (int i = 0; i < 300; i++) {
            long at = System.currentTimeMillis() + 10_000;
            r.call("SET", "foo", "bar");
            r.call("GETEX", "foo", "PXAT", String.valueOf(at));
            String pttl = r.call("PTTL", "foo");
            assertThat(Long.parseLong(pttl.substring(1, pttl.length() - 2))).isBetween(9_000L, 10_000L);
        }
    }

    @Test
    void getAndSetBasics() {
        RawClient r = raw();
        assertThat(r.call("GET", "k")).isEqualTo(NIL);
        assertThat(r.call("SET", "k", "hello")).isEqualTo(OK);
        assertThat(r.call("GET", "k")).isEqualTo(bulk("hello"));
        assertThat(r.call("SET", "k", "")).isEqualTo(OK);
        assertThat(r.call("GET", "k")).isEqualTo(bulk(""));
        assertThat(r.call("set", "k", "lower")).isEqualTo(OK);
        assertThat(redis.get("k")).isEqualTo("lower");
    }

    @Test
    void setBinarySafe() {
        byte[] v = {0, (byte) 0xff, '\r', '\n', 7};
        try (var j = jedis()) {
            j.set("bin".getBytes(), v);
            assertThat(j.get("bin".getBytes())).isEqualTo(v);
        }
    }

    @Test
    void setNxXx() {
        RawClient r = raw();
        assertThat(r.call("SET", "k", "v", "XX")).isEqualTo(NIL);
        assertThat(r.call("EXISTS", "k")).isEqualTo(integer(0));
        assertThat(r.call("SET", "k", "v", "NX")).isEqualTo(OK);
        assertThat(r.call("SET", "k", "w", "NX")).isEqualTo(NIL);
        assertThat(r.call("GET", "k")).isEqualTo(bulk("v"));
        assertThat(r.call("SET", "k", "w", "XX")).isEqualTo(OK);
        assertThat(r.call("GET", "k")).isEqualTo(bulk("w"));
        assertThat(r.call("SET", "k", "v", "NX", "XX")).isEqualTo(SYNTAX);
        assertThat(r.call("SET", "k", "v", "XX", "NX")).isEqualTo(SYNTAX);
        assertThat(r.call("SET", "k", "v", "NX", "NX")).isEqualTo(NIL);
    }

    @Test
    void setGetOption() throws Exception {
        RawClient r = raw();
        assertThat(r.call("SET", "k", "v1", "GET")).isEqualTo(NIL);
        assertThat(r.call("SET", "k", "v2", "GET")).isEqualTo(bulk("v1"));
        assertThat(r.call("SET", "k", "v3", "NX", "GET")).isEqualTo(bulk("v2"));
        assertThat(r.call("GET", "k")).isEqualTo(bulk("v2"));
        assertThat(r.call("SET", "k", "v4", "XX", "GET")).isEqualTo(bulk("v2"));
        assertThat(r.call("GET", "k")).isEqualTo(bulk("v4"));
        assertThat(r.call("SET", "nk", "v", "XX", "GET")).isEqualTo(NIL);
        assertThat(r.call("EXISTS", "nk")).isEqualTo(integer(0));
        putNonString(server, "lst");
        assertThat(r.call("SET", "lst", "v", "GET")).isEqualTo(WRONGTYPE);
        assertThat(r.call("TYPE", "lst")).isEqualTo("+list\r\n");
        assertThat(r.call("SET", "lst", "v")).isEqualTo(OK);
        assertThat(r.call("GET", "lst")).isEqualTo(bulk("v"));
    }

    @Test
    void setExpireOptions() {
        RawClient r = raw();
        assertThat(r.call("SET", "k", "v", "EX", "100")).isEqualTo(OK);
        assertThat(r.call("TTL", "k")).isEqualTo(integer(100));
        assertThat(r.call("SET", "k", "v", "PX", "100000")).isEqualTo(OK);
        assertThat(redis.pttl("k")).isBetween(99_000L, 100_000L);
        assertThat(r.call("SET", "k", "v", "EXAT", "4102444800")).isEqualTo(OK);
        assertThat(r.call("EXPIRETIME", "k")).isEqualTo(integer(4102444800L));
        assertThat(r.call("SET", "k", "v", "PXAT", "4102444800123")).isEqualTo(OK);
        assertThat(r.call("PEXPIRETIME", "k")).isEqualTo(integer(4102444800123L));
        assertThat(r.call("SET", "k", "v", "EX", "10", "EX", "20")).isEqualTo(OK);
        assertThat(r.call("TTL", "k")).isEqualTo(integer(20));
        assertThat(r.call("SET", "k", "v2", "KEEPTTL")).isEqualTo(OK);
        assertThat(r.call("TTL", "k")).isEqualTo(integer(20));
        assertThat(r.call("GET", "k")).isEqualTo(bulk("v2"));
        assertThat(r.call("SET", "k", "v3")).isEqualTo(OK);
        assertThat(r.call("TTL", "k")).isEqualTo(integer(-1));
        assertThat(r.call("SET", "k", "v", "PXAT", "1")).isEqualTo(OK);
        assertThat(r.call("GET", "k")).isEqualTo(NIL);
    }

    @Test
    void setExpireErrors() {
        RawClient r = raw();
        assertThat(r.call("SET", "k", "v", "EX", "abc")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("SET", "k", "v", "EX", "0")).isEqualTo(invalidExpire("set"));
        assertThat(r.call("SET", "k", "v", "PX", "-1")).isEqualTo(invalidExpire("set"));
        assertThat(r.call("SET", "k", "v", "EXAT", "0")).isEqualTo(invalidExpire("set"));
        assertThat(r.call("SET", "k", "v", "EX", "9223372036854775807"))
            .isEqualTo(invalidExpire("set"));
        assertThat(r.call("SET", "k", "v", "PX", "9223372036854775807"))
            .isEqualTo(invalidExpire("set"));
        assertThat(r.call("SET", "k", "v", "EX", "10", "PX", "100")).isEqualTo(SYNTAX);
        assertThat(r.call("SET", "k", "v", "KEEPTTL", "EX", "10")).isEqualTo(SYNTAX);
        assertThat(r.call("SET", "k", "v", "EX", "10", "KEEPTTL")).isEqualTo(SYNTAX);
        assertThat(r.call("SET", "k", "v", "PERSIST")).isEqualTo(SYNTAX);
        assertThat(r.call("SET", "k", "v", "EX")).isEqualTo(SYNTAX);
        assertThat(r.call("SET", "k", "v", "foo")).isEqualTo(SYNTAX);
        assertThat(r.call("SET", "k")).isEqualTo(arity("set"));
        assertThat(r.call("EXISTS", "k")).isEqualTo(integer(0));
    }

    @Test
    void setEncodings() {
        RawClient r = raw();
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("12345", "int");
        cases.put("-9223372036854775808", "int");
        cases.put("9223372036854775808", "embstr");
        cases.put("0123", "embstr");
        cases.put("-0", "embstr");
        cases.put("x".repeat(44), "embstr");
        cases.put("x".repeat(45), "raw");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            r.call("SET", "k", c.getKey());
            assertThat(r.call("OBJECT", "ENCODING", "k")).as(c.getKey()).isEqualTo(bulk(c.getValue()));
        }
    }

    // SETNX SETEX PSETEX GETSET

    @Test
    void setnx() {
        RawClient r = raw();
        assertThat(r.call("SETNX", "k", "v")).isEqualTo(integer(1));
        assertThat(r.call("SETNX", "k", "w")).isEqualTo(integer(0));
        assertThat(r.call("GET", "k")).isEqualTo(bulk("v"));
    }

    @Test
    void setexAndPsetex() {
        RawClient r = raw();
        assertThat(r.call("SETEX", "k", "100", "v")).isEqualTo(OK);
        assertThat(r.call("TTL", "k")).isEqualTo(integer(100));
        assertThat(r.call("GET", "k")).isEqualTo(bulk("v"));
        assertThat(r.call("SETEX", "k", "abc", "v")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("SETEX", "k", "0", "v")).isEqualTo(invalidExpire("setex"));
        assertThat(r.call("SETEX", "k", "-5", "v")).isEqualTo(invalidExpire("setex"));
        assertThat(r.call("PSETEX", "p", "100000", "v")).isEqualTo(OK);
        assertThat(redis.pttl("p")).isBetween(99_000L, 100_000L);
        assertThat(r.call("PSETEX", "p", "0", "v")).isEqualTo(invalidExpire("psetex"));
        assertThat(r.call("SETEX", "k", "10")).isEqualTo(arity("setex"));
    }

    @Test
    void getset() throws Exception {
        RawClient r = raw();
        assertThat(r.call("GETSET", "k", "x")).isEqualTo(NIL);
        assertThat(r.call("GETSET", "k", "y")).isEqualTo(bulk("x"));
        assertThat(r.call("GET", "k")).isEqualTo(bulk("y"));
        r.call("SET", "t", "v", "EX", "100");
        assertThat(r.call("GETSET", "t", "z")).isEqualTo(bulk("v"));
        assertThat(r.call("TTL", "t")).isEqualTo(integer(-1));
        putNonString(server, "lst");
        assertThat(r.call("GETSET", "lst", "x")).isEqualTo(WRONGTYPE);
        assertThat(r.call("TYPE", "lst")).isEqualTo("+list\r\n");
    }

    // GETEX GETDEL

    @Test
    void getexOptions() {
        RawClient r = raw();
        r.call("SET", "k", "v");
        assertThat(r.call("GETEX", "k")).isEqualTo(bulk("v"));
        assertThat(r.call("TTL", "k")).isEqualTo(integer(-1));
        assertThat(r.call("GETEX", "k", "EX", "100")).isEqualTo(bulk("v"));
        assertThat(r.call("TTL", "k")).isEqualTo(integer(100));
        assertThat(r.call("GETEX", "k", "PERSIST")).isEqualTo(bulk("v"));
        assertThat(r.call("TTL", "k")).isEqualTo(integer(-1));
        assertThat(r.call("GETEX", "k", "PX", "50000")).isEqualTo(bulk("v"));
        assertThat(redis.pttl("k")).isBetween(49_000L, 50_000L);
        assertThat(r.call("GETEX", "k", "EXAT", "4102444800")).isEqualTo(bulk("v"));
        assertThat(r.call("EXPIRETIME", "k")).isEqualTo(integer(4102444800L));
        assertThat(r.call("GETEX", "k", "PXAT", "4102444800500")).isEqualTo(bulk("v"));
        assertThat(r.call("PEXPIRETIME", "k")).isEqualTo(integer(4102444800500L));
        assertThat(r.call("GETEX", "k", "PXAT", "1")).isEqualTo(bulk("v"));
        assertThat(r.call("EXISTS", "k")).isEqualTo(integer(0));
        assertThat(r.call("GETEX", "nope")).isEqualTo(NIL);
    }

    @Test
    void getexErrors() throws Exception {
        RawClient r = raw();
        r.call("SET", "k", "v");
        assertThat(r.call("GETEX", "k", "EX", "abc")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("GETEX", "k", "EX", "0")).isEqualTo(invalidExpire("getex"));
        assertThat(r.call("GETEX", "k", "PERSIST", "EX", "10")).isEqualTo(SYNTAX);
        assertThat(r.call("GETEX", "k", "EX", "10", "PERSIST")).isEqualTo(SYNTAX);
        assertThat(r.call("GETEX", "k", "NX")).isEqualTo(SYNTAX);
        assertThat(r.call("GETEX", "k", "KEEPTTL")).isEqualTo(SYNTAX);
        assertThat(r.call("GETEX", "k", "GET")).isEqualTo(SYNTAX);
        assertThat(r.call("GETEX", "k", "EX")).isEqualTo(SYNTAX);
        // the expire time is checked only after the key was found
        assertThat(r.call("GETEX", "missing", "EX", "abc")).isEqualTo(NIL);
        assertThat(r.call("GETEX", "missing", "EX", "-1")).isEqualTo(NIL);
        assertThat(r.call("GETEX", "missing", "FOO")).isEqualTo(SYNTAX);
        putNonString(server, "lst");
        assertThat(r.call("GETEX", "lst")).isEqualTo(WRONGTYPE);
        assertThat(r.call("GETEX", "lst", "EX", "abc")).isEqualTo(WRONGTYPE);
        assertThat(r.call("TTL", "k")).isEqualTo(integer(-1));
    }

    @Test
    void getdel() throws Exception {
        RawClient r = raw();
        r.call("SET", "k", "v");
        assertThat(r.call("GETDEL", "k")).isEqualTo(bulk("v"));
        assertThat(r.call("GETDEL", "k")).isEqualTo(NIL);
        assertThat(r.call("EXISTS", "k")).isEqualTo(integer(0));
        putNonString(server, "lst");
        assertThat(r.call("GETDEL", "lst")).isEqualTo(WRONGTYPE);
        assertThat(r.call("EXISTS", "lst")).isEqualTo(integer(1));
    }

    @Test
    void wrongTypeReads() throws Exception {
        RawClient r = raw();
        putNonString(server, "lst");
        assertThat(r.call("GET", "lst")).isEqualTo(WRONGTYPE);
        assertThat(r.call("STRLEN", "lst")).isEqualTo(WRONGTYPE);
        assertThat(r.call("APPEND", "lst", "x")).isEqualTo(WRONGTYPE);
        assertThat(r.call("GETRANGE", "lst", "0", "1")).isEqualTo(WRONGTYPE);
        assertThat(r.call("SETRANGE", "lst", "0", "x")).isEqualTo(WRONGTYPE);
        assertThat(r.call("SETRANGE", "lst", "0", "")).isEqualTo(WRONGTYPE);
        assertThat(r.call("INCR", "lst")).isEqualTo(WRONGTYPE);
        assertThat(r.call("DECRBY", "lst", "2")).isEqualTo(WRONGTYPE);
        assertThat(r.call("INCRBYFLOAT", "lst", "1.5")).isEqualTo(WRONGTYPE);
        assertThat(r.call("SETNX", "lst", "x")).isEqualTo(integer(0));
        assertThat(r.call("MSETNX", "lst", "x", "other", "y")).isEqualTo(integer(0));
        assertThat(r.call("MGET", "lst", "nope")).isEqualTo("*2\r\n" + NIL + NIL);
        assertThat(r.call("TYPE", "lst")).isEqualTo("+list\r\n");
    }

    // MGET MSET MSETNX

    @Test
    void msetMgetAcrossShards() {
        RawClient r = raw();
        assertThat(r.call("MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6", "g", "7", "h", "8"))
            .isEqualTo(OK);
        assertThat(r.call("MGET", "a", "b", "c", "d", "e", "f", "g", "h", "zz")).isEqualTo(
            "*9\r\n" + bulk("1") + bulk("2") + bulk("3") + bulk("4") + bulk("5") + bulk("6") + bulk("7") + bulk("8") + NIL);
        List<KeyValue<String, String>> kvs = redis.mget("h", "a", "missing", "d");
        assertThat(kvs.stream().map(kv -> kv.getValueOrElse(null)).toList()).containsExactly("8", "1", null, "4");
        assertThat(r.call("MSET", "a", "x", "a", "y")).isEqualTo(OK);
        assertThat(r.call("GET", "a")).isEqualTo(bulk("y"));
        assertThat(r.call("MSET", "a", "1", "b")).isEqualTo(arity("mset"));
        assertThat(r.call("MSET", "a")).isEqualTo(arity("mset"));
        assertThat(r.call("OBJECT", "ENCODING", "b")).isEqualTo(bulk("int"));
    }

    @Test
    void msetRemovesTtl() {
        RawClient r = raw();
        r.call("SET", "a", "v", "EX", "100");
        r.call("MSET", "a", "1", "e", "2");
        assertThat(r.call("TTL", "a")).isEqualTo(integer(-1));
    }

    @Test
    void msetnxAcrossShards() {
        RawClient r = raw();
        assertThat(r.call("MSETNX", "a", "1", "b", "2", "c", "3", "d", "4")).isEqualTo(integer(1));
        assertThat(r.call("MSETNX", "e", "5", "f", "6", "g", "7", "a", "9")).isEqualTo(integer(0));
        assertThat(r.call("MGET", "a", "e", "f", "g")).isEqualTo("*4\r\n" + bulk("1") + NIL + NIL + NIL);
        assertThat(r.call("MSETNX", "e", "5", "f", "6", "g", "7", "h", "8")).isEqualTo(integer(1));
        assertThat(r.call("MGET", "a", "b", "c", "d", "e", "f", "g", "h")).isEqualTo("*8\r\n" + bulk("1") + bulk("2")
            + bulk("3") + bulk("4") + bulk("5") + bulk("6") + bulk("7") + bulk("8"));
        assertThat(r.call("MSETNX", "x", "1", "y")).isEqualTo(arity("msetnx"));
        assertThat(r.call("DBSIZE")).isEqualTo(integer(8));
    }

    // APPEND STRLEN

    @Test
    void appendAndStrlen() {
        RawClient r = raw();
        assertThat(r.call("APPEND", "k", "hello")).isEqualTo(integer(5));
        assertThat(r.call("OBJECT", "ENCODING", "k")).isEqualTo(bulk("embstr"));
        assertThat(r.call("APPEND", "k", " world")).isEqualTo(integer(11));
        assertThat(r.call("GET", "k")).isEqualTo(bulk("hello world"));
        assertThat(r.call("OBJECT", "ENCODING", "k")).isEqualTo(bulk("raw"));
        assertThat(r.call("STRLEN", "k")).isEqualTo(integer(11));
        assertThat(r.call("STRLEN", "nope")).isEqualTo(integer(0));
        r.call("SET", "n", "123");
        assertThat(r.call("STRLEN", "n")).isEqualTo(integer(3));
        assertThat(r.call("APPEND", "n", "")).isEqualTo(integer(3));
        assertThat(r.call("OBJECT", "ENCODING", "n")).isEqualTo(bulk("raw"));
        assertThat(r.call("APPEND", "i", "123")).isEqualTo(integer(3));
        assertThat(r.call("OBJECT", "ENCODING", "i")).isEqualTo(bulk("int"));
        r.call("SET", "t", "a", "EX", "100");
        r.call("APPEND", "t", "b");
        assertThat(r.call("TTL", "t")).isEqualTo(integer(100));
    }

    @Test
    void appendDoesNotChangeEarlierReplies() {
        RawClient r = raw();
        r.call("SET", "k", "abc");
        assertThat(r.call("GET", "k")).isEqualTo(bulk("abc"));
        r.call("APPEND", "k", "def");
        r.call("SETRANGE", "k", "0", "X");
        r.call("COPY", "k", "k2");
        r.call("APPEND", "k", "!");
        assertThat(r.call("GET", "k")).isEqualTo(bulk("Xbcdef!"));
    }

    // GETRANGE SUBSTR SETRANGE

    @Test
    void getrange() {
        RawClient r = raw();
        r.call("SET", "s", "This is a string");
        assertThat(r.call("GETRANGE", "s", "0", "3")).isEqualTo(bulk("This"));
        assertThat(r.call("GETRANGE", "s", "-3", "-1")).isEqualTo(bulk("ing"));
        assertThat(r.call("GETRANGE", "s", "0", "-1")).isEqualTo(bulk("This is a string"));
        assertThat(r.call("GETRANGE", "s", "10", "100")).isEqualTo(bulk("string"));
        assertThat(r.call("GETRANGE", "s", "-1", "-5")).isEqualTo(bulk(""));
        assertThat(r.call("GETRANGE", "s", "5", "3")).isEqualTo(bulk(""));
        assertThat(r.call("GETRANGE", "s", "-100", "-50")).isEqualTo(bulk("T"));
        assertThat(r.call("GETRANGE", "s", "-100", "2")).isEqualTo(bulk("Thi"));
        assertThat(r.call("GETRANGE", "s", "9223372036854775807", "9223372036854775807")).isEqualTo(bulk(""));
        assertThat(r.call("GETRANGE", "s", "-9223372036854775808", "9223372036854775807"))
            .isEqualTo(bulk("This is a string"));
        assertThat(r.call("SUBSTR", "s", "5", "6")).isEqualTo(bulk("is"));
        assertThat(r.call("GETRANGE", "s", "a", "2")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("GETRANGE", "s", "1", "b")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("GETRANGE", "nope", "0", "-1")).isEqualTo(bulk(""));
        assertThat(r.call("GETRANGE", "nope", "a", "1")).isEqualTo(NOT_INTEGER);
        r.call("SET", "e", "");
        assertThat(r.call("GETRANGE", "e", "0", "0")).isEqualTo(bulk(""));
        r.call("SET", "n", "12345");
        assertThat(r.call("GETRANGE", "n", "1", "2")).isEqualTo(bulk("23"));
    }

    @Test
    void setrange() {
        RawClient r = raw();
        assertThat(r.call("SETRANGE", "k", "5", "hello")).isEqualTo(integer(10));
        assertThat(r.call("GET", "k")).isEqualTo("$10\r\n\0\0\0\0\0hello\r\n");
        assertThat(r.call("OBJECT", "ENCODING", "k")).isEqualTo(bulk("raw"));
        assertThat(r.call("SETRANGE", "k", "0", "HE")).isEqualTo(integer(10));
        assertThat(r.call("GET", "k")).isEqualTo("$10\r\nHE\0\0\0hello\r\n");
        assertThat(r.call("SETRANGE", "k", "8", "LOWORLD")).isEqualTo(integer(15));
        assertThat(r.call("GET", "k")).isEqualTo("$15\r\nHE\0\0\0helLOWORLD\r\n");
        assertThat(r.call("SETRANGE", "k", "1", "")).isEqualTo(integer(15));
        assertThat(r.call("SETRANGE", "nk", "10", "")).isEqualTo(integer(0));
        assertThat(r.call("EXISTS", "nk")).isEqualTo(integer(0));
        assertThat(r.call("SETRANGE", "k", "-1", "x")).isEqualTo("-ERR offset is out of range\r\n");
        assertThat(r.call("SETRANGE", "k", "abc", "x")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("SETRANGE", "k", "536870912", "x"))
            .isEqualTo(STRING_TOO_LONG);
        assertThat(r.call("SETRANGE", "k", "536870911", "xy"))
            .isEqualTo(STRING_TOO_LONG);
        assertThat(r.call("SETRANGE", "nk", "536870912", "x"))
            .isEqualTo(STRING_TOO_LONG);
        r.call("SET", "n", "12345");
        assertThat(r.call("SETRANGE", "n", "1", "9")).isEqualTo(integer(5));
        assertThat(r.call("GET", "n")).isEqualTo(bulk("19345"));
        assertThat(r.call("OBJECT", "ENCODING", "n")).isEqualTo(bulk("raw"));
    }

    // INCR DECR INCRBY DECRBY

    @Test
    void incrDecr() {
        RawClient r = raw();
        assertThat(r.call("INCR", "k")).isEqualTo(integer(1));
        assertThat(r.call("INCR", "k")).isEqualTo(integer(2));
        assertThat(r.call("OBJECT", "ENCODING", "k")).isEqualTo(bulk("int"));
        assertThat(r.call("INCRBY", "k", "10")).isEqualTo(integer(12));
        assertThat(r.call("DECRBY", "k", "20")).isEqualTo(integer(-8));
        assertThat(r.call("DECR", "k")).isEqualTo(integer(-9));
        assertThat(r.call("GET", "k")).isEqualTo(bulk("-9"));
        assertThat(r.call("DECR", "n")).isEqualTo(integer(-1));
        r.call("SET", "t", "5", "EX", "100");
        assertThat(r.call("INCR", "t")).isEqualTo(integer(6));
        assertThat(r.call("TTL", "t")).isEqualTo(integer(100));
        r.call("SET", "big", "x".repeat(50));
        assertThat(r.call("INCR", "big")).isEqualTo(NOT_INTEGER);
        r.call("SET", "emb", "12345678901234567");
        assertThat(r.call("INCR", "emb")).isEqualTo(integer(12345678901234568L));
        assertThat(r.call("OBJECT", "ENCODING", "emb")).isEqualTo(bulk("int"));
    }

    @Test
    void incrErrors() {
        RawClient r = raw();
        for (String bad : new String[] {" 1", "1.5", "+1", "007", "", "1 ", "abc", "9223372036854775808"}) {
            r.call("SET", "k", bad);
            assertThat(r.call("INCR", "k")).as(bad).isEqualTo(NOT_INTEGER);
            assertThat(r.call("GET", "k")).isEqualTo(bulk(bad));
        }
        r.call("SET", "k", "10");
        assertThat(r.call("INCRBY", "k", "abc")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("INCRBY", "k", "1.0")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("INCRBY", "k", "")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("DECRBY", "k", "-9223372036854775808")).isEqualTo("-ERR decrement would overflow\r\n");
        assertThat(r.call("DECRBY", "nope", "-9223372036854775808")).isEqualTo("-ERR decrement would overflow\r\n");
        r.call("SET", "k", "9223372036854775807");
        assertThat(r.call("INCR", "k")).isEqualTo(OVERFLOW);
        assertThat(r.call("INCRBY", "k", "-9223372036854775808")).isEqualTo(integer(-1));
        r.call("SET", "k", "-9223372036854775808");
        assertThat(r.call("DECR", "k")).isEqualTo(OVERFLOW);
        assertThat(r.call("DECRBY", "k", "9223372036854775807"))
            .isEqualTo(OVERFLOW);
        assertThat(r.call("INCRBY", "k", "9223372036854775807")).isEqualTo(integer(-1));
        assertThat(r.call("INCR", "k", "x")).isEqualTo(arity("incr"));
    }

    // INCRBYFLOAT

    @Test
    void incrbyfloatFormatting() {
        RawClient r = raw();
        String[][] steps = {
            {"f", "10.5", "10.5"}, {"f", "0.1", "10.6"}, {"f", "-5.0e3", "-4989.39999999999999991"}, {"f", "5.0e3", "10.60000000000000009"},
            {"g", "3.0e-5", "0.00003"}, {"g", "1.1", "1.10003"},
            {"h", "5.0e3", "5000"}, {"h", "1e20", "100000000000000005000"},
            {"i", "1.1", "1.1"}, {"i", "1.1", "2.2"}, {"i", "1.1", "3.3"},
            {"j", "0.1", "0.1"}, {"j", "0.2", "0.3"}, {"j", "-0.3", "0"},
            {"l", "1.23456789012345678901", "1.23456789012345679"},
            {"m", "0.000000000000000001", "0"}, {"m2", "0.000000000000000015", "0.00000000000000002"},
            {"n", "-1e-19", "0"}, {"o", "0x10", "16"}, {"o", "0X1P4", "32"}, {"p", ".5", "0.5"}, {"q", "5.", "5"},
            {"s", "+1.5", "1.5"}, {"t", "1.5e+2", "150"}, {"u", "7", "7"},
            {"v", "0x1p-18", "0.00000381469726562"},
            {"w", "12345678901234567890123", "12345678901234567889920"},
            {"x", "99999999999999999.5", "99999999999999999.5"},
            {"y", "3.14159265358979323846", "3.14159265358979324"},
            {"y", "2.71828182845904523536", "5.85987448204883848"},
        };
        for (String[] s : steps) {
            assertThat(r.call("INCRBYFLOAT", s[0], s[1])).as(s[0] + " += " + s[1]).isEqualTo(bulk(s[2]));
            assertThat(r.call("GET", s[0])).isEqualTo(bulk(s[2]));
        }
        assertThat(r.call("OBJECT", "ENCODING", "h")).isEqualTo(bulk("embstr"));
        assertThat(r.call("OBJECT", "ENCODING", "u")).isEqualTo(bulk("embstr"));
        r.call("INCRBYFLOAT", "z", "1.7976931348623157e308");
        assertThat(r.call("OBJECT", "ENCODING", "z")).isEqualTo(bulk("raw"));
        assertThat(redis.strlen("z")).isEqualTo(309);
        assertThat(redis.get("z")).startsWith("1797693134862315699959210467741044340483").endsWith("6384");
    }

    @Test
    void incrbyfloatHugeAndTiny() {
        RawClient r = raw();
        String v = r.call("INCRBYFLOAT", "k", "1e4000");
        assertThat(v).startsWith("$4000\r\n9999999999999999999965463873099623784932492583506957631301508333");
        assertThat(r.call("INCRBYFLOAT", "k", "-1e4000")).isEqualTo(bulk("0"));
        assertThat(r.call("INCRBYFLOAT", "t", "1e-4950")).isEqualTo(bulk("0"));
        assertThat(r.call("INCRBYFLOAT", "t2", "0e-99999")).isEqualTo(bulk("0"));
    }

    @Test
    void incrbyfloatErrors() {
        RawClient r = raw();
        for (String bad : new String[] {"abc", "", " 1", "1 ", "nan", "0x", "0x1p", "1e", ".", "1_000", "1d",
            "infinit", "1e4933", "1e-4955", "--1"}) {
            assertThat(r.call("INCRBYFLOAT", "k", bad)).as(bad).isEqualTo(NOT_FLOAT);
        }
        assertThat(r.call("EXISTS", "k")).isEqualTo(integer(0));
        String nanInf = "-ERR increment would produce NaN or Infinity\r\n";
        assertThat(r.call("INCRBYFLOAT", "k", "inf")).isEqualTo(nanInf);
        assertThat(r.call("INCRBYFLOAT", "k", "-Infinity")).isEqualTo(nanInf);
        r.call("SET", "k", "1.7976931348623157e308");
        r.call("INCRBYFLOAT", "m", "1e4932");
        assertThat(r.call("INCRBYFLOAT", "m", "1e4932")).isEqualTo(nanInf);
        r.call("SET", "s", "abc");
        assertThat(r.call("INCRBYFLOAT", "s", "1")).isEqualTo(NOT_FLOAT);
        r.call("SET", "s", "inf");
        assertThat(r.call("INCRBYFLOAT", "s", "1")).isEqualTo(nanInf);
        r.call("SET", "s", "5");
        assertThat(r.call("INCRBYFLOAT", "s", "abc")).isEqualTo(NOT_FLOAT);
        assertThat(r.call("GET", "s")).isEqualTo(bulk("5"));
        r.call("SET", "t", "1.5", "EX", "100");
        assertThat(r.call("INCRBYFLOAT", "t", "1")).isEqualTo(bulk("2.5"));
        assertThat(r.call("TTL", "t")).isEqualTo(integer(100));
    }

    // LCS

    @Test
    void lcs() {
        RawClient r = raw();
        r.call("SET", "a", "ohmytext");
        r.call("SET", "b", "mynewtext");
        assertThat(r.call("LCS", "a", "b")).isEqualTo(bulk("mytext"));
        assertThat(r.call("LCS", "a", "b", "LEN")).isEqualTo(integer(6));
        assertThat(r.call("LCS", "a", "b", "IDX")).isEqualTo("*4\r\n" + bulk("matches") + "*2\r\n"
            + "*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
            + "*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n"
            + bulk("len") + integer(6));
        assertThat(r.call("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")).isEqualTo("*4\r\n"
            + bulk("matches") + "*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n" + bulk("len") + integer(6));
        assertThat(r.call("LCS", "a", "b", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "-5")).isEqualTo("*4\r\n"
            + bulk("matches") + "*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
            + "*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n" + bulk("len") + integer(6));
        assertThat(r.call("LCS", "a", "nope")).isEqualTo(bulk(""));
        assertThat(r.call("LCS", "nope", "nope2", "LEN")).isEqualTo(integer(0));
        assertThat(r.call("LCS", "nope", "nope2", "IDX"))
            .isEqualTo("*4\r\n" + bulk("matches") + EMPTY_ARRAY + bulk("len") + ZERO);
    }

    @Test
    void lcsAcrossShards() {
        RawClient r = raw();
        r.call("MSET", "c", "hello world this is a test", "d", "hell0 w0rld thus is u tost",
            "e", "aaaa", "f", "aa", "g", "xyz", "h", "xyz");
        assertThat(r.call("LCS", "c", "d")).isEqualTo(bulk("hell wrld ths is  tst"));
        assertThat(r.call("LCS", "d", "c", "LEN")).isEqualTo(integer(21));
        assertThat(r.call("LCS", "e", "f", "IDX", "WITHMATCHLEN")).isEqualTo("*4\r\n" + bulk("matches")
            + "*1\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n" + bulk("len") + integer(2));
        assertThat(r.call("LCS", "g", "h")).isEqualTo(bulk("xyz"));
        assertThat(r.call("LCS", "h", "a")).isEqualTo(bulk(""));
    }

    @Test
    void lcsErrors() throws Exception {
        RawClient r = raw();
        r.call("SET", "a", "x");
        r.call("SET", "b", "y");
        assertThat(r.call("LCS", "a", "b", "LEN", "IDX"))
            .isEqualTo("-ERR If you want both the length and indexes, please just use IDX.\r\n");
        assertThat(r.call("LCS", "a", "b", "FOO")).isEqualTo(SYNTAX);
        assertThat(r.call("LCS", "a", "b", "MINMATCHLEN")).isEqualTo(SYNTAX);
        assertThat(r.call("LCS", "a", "b", "MINMATCHLEN", "abc")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("LCS", "a")).isEqualTo(arity("lcs"));
        putNonString(server, "lst");
        assertThat(r.call("LCS", "a", "lst")).isEqualTo("-ERR The specified keys must contain string values\r\n");
        assertThat(r.call("LCS", "lst", "b", "FOO"))
            .isEqualTo("-ERR The specified keys must contain string values\r\n");
        r.call("SETRANGE", "big1", "12000", "x");
        r.call("SETRANGE", "big2", "12000", "y");
        assertThat(r.call("LCS", "big1", "big2", "LEN"))
            .isEqualTo("-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n");
    }
}
