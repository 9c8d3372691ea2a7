package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.lettuce.core.Limit;
import io.lettuce.core.SortArgs;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ferrite.testing.Replies.NOT_INTEGER;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.SYNTAX;
import static io.ferrite.testing.Replies.WRONGTYPE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.bulks;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

class SortFamilyTest extends FerriteTest {
    private long crossShardOps() {
        Matcher m = Pattern.compile("cross_shard_ops:(\\d+)").matcher(redis.info("stats"));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void numericAlphaDescAndLimit() {
        redis.rpush("l", "3", "1", "2", "10", "-5", "1.5");
        assertThat(redis.sort("l")).containsExactly("-5", "1", "1.5", "2", "3", "10");
        assertThat(redis.sort("l", SortArgs.Builder.desc())).containsExactly("10", "3", "2", "1.5", "1", "-5");
        assertThat(redis.sort("l", SortArgs.Builder.alpha())).containsExactly("-5", "1", "1.5", "10", "2", "3");
        assertThat(redis.sort("l", SortArgs.Builder.limit(1, 2))).containsExactly("1", "1.5");
        assertThat(redis.sortReadOnly("l", SortArgs.Builder.limit(4, 100))).containsExactly("3", "10");
        assertThat(redis.sort("nosuch")).isEmpty();
    }

    @Test
    void nosortKeepsListAndSortedSetOrder() {
        RawClient r = raw();
        r.call("RPUSH", "l", "c", "a", "b");
        assertThat(r.call("SORT", "l", "BY", "nosort")).isEqualTo(bulks("c", "a", "b"));
        assertThat(r.call("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "0", "2")).isEqualTo(bulks("b", "a"));
        r.call("ZADD", "z", "3", "x", "1", "y", "2", "w");
        assertThat(r.call("OBJECT", "ENCODING", "z")).isEqualTo(bulk("listpack"));
        assertThat(r.call("SORT", "z", "BY", "nosort", "LIMIT", "1", "5")).isEqualTo(bulks("w", "x"));
        assertThat(r.call("SORT", "z", "BY", "nosort", "DESC")).isEqualTo(bulks("x", "w", "y"));
        // SORT converts a listpack sorted set for good, as Redis does
        assertThat(r.call("OBJECT", "ENCODING", "z")).isEqualTo(bulk("skiplist"));
        r.call("SADD", "s", "9", "1", "5");
        // a set without sorting: its own (intset: ascending) order, DESC or not
        assertThat(r.call("SORT", "s", "BY", "nosort", "DESC")).isEqualTo(bulks("1", "5", "9"));
    }

    @Test
    void byAndGetPatternsReachKeysOnEveryShard() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(String.valueOf(i));
            redis.set("weight_" + i, String.valueOf(100 - i));
            redis.hset("user:" + i, "name", "n" + (char) ('a' + (i * 7) % 20));
        }
        redis.rpush("ids", ids.toArray(new String[0]));
        List<String> byWeight = redis.sort("ids", SortArgs.Builder.by("weight_*"));
        assertThat(byWeight.get(0)).isEqualTo("19");
        assertThat(byWeight.get(19)).isEqualTo("0");
        List<String> got = redis.sort("ids", SortArgs.Builder.by("user:*->name").alpha().limit(0, 3).get("user:*->name").get("#"));
        assertThat(got).containsExactly("na", "0", "nb", "3", "nc", "6");
        List<String> missing = redis.sort("ids", SortArgs.Builder.limit(0, 2).get("nosuch_*").get("weight_*"));
        assertThat(missing).containsExactly(null, "100", null, "99");
    }

    @Test
    void onlyPatternsHoldEveryShard() {
        redis.rpush("l", "2", "1");
        redis.set("w_1", "5");
        long before = crossShardOps();
        redis.sort("l");
        redis.sort("l", SortArgs.Builder.get("#").by("nosort"));
        assertThat(crossShardOps()).isEqualTo(before);
        redis.sort("l", SortArgs.Builder.by("w_*"));
        assertThat(crossShardOps()).isEqualTo(before + 1);
    }

    @Test
    void storeReplacesDestinationOnAnyShard() {
        RawClient r = raw();
        r.call("RPUSH", "src", "b", "c", "a");
        for (String dst : new String[] {"d1", "d2", "d3", "{src}d"}) {
            r.call("SET", dst, "old", "EX", "100");
            assertThat(r.call("SORT", "src", "ALPHA", "STORE", dst)).isEqualTo(integer(3));
            assertThat(r.call("TYPE", dst)).isEqualTo("+list\r\n");
            assertThat(r.call("TTL", dst)).isEqualTo(integer(-1));
            assertThat(r.call("LRANGE", dst, "0", "-1")).isEqualTo(bulks("a", "b", "c"));
            assertThat(r.call("OBJECT", "ENCODING", dst)).isEqualTo(bulk("quicklist"));
        }
        r.call("MSET", "v_a", "1", "v_b", "2");
        assertThat(r.call("SORT", "src", "ALPHA", "GET", "v_*", "GET", "#", "STORE", "d1")).isEqualTo(integer(6));
        assertThat(r.call("LRANGE", "d1", "0", "-1"))
            .isEqualTo(bulks("1", "a", "2", "b", "", "c"));
        // an empty result deletes the destination
        assertThat(r.call("SORT", "nosuch", "STORE", "d2")).isEqualTo(ZERO);
        assertThat(r.call("EXISTS", "d2")).isEqualTo(ZERO);
        assertThat(r.call("SORT", "src", "ALPHA", "LIMIT", "5", "1", "STORE", "d3")).isEqualTo(ZERO);
        assertThat(r.call("EXISTS", "d3")).isEqualTo(ZERO);
    }

    @Test
    void errorsAreRedisWords() {
        RawClient r = raw();
        r.call("RPUSH", "l", "1", "x");
        r.call("SET", "str", "v");
        assertThat(r.call("SORT", "l")).isEqualTo("-ERR One or more scores can't be converted into double\r\n");
        assertThat(r.call("SORT", "l", "STORE", "d")).isEqualTo("-ERR One or more scores can't be converted into double\r\n");
        assertThat(r.call("EXISTS", "d")).isEqualTo(ZERO);
        assertThat(r.call("SORT", "str")).isEqualTo(WRONGTYPE);
        assertThat(r.call("SORT", "l", "LIMIT", "1")).isEqualTo(SYNTAX);
        assertThat(r.call("SORT", "l", "LIMIT", "x", "1")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("SORT_RO", "l", "STORE", "d")).isEqualTo(SYNTAX);
        assertThat(r.call("SORT", "l", "BY")).isEqualTo(SYNTAX);
        assertThat(r.call("SORT", "l", "ALPHA", "BY", "w_*", "GET", "#")).isEqualTo(bulks("1", "x"));
    }

    @Test
    void patternsInsideTransactions() {
        RawClient r = raw();
        r.call("RPUSH", "l", "1", "2", "3");
        r.call("MSET", "w_1", "3", "w_2", "2", "w_3", "1");
        r.call("MULTI");
        r.call("SORT", "l", "BY", "w_*", "GET", "w_*");
        r.call("SET", "w_1", "0");
        r.call("SORT", "l", "BY", "w_*", "STORE", "out");
        assertThat(r.call("EXEC")).isEqualTo("*3\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n+OK\r\n:3\r\n");
        assertThat(redis.lrange("out", 0, -1)).containsExactly("1", "3", "2");
    }

    @Test
    void pipelinedPatternSortsReplyInOrder() {
        RawClient r = raw();
        java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
        String[][] cmds = {
            {"RPUSH", "l", "2", "1", "3"}, {"MSET", "w_1", "9", "w_2", "8", "w_3", "7"}, {"SORT", "l", "BY", "w_*"},
            {"SET", "w_1", "0"}, {"SORT", "l", "BY", "w_*", "GET", "w_*"}, {"SORT", "l"}, {"GET", "w_1"}};
        for (String[] c : cmds) {
            batch.writeBytes(RawClient.encode(c));
        }
        r.send(batch.toByteArray());
        assertThat(r.readReply()).isEqualTo(integer(3));
        assertThat(r.readReply()).isEqualTo(OK);
        assertThat(r.readReply()).isEqualTo(bulks("3", "2", "1"));
        assertThat(r.readReply()).isEqualTo(OK);
        assertThat(r.readReply()).isEqualTo(bulks("0", "7", "8"));
        assertThat(r.readReply()).isEqualTo(bulks("1", "2", "3"));
        assertThat(r.readReply()).isEqualTo(bulk("0"));
    }

    @Test
    void patternLookupsSeeOneInstant() throws Exception {
        int n = 16;
        String[] kv = new String[2 * n];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(String.valueOf(i));
            kv[2 * i] = "v_" + i;
            kv[2 * i + 1] = "0";
        }
        redis.rpush("ids", ids.toArray(new String[0]));
        redis.mset(toMap(kv));
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try (Jedis j = new Jedis("127.0.0.1", port(), 10_000)) {
                for (int round = 1; !stop.get(); round++) {
                    for (int i = 0; i < n; i++) {
                        kv[2 * i + 1] = String.valueOf(round);
                    }
                    j.mset(kv);
                }
            }
        });
        writer.start();
        try {
            Set<Integer> seenRounds = new HashSet<>();
            for (int k = 0; k < 200; k++) {
                List<String> got = redis.sort("ids", SortArgs.Builder.by("nosort").get("v_*"));
                // MSET is atomic and SORT holds every shard: all values come from one round
                assertThat(new HashSet<>(got)).hasSize(1);
                seenRounds.add(Integer.parseInt(got.get(0)));
                got = redis.sort("ids", SortArgs.Builder.by("v_*").get("v_*").limit(Limit.create(0, 8)));
                assertThat(new HashSet<>(got)).hasSize(1);
            }
            assertThat(seenRounds).isNotEmpty();
        } finally {
            stop.set(true);
            writer.join();
        }
    }

    private static java.util.Map<String, String> toMap(String[] kv) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
