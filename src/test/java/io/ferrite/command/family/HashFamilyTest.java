package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.ferrite.testing.Replies.EMPTY_ARRAY;
import static io.ferrite.testing.Replies.NOT_INTEGER;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.OUT_OF_RANGE;
import static io.ferrite.testing.Replies.OVERFLOW;
import static io.ferrite.testing.Replies.SYNTAX;
import static io.ferrite.testing.Replies.WRONGTYPE;
import static io.ferrite.testing.Replies.arity;
import static io.ferrite.testing.Replies.bulk;
import static org.assertj.core.api.Assertions.assertThat;

class HashFamilyTest extends FerriteTest {

    private String encoding(String key) {
        return redis.objectEncoding(key);
    }

    @Test
    void basicsThroughLettuce() {
        Map<String, String> ab = new java.util.LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        // insertion order matters for HKEYS on a listpack hash: Map.of's order changes between JVM runs
        assertThat(redis.hset("h", ab)).isEqualTo(2);
        assertThat(redis.hset("h", "a", "10")).isFalse();
        assertThat(redis.hget("h", "a")).isEqualTo("10");
        assertThat(redis.hsetnx("h", "a", "x")).isFalse();
        assertThat(redis.hsetnx("h", "c", "3")).isTrue();
        assertThat(redis.hlen("h")).isEqualTo(3);
        assertThat(redis.hstrlen("h", "a")).isEqualTo(2);
        assertThat(redis.hexists("h", "b")).isTrue();
        assertThat(redis.hkeys("h")).containsExactly("a", "b", "c");
        assertThat(redis.hvals("h")).containsExactly("10", "2", "3");
        assertThat(redis.hgetall("h")).containsEntry("c", "3").hasSize(3);
        assertThat(redis.hdel("h", "a", "b", "zz")).isEqualTo(2);
        assertThat(redis.hdel("h", "c")).isEqualTo(1);
        assertThat(redis.exists("h")).isZero();
        assertThat(encoding("h")).isNull();
    }

    @Test
    void exactRepliesAndErrors() {
        RawClient r = raw();
        assertThat(r.call("HSET", "h", "a")).isEqualTo(arity("hset"));
        assertThat(r.call("HMSET", "h", "a", "1", "b")).isEqualTo(arity("hmset"));
        assertThat(r.call("HMSET", "h", "a", "1")).isEqualTo(OK);
        assertThat(r.call("HMGET", "h", "a", "b")).isEqualTo("*2\r\n$1\r\n1\r\n$-1\r\n");
        assertThat(r.call("HINCRBY", "h", "a", "x")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("HSET", "h", "s", "abc")).isEqualTo(ONE);
        assertThat(r.call("HINCRBY", "h", "s", "1")).isEqualTo("-ERR hash value is not an integer\r\n");
        assertThat(r.call("HINCRBYFLOAT", "h", "s", "1")).isEqualTo("-ERR hash value is not a float\r\n");
        assertThat(r.call("HINCRBYFLOAT", "h", "a", "inf")).isEqualTo("-ERR value is NaN or Infinity\r\n");
        assertThat(r.call("HINCRBYFLOAT", "h", "a", "0.1")).isEqualTo(bulk("1.1"));
        assertThat(r.call("HSET", "h", "big", "9223372036854775807")).isEqualTo(ONE);
        assertThat(r.call("HINCRBY", "h", "big", "1")).isEqualTo(OVERFLOW);
        assertThat(r.call("HGETALL", "nokey")).isEqualTo(EMPTY_ARRAY);
        assertThat(r.call("HSCAN", "nokey", "0")).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
        assertThat(r.call("HSCAN", "h", "x")).isEqualTo("-ERR invalid cursor\r\n");
        assertThat(r.call("HRANDFIELD", "h", "1", "WITHVALUES", "x")).isEqualTo(SYNTAX);
        r.call("SET", "s", "x");
        for (String[] cmd : new String[][] {{"HSET", "s", "a", "1"}, {"HGET", "s", "a"}, {"HMGET", "s", "a"}, {"HDEL", "s", "a"},
            {"HLEN", "s"}, {"HGETALL", "s"}, {"HINCRBY", "s", "a", "1"}, {"HRANDFIELD", "s"}, {"HSCAN", "s", "0"}}) {
            assertThat(r.call(cmd)).as(String.join(" ", cmd)).isEqualTo(WRONGTYPE);
        }
    }

