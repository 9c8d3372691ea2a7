package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ValueScanCursor;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.ferrite.testing.Replies.EMPTY_ARRAY;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.OUT_OF_RANGE;
import static io.ferrite.testing.Replies.WRONGTYPE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.bulks;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

class SetFamilyTest extends FerriteTest {

    @Test
    void saddSmembersScardThroughLettuce() {
        assertThat(redis.sadd("s", "a", "b", "c", "a")).isEqualTo(3);
        assertThat(redis.smembers("s")).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(redis.scard("s")).isEqualTo(3);
        assertThat(redis.sismember("s", "b")).isTrue();
        assertThat(redis.smismember("s", "a", "z")).containsExactly(true, false);
        assertThat(redis.srem("s", "a", "z")).isEqualTo(1);
        assertThat(redis.type("s")).isEqualTo("set");
        assertThat(redis.objectEncoding("s")).isEqualTo("hashtable");
    }

    @Test
    void intsetEncodingAndOrder() {
        RawClient r = raw();
        assertThat(r.call("SADD", "i", "3", "-1", "70000", "2")).isEqualTo(integer(4));
        assertThat(r.call("OBJECT", "ENCODING", "i")).isEqualTo(bulk("intset"));
        assertThat(r.call("SMEMBERS", "i")).isEqualTo(bulks("-1", "2", "3", "70000"));
        assertThat(r.call("SADD", "i", "x")).isEqualTo(ONE);
        assertThat(r.call("OBJECT", "ENCODING", "i")).isEqualTo(bulk("hashtable"));
        assertThat(r.call("SADD", "j", "01")).isEqualTo(ONE);
        assertThat(r.call("OBJECT", "ENCODING", "j")).isEqualTo(bulk("hashtable"));
    }

    @Test
    void intsetLimitFromConfig() {
        redis.configSet("set-max-intset-entries", "3");
        try {
            redis.sadd("i", "1", "2", "3");
            assertThat(redis.objectEncoding("i")).isEqualTo("intset");
            redis.sadd("i", "4");
            assertThat(redis.objectEncoding("i")).isEqualTo("hashtable");
        } finally {
            redis.configSet("set-max-intset-entries", "512");
        }
    }

    @Test
    void wrongTypeAndEmptyDeletion() {
        RawClient r = raw();
        r.call("SET", "str", "v");
        assertThat(r.call("SADD", "str", "a")).isEqualTo(WRONGTYPE);
        assertThat(r.call("SINTER", "nosuch", "str")).isEqualTo(WRONGTYPE);
        r.call("SADD", "s", "a");
        assertThat(r.call("SREM", "s", "a")).isEqualTo(ONE);
        assertThat(r.call("EXISTS", "s")).isEqualTo(ZERO);
        r.call("SADD", "p", "x");
        assertThat(r.call("SPOP", "p")).isEqualTo(bulk("x"));
        assertThat(r.call("EXISTS", "p")).isEqualTo(ZERO);
    }

    @Test
    void spopAndSrandmemberCounts() {
        for (int i = 0; i < 50; i++) {
            redis.sadd("s", "m" + i);
        }
        Set<String> popped = redis.spop("s", 10);
        assertThat(popped).hasSize(10);
        assertThat(redis.scard("s")).isEqualTo(40);
        for (String m : popped) {
            assertThat(redis.sismember("s", m)).isFalse();
        }
        List<String> distinct = redis.srandmember("s", 20);
        assertThat(new HashSet<>(distinct)).hasSize(20);
        List<String> repeated = redis.srandmember("s", -100);
        assertThat(repeated).hasSize(100);
        assertThat(redis.smembers("s")).containsAll(repeated);
        assertThat(redis.srandmember("s", 100)).hasSize(40);
        assertThat(redis.spop("s", 100)).hasSize(40);
        assertThat(redis.exists("s")).isZero();
    }

    @Test
    void setAlgebraAcrossShards() {
        redis.sadd("a", "1", "2", "3", "x");
        redis.sadd("b", "2", "3", "4", "x");
        redis.sadd("c", "3", "x", "y");
        assertThat(redis.sinter("a", "b", "c")).containsExactlyInAnyOrder("3", "x");
        assertThat(redis.sunion("a", "b", "c")).containsExactlyInAnyOrder("1", "2", "3", "4", "x", "y");
        assertThat(redis.sdiff("a", "b", "c")).containsExactlyInAnyOrder("1");
        assertThat(redis.sinterstore("d", "a", "b")).isEqualTo(3);
        assertThat(redis.smembers("d")).containsExactlyInAnyOrder("2", "3", "x");
        assertThat(redis.sunionstore("e", "a", "c")).isEqualTo(5);
        assertThat(redis.sdiffstore("f", "a", "a")).isZero();
        assertThat(redis.exists("f")).isZero();
        assertThat(redis.sintercard("a", "b")).isEqualTo(3);
        assertThat(redis.sintercard(2, "a", "b")).isEqualTo(2);
        assertThat(redis.smove("a", "zz", "1")).isTrue();
        assertThat(redis.smembers("zz")).containsExactly("1");
        assertThat(redis.objectEncoding("zz")).isEqualTo("intset");
    }

