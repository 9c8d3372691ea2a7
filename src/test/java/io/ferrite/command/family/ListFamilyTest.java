package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.LMoveArgs;
import io.lettuce.core.LMPopArgs;
import io.lettuce.core.LPosArgs;
import io.lettuce.core.ScanCursor;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;

import static io.ferrite.testing.Replies.EMPTY_ARRAY;
import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.NIL_ARRAY;
import static io.ferrite.testing.Replies.NO_SUCH_KEY;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.SYNTAX;
import static io.ferrite.testing.Replies.WRONGTYPE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.arity;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

class ListFamilyTest extends FerriteTest {

    @Test
    void pushRangePopThroughLettuce() {
        assertThat(redis.rpush("l", "a", "b", "c")).isEqualTo(3);
        assertThat(redis.lpush("l", "z")).isEqualTo(4);
        assertThat(redis.lrange("l", 0, -1)).containsExactly("z", "a", "b", "c");
        assertThat(redis.lpop("l")).isEqualTo("z");
        assertThat(redis.rpop("l", 2)).containsExactly("c", "b");
        assertThat(redis.llen("l")).isEqualTo(1);
        assertThat(redis.rpop("l")).isEqualTo("a");
        assertThat(redis.exists("l")).isZero();
        assertThat(redis.lpushx("l", "x")).isZero();
        assertThat(redis.type("l")).isEqualTo("none");
    }

    @Test
    void exactRepliesAndErrors() {
        RawClient r = raw();
        assertThat(r.call("RPUSH", "l", "a", "b")).isEqualTo(integer(2));
        assertThat(r.call("LPOP", "l", "0")).isEqualTo(EMPTY_ARRAY);
        assertThat(r.call("LPOP", "nokey", "1")).isEqualTo(NIL_ARRAY);
        assertThat(r.call("LPOP", "nokey")).isEqualTo(NIL);
        assertThat(r.call("LPOP", "l", "-1")).isEqualTo("-ERR value is out of range, must be positive\r\n");
        assertThat(r.call("LPOP", "l", "1", "2")).isEqualTo(arity("lpop"));
        assertThat(r.call("LSET", "nokey", "0", "x")).isEqualTo(NO_SUCH_KEY);
        assertThat(r.call("LSET", "l", "5", "x")).isEqualTo("-ERR index out of range\r\n");
        assertThat(r.call("LINSERT", "l", "MIDDLE", "a", "x")).isEqualTo(SYNTAX);
        assertThat(r.call("LINSERT", "l", "AFTER", "zz", "x")).isEqualTo(integer(-1));
        assertThat(r.call("LPOS", "l", "a", "RANK", "0")).startsWith("-ERR RANK can't be zero");
        assertThat(r.call("LMPOP", "0", "l", "LEFT")).isEqualTo("-ERR numkeys should be greater than 0\r\n");
        assertThat(r.call("LMPOP", "1", "l", "LEFT", "COUNT", "0")).isEqualTo("-ERR count should be greater than 0\r\n");
        assertThat(r.call("LMPOP", "1", "l", "RIGHT", "COUNT", "5")).isEqualTo("*2\r\n$1\r\nl\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n");
        assertThat(r.call("EXISTS", "l")).isEqualTo(ZERO);
        assertThat(r.call("SET", "s", "x")).isEqualTo(OK);
        for (String[] cmd : new String[][] {{"LPUSH", "s", "a"}, {"RPOP", "s"}, {"LLEN", "s"}, {"LRANGE", "s", "0", "1"},
            {"LINDEX", "s", "0"}, {"LSET", "s", "0", "a"}, {"LREM", "s", "0", "a"}, {"LTRIM", "s", "0", "1"},
            {"LPOS", "s", "a"}, {"LMOVE", "s", "d", "LEFT", "LEFT"}, {"LINSERT", "s", "BEFORE", "a", "b"}}) {
            assertThat(r.call(cmd)).as(String.join(" ", cmd)).isEqualTo(WRONGTYPE);
        }
    }

    @Test
    void resp3NullsAndEncoding() {
        RawClient r = raw();
        r.call("HELLO", "3");
        assertThat(r.call("LPOP", "nokey")).isEqualTo("_\r\n");
        assertThat(r.call("LPOP", "nokey", "2")).isEqualTo("_\r\n");
        assertThat(r.call("LMPOP", "1", "nokey", "LEFT")).isEqualTo("_\r\n");
        assertThat(r.call("RPUSH", "l", "a")).isEqualTo(ONE);
        assertThat(r.call("OBJECT", "ENCODING", "l")).isEqualTo(bulk("quicklist"));
        assertThat(r.call("TYPE", "l")).isEqualTo("+list\r\n");
    }

    @Test
    void lposOptions() {
        redis.rpush("l", "a", "b", "c", "1", "2", "3", "c", "c");
        assertThat(redis.lpos("l", "c")).isEqualTo(2);
        assertThat(redis.lpos("l", "c", LPosArgs.Builder.rank(-1))).isEqualTo(7);
        assertThat(redis.lpos("l", "c", 0)).containsExactly(2L, 6L, 7L);
        assertThat(redis.lpos("l", "c", 2, LPosArgs.Builder.rank(-1))).containsExactly(7L, 6L);
        assertThat(redis.lpos("l", "c", 0, LPosArgs.Builder.maxlen(3))).containsExactly(2L);
        assertThat(redis.lpos("l", "x")).isNull();
    }