    @Test
    void resp3Replies() {
        RawClient r = raw();
        r.call("HELLO", "3");
        r.call("HSET", "h", "a", "1", "b", "2");
        assertThat(r.call("HGETALL", "h")).isEqualTo("%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
        assertThat(r.call("HGETALL", "nokey")).isEqualTo("%0\r\n");
        assertThat(r.call("HRANDFIELD", "h", "5", "WITHVALUES"))
            .isEqualTo("*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
        assertThat(r.call("HGET", "nokey", "a")).isEqualTo("_\r\n");
    }

    @Test
    void encodingConversions() {
        redis.hset("h", "a", "1");
        assertThat(encoding("h")).isEqualTo("listpack");
        redis.hset("h", "b", "x".repeat(65));
        assertThat(encoding("h")).isEqualTo("hashtable");
        redis.hdel("h", "b");
        assertThat(encoding("h")).isEqualTo("hashtable");
        String saved = redis.configGet("hash-max-listpack-entries").get("hash-max-listpack-entries");
        redis.configSet("hash-max-listpack-entries", "3");
        try {
            redis.hset("e", Map.of("a", "1", "b", "2", "c", "3"));
            assertThat(encoding("e")).isEqualTo("listpack");
            redis.hincrby("e", "d", 1);
            assertThat(encoding("e")).isEqualTo("hashtable");
            assertThat(redis.hgetall("e")).containsEntry("d", "1").hasSize(4);
        } finally {
            redis.configSet("hash-max-listpack-entries", saved);
        }
    }

    @Test
    void hscanLargeHashCoversEverything() {
        Map<String, String> all = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            all.put("field:" + i, "v" + i);
        }
        redis.hset("big", all);
        assertThat(encoding("big")).isEqualTo("hashtable");
        Map<String, String> seen = new HashMap<>();
        MapScanCursor<String, String> cur = redis.hscan("big");
        int calls = 1;
        seen.putAll(cur.getMap());
        while (!cur.isFinished()) {
            cur = redis.hscan("big", cur);
            seen.putAll(cur.getMap());
            calls++;
        }
        assertThat(seen).isEqualTo(all);
        assertThat(calls).isGreaterThan(10);
        Set<String> matched = new HashSet<>();
        cur = redis.hscan("big", ScanArgs.Builder.matches("field:1??").limit(100));
        matched.addAll(cur.getMap().keySet());
        while (!cur.isFinished()) {
            cur = redis.hscan("big", cur, ScanArgs.Builder.matches("field:1??").limit(100));
            matched.addAll(cur.getMap().keySet());
        }
        assertThat(matched).hasSize(100);
        // a small hash comes back whole with cursor 0
        redis.hset("small", Map.of("a", "1", "b", "2"));
        MapScanCursor<String, String> small = redis.hscan("small", ScanCursor.of("99"));
        assertThat(small.isFinished()).isTrue();
        assertThat(small.getMap()).hasSize(2);
    }

    @Test
    void hrandfieldShapes() {
        redis.hset("h", Map.of("a", "1", "b", "2", "c", "3", "d", "4"));
        for (int i = 0; i < 50; i++) {
            assertThat(redis.hrandfield("h")).isIn("a", "b", "c", "d");
            List<String> two = redis.hrandfield("h", 2);
            assertThat(two).hasSize(2).doesNotHaveDuplicates();
            assertThat(redis.hrandfield("h", -10)).hasSize(10);
            var withValues = redis.hrandfieldWithvalues("h", -3);
            assertThat(withValues).hasSize(3);
            withValues.forEach(kv -> assertThat(kv.getValue()).isEqualTo(Map.of("a", "1", "b", "2", "c", "3", "d", "4").get(kv.getKey())));
        }
        redis.hset("h", "big", "x".repeat(100));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            List<String> three = redis.hrandfield("h", 3);
            assertThat(three).hasSize(3).doesNotHaveDuplicates();
            seen.addAll(three);
        }
        assertThat(seen).containsExactlyInAnyOrder("a", "b", "c", "d", "big");
        assertThat(redis.hrandfield("h", 10)).hasSize(5);
    }

    @Test
    void genericKeyCommandsAndMemory() {
        long before = dataMemory();
        redis.hset("h", Map.of("a", "1", "b", "x".repeat(100)));
        assertThat(redis.copy("h", "h2")).isTrue();
        redis.hset("h2", "c", "3");
        assertThat(redis.hlen("h")).isEqualTo(2);
        assertThat(redis.hlen("h2")).isEqualTo(3);
        assertThat(redis.type("h2")).isEqualTo("hash");
        redis.rename("h2", "h3");
        redis.set("s", "x");
        var cursor = redis.scan(ScanCursor.INITIAL, KeyScanArgs.Builder.type("hash").limit(1000));
        assertThat(cursor.getKeys()).containsExactlyInAnyOrder("h", "h3");
        redis.hincrbyfloat("h3", "f", 1.5);
        redis.del("h", "h3", "s");
        assertThat(dataMemory()).isEqualTo(before);
    }

    /** A huge negative count used to be cast to int: a malformed reply, and the shard stuck repeating picks. */
    @Test
    void hrandfieldRefusesMorePicksThanOneReplyHolds() {
        RawClient c = raw();
        c.call("HSET", "h", "a", "1", "b", "2");
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            // Redis 7.0.15's own limit for WITHVALUES
            assertThat(c.call("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES")).isEqualTo(OUT_OF_RANGE);
            assertThat(c.call("HRANDFIELD", "h", "-4611686018427387903", "WITHVALUES")).isEqualTo(OUT_OF_RANGE);
            assertThat(c.call("HRANDFIELD", "h", "-33554433", "WITHVALUES")).isEqualTo(OUT_OF_RANGE);
            assertThat(c.call("HRANDFIELD", "h", "-9223372036854775807")).isEqualTo(OUT_OF_RANGE);
            assertThat(c.call("HRANDFIELD", "h", "-67108865")).isEqualTo(OUT_OF_RANGE);
            assertThat(c.call("HRANDFIELD", "h", "9223372036854775807")).startsWith("*2\r\n");
        });
        assertThat(redis.hrandfieldWithvalues("h", -1000)).hasSize(1000);
    }
}