    @Test
    void sscanHashtableReturnsEverything() {
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            redis.sadd("s", "member:" + i);
            all.add("member:" + i);
        }
        Set<String> seen = new HashSet<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        int calls = 0;
        do {
            ValueScanCursor<String> page = redis.sscan("s", cursor, ScanArgs.Builder.limit(50));
            seen.addAll(page.getValues());
            cursor = page;
            calls++;
        } while (!cursor.isFinished());
        assertThat(seen).isEqualTo(all);
        assertThat(calls).isGreaterThan(5);
        ValueScanCursor<String> matched = redis.sscan("s", ScanCursor.INITIAL, ScanArgs.Builder.matches("member:99*").limit(5000));
        assertThat(matched.getValues()).containsExactlyInAnyOrder("member:99", "member:990", "member:991", "member:992",
            "member:993", "member:994", "member:995", "member:996", "member:997", "member:998", "member:999");
    }

    @Test
    void resp3SetReplies() {
        RawClient r = raw();
        r.call("HELLO", "3");
        r.call("SADD", "s", "1", "2");
        assertThat(r.call("SMEMBERS", "s")).isEqualTo("~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
        assertThat(r.call("SUNION", "s", "nosuch")).isEqualTo("~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
        assertThat(r.call("SPOP", "nosuch")).isEqualTo("_\r\n");
        assertThat(r.call("SPOP", "nosuch", "2")).isEqualTo("~0\r\n");
        assertThat(r.call("SRANDMEMBER", "nosuch", "2")).isEqualTo(EMPTY_ARRAY);
    }

    @Test
    void copyIsDeepAndMoveWorks() {
        redis.sadd("s", "a", "b");
        assertThat(redis.copy("s", "t")).isTrue();
        redis.sadd("t", "c");
        redis.srem("s", "a");
        assertThat(redis.smembers("s")).containsExactly("b");
        assertThat(redis.smembers("t")).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(redis.move("t", 3)).isTrue();
        try (Jedis j = new Jedis("127.0.0.1", port())) {
            j.select(3);
            assertThat(j.smembers("t")).containsExactlyInAnyOrder("a", "b", "c");
            j.flushDB();
        }
        redis.rename("s", "renamed");
        assertThat(redis.smembers("renamed")).containsExactly("b");
    }

    @Test
    void memoryTracksSetSize() {
        long base = dataMemory();
        for (int i = 0; i < 2000; i++) {
            redis.sadd("big", "some-longer-member-name-" + i);
        }
        long grown = dataMemory();
        assertThat(grown - base).isGreaterThan(2000L * 30);
        redis.srem("big", "some-longer-member-name-0");
        assertThat(dataMemory()).isLessThan(grown);
        redis.del("big");
        assertThat(dataMemory()).isLessThanOrEqualTo(base + 64);
    }

    @Test
    void watchSeesSetChanges() {
        Jedis a = jedis();
        Jedis b = jedis();
        a.sadd("w", "x");
        a.watch("w");
        b.sadd("w", "x");
        redis.clients.jedis.Transaction t = a.multi();
        t.scard("w");
        assertThat(t.exec()).containsExactly(1L);
        a.watch("w");
        b.sadd("w", "y");
        t = a.multi();
        t.scard("w");
        assertThat(t.exec()).isNull();
    }

    /** A huge negative count used to be cast to int: a malformed reply, and the shard stuck repeating picks. */
    @Test
    void srandmemberRefusesMorePicksThanOneReplyHolds() {
        RawClient c = raw();
        c.call("SADD", "s", "a", "b", "1");
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            assertThat(c.call("SRANDMEMBER", "s", "-9223372036854775807")).isEqualTo(OUT_OF_RANGE);
            assertThat(c.call("SRANDMEMBER", "s", "-67108865")).isEqualTo(OUT_OF_RANGE);
            assertThat(c.call("SRANDMEMBER", "nokey", "-9223372036854775807")).isEqualTo(EMPTY_ARRAY);
            assertThat(c.call("SRANDMEMBER", "s", "9223372036854775807")).startsWith("*3\r\n");
        });
        assertThat(redis.srandmember("s", -1000)).hasSize(1000);
    }
}