    @Test
    void moveAcrossShards() {
        // enough key pairs that some surely live on different shards
        for (int i = 0; i < 20; i++) {
            redis.rpush("src" + i, "a", "b", "c");
            assertThat(redis.lmove("src" + i, "dst" + i, LMoveArgs.Builder.rightLeft())).isEqualTo("c");
            assertThat(redis.rpoplpush("src" + i, "dst" + i)).isEqualTo("b");
            assertThat(redis.lmove("src" + i, "dst" + i, LMoveArgs.Builder.leftRight())).isEqualTo("a");
            assertThat(redis.exists("src" + i)).isZero();
            assertThat(redis.lrange("dst" + i, 0, -1)).containsExactly("b", "c", "a");
        }
        redis.rpush("z1", "x");
        var popped = redis.lmpop(LMPopArgs.Builder.left().count(5), "none1", "none2", "z1", "dst3");
        assertThat(popped.getKey()).isEqualTo("z1");
        assertThat(popped.getValue()).containsExactly("x");
        redis.set("str", "v");
        assertThat(raw().call("LMOVE", "dst0", "str", "LEFT", "LEFT")).isEqualTo(WRONGTYPE);
        assertThat(redis.llen("dst0")).isEqualTo(3);
    }

    @Test
    void bigListManyNodes() {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            values.add("element-" + i);
        }
        redis.rpush("big", values.toArray(new String[0]));
        assertThat(redis.llen("big")).isEqualTo(20_000);
        assertThat(redis.lindex("big", 12_345)).isEqualTo("element-12345");
        assertThat(redis.lindex("big", -1)).isEqualTo("element-19999");
        assertThat(redis.lrange("big", 9_998, 10_001)).containsExactly("element-9998", "element-9999", "element-10000", "element-10001");
        assertThat(redis.linsert("big", true, "element-10000", "new")).isEqualTo(20_001);
        assertThat(redis.lindex("big", 10_000)).isEqualTo("new");
        assertThat(redis.lrem("big", 0, "new")).isEqualTo(1);
        assertThat(redis.lpos("big", "element-15000")).isEqualTo(15_000);
        redis.ltrim("big", 100, -101);
        assertThat(redis.llen("big")).isEqualTo(19_800);
        assertThat(redis.lindex("big", 0)).isEqualTo("element-100");
        assertThat(redis.lrange("big", 0, -1)).hasSize(19_800);
    }

    @Test
    void smallNodeConfig() {
        redis.configSet("list-max-listpack-size", "2");
        try {
            redis.rpush("l", "a", "b", "c", "d", "e");
            redis.linsert("l", true, "c", "x");
            redis.lset("l", 0, "A");
            assertThat(redis.lrange("l", 0, -1)).containsExactly("A", "b", "x", "c", "d", "e");
            assertThat(redis.lrem("l", -1, "d")).isEqualTo(1);
            assertThat(redis.lrange("l", 0, -1)).containsExactly("A", "b", "x", "c", "e");
        } finally {
            redis.configSet("list-max-listpack-size", "-2");
        }
    }

    @Test
    void genericKeyCommands() {
        redis.rpush("l", "a", "b");
        assertThat(redis.copy("l", "c")).isTrue();
        redis.rpush("c", "z");
        assertThat(redis.lrange("l", 0, -1)).containsExactly("a", "b");
        assertThat(redis.lrange("c", 0, -1)).containsExactly("a", "b", "z");
        redis.rename("c", "renamed");
        assertThat(redis.lrange("renamed", 0, -1)).containsExactly("a", "b", "z");
        assertThat(redis.move("renamed", 1)).isTrue();
        redis.set("s", "x");
        var cursor = redis.scan(ScanCursor.INITIAL, KeyScanArgs.Builder.type("list").limit(1000));
        assertThat(cursor.getKeys()).containsExactly("l");
        assertThat(redis.del("l", "s")).isEqualTo(2);
    }

    @Test
    void memoryReturnsAfterDelete() {
        long before = dataMemory();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            values.add("value-" + i);
        }
        redis.rpush("m", values.toArray(new String[0]));
        long grown = dataMemory();
        assertThat(grown - before).isGreaterThan(5000 * 8L).isLessThan(5000 * 40L);
        for (int i = 0; i < 2500; i++) {
            redis.lpop("m");
        }
        redis.lrem("m", 0, "value-4000");
        redis.linsert("m", true, "value-3000", "x");
        redis.copy("m", "m2");
        redis.del("m", "m2");
        assertThat(dataMemory()).isEqualTo(before);
    }

    @Test
    void watchAndMulti() {
        redis.rpush("w", "a");
        try (Jedis j = jedis()) {
            j.watch("w");
            redis.rpush("w", "b");
            var t = j.multi();
            t.llen("w");
            assertThat(t.exec()).isNull();
        }
        try (Jedis j = jedis()) {
            var t = j.multi();
            t.rpush("w", "c");
            t.lrange("w", 0, -1);
            assertThat(t.exec()).containsExactly(3L, List.of("a", "b", "c"));
        }
    }
}
