package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.models.stream.PendingMessages;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.NIL_ARRAY;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.WRONGTYPE;
import static io.ferrite.testing.Replies.bulk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamFamilyTest extends FerriteTest {


    @Test
    void addRangeAndTrimThroughLettuce() {
        assertThat(redis.xadd("s", new XAddArgs().id("1-1"), Map.of("a", "1"))).isEqualTo("1-1");
        assertThat(redis.xadd("s", new XAddArgs().id("2-*"), Map.of("b", "2"))).isEqualTo("2-0");
        String auto = redis.xadd("s", Map.of("c", "3"));
        assertThat(auto).matches("\\d+-0");
        assertThat(redis.xlen("s")).isEqualTo(3);
        List<StreamMessage<String, String>> all = redis.xrange("s", Range.create("-", "+"));
        assertThat(all).extracting(StreamMessage::getId).containsExactly("1-1", "2-0", auto);
        assertThat(all.get(1).getBody()).containsEntry("b", "2");
        assertThat(redis.xrevrange("s", Range.create("-", "+"), Limit.from(1)))
            .extracting(StreamMessage::getId).containsExactly(auto);
        assertThat(redis.xdel("s", "2-0", "9-9")).isEqualTo(1);
        assertThat(redis.xtrim("s", XTrimArgs.Builder.maxlen(1))).isEqualTo(1);
        assertThat(redis.xrange("s", Range.create("-", "+"))).extracting(StreamMessage::getId).containsExactly(auto);
        assertThat(redis.type("s")).isEqualTo("stream");
        assertThat(redis.objectEncoding("s")).isEqualTo("stream");
    }

    @Test
    void readAcrossShards() {
        // keys chosen to land on different shards when there are 4
        redis.xadd("a", new XAddArgs().id("1-1"), Map.of("x", "1"));
        redis.xadd("b", new XAddArgs().id("2-1"), Map.of("y", "2"));
        redis.xadd("foo", new XAddArgs().id("3-1"), Map.of("z", "3"));
        List<StreamMessage<String, String>> got = redis.xread(XReadArgs.StreamOffset.from("a", "0"),
            XReadArgs.StreamOffset.from("b", "0"), XReadArgs.StreamOffset.from("foo", "1"));
        assertThat(got).extracting(StreamMessage::getStream).containsExactly("a", "b", "foo");
        assertThat(redis.xread(XReadArgs.StreamOffset.from("a", "1-1"))).isEmpty();
    }

    @Test
    void consumerGroupLifecycleThroughLettuce() {
        redis.xadd("s", new XAddArgs().id("1-1"), Map.of("a", "1"));
        redis.xadd("s", new XAddArgs().id("2-1"), Map.of("b", "2"));
        assertThat(redis.xgroupCreate(XReadArgs.StreamOffset.from("s", "0"), "g")).isEqualTo("OK");
        List<StreamMessage<String, String>> got = redis.xreadgroup(Consumer.from("g", "alice"),
            XReadArgs.StreamOffset.lastConsumed("s"));
        assertThat(got).extracting(StreamMessage::getId).containsExactly("1-1", "2-1");
        PendingMessages summary = redis.xpending("s", "g");
        assertThat(summary.getCount()).isEqualTo(2);
        assertThat(summary.getConsumerMessageCount()).containsEntry("alice", 2L);
        List<PendingMessage> pending = redis.xpending("s", Consumer.from("g", "alice"), Range.create("-", "+"),
            Limit.from(10));
        assertThat(pending).extracting(PendingMessage::getId).containsExactly("1-1", "2-1");
        assertThat(pending.get(0).getRedeliveryCount()).isEqualTo(1);
        List<StreamMessage<String, String>> claimed = redis.xclaim("s", Consumer.from("g", "bob"),
            XClaimArgs.Builder.minIdleTime(0), "1-1");
        assertThat(claimed).extracting(StreamMessage::getId).containsExactly("1-1");
        ClaimedMessages<String, String> auto = redis.xautoclaim("s",
            XAutoClaimArgs.Builder.xautoclaim(Consumer.from("g", "carol"), Duration.ZERO, "0").count(1));
        assertThat(auto.getId()).isEqualTo("2-1");
        assertThat(auto.getMessages()).extracting(StreamMessage::getId).containsExactly("1-1");
        assertThat(redis.xack("s", "g", "1-1", "2-1")).isEqualTo(2);
        assertThat(redis.xpending("s", "g").getCount()).isZero();
        assertThat(redis.xgroupCreateconsumer("s", Consumer.from("g", "dave"))).isTrue();
        assertThat(redis.xgroupDelconsumer("s", Consumer.from("g", "dave"))).isZero();
        assertThat(redis.xgroupDestroy("s", "g")).isTrue();
        assertThat(redis.xinfoGroups("s")).isEmpty();
    }

    @Test
    void groupCreationWithMkstreamAndErrors() {
        assertThatThrownBy(() -> redis.xgroupCreate(XReadArgs.StreamOffset.from("s", "$"), "g"))
            .hasMessageContaining("requires the key to exist");
        redis.xgroupCreate(XReadArgs.StreamOffset.from("s", "$"), "g", XGroupCreateArgs.Builder.mkstream());
        assertThat(redis.xlen("s")).isZero();
        assertThatThrownBy(() -> redis.xgroupCreate(XReadArgs.StreamOffset.from("s", "$"), "g"))
            .hasMessageStartingWith("BUSYGROUP");
        assertThatThrownBy(() -> redis.xreadgroup(Consumer.from("nogroup", "c"), XReadArgs.StreamOffset.lastConsumed("s")))
            .hasMessageStartingWith("NOGROUP");
    }

    @Test
    void jedisAddAndRead() {
        Jedis j = jedis();
        assertThat(j.xadd("s", XAddParams.xAddParams().id("5-1"), Map.of("k", "v"))).isEqualTo(new StreamEntryID(5, 1));
        j.xadd("s", XAddParams.xAddParams().id("6-1").maxLen(1), Map.of("k", "w"));
        assertThat(j.xlen("s")).isEqualTo(1);
        List<StreamEntry> entries = j.xrange("s", "-", "+");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getID()).isEqualTo(new StreamEntryID(6, 1));
        assertThat(entries.get(0).getFields()).containsEntry("k", "w");
    }

    @Test
    void exactRepliesThroughRaw() {
        RawClient r = raw();
        assertThat(r.call("XADD", "s", "NOMKSTREAM", "1-1", "a", "1")).isEqualTo(NIL);
        assertThat(r.call("XADD", "s", "1-1", "a", "1")).isEqualTo(bulk("1-1"));
        assertThat(r.call("XADD", "s", "1-1", "a", "1"))
            .isEqualTo("-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n");
        assertThat(r.call("XADD", "s", "0-0", "a", "1"))
            .isEqualTo("-ERR The ID specified in XADD must be greater than 0-0\r\n");
        assertThat(r.call("XRANGE", "s", "-", "+"))
            .isEqualTo("*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
        assertThat(r.call("XRANGE", "s", "-", "+", "COUNT", "0")).isEqualTo(NIL_ARRAY);
        assertThat(r.call("XREAD", "STREAMS", "s", "$")).isEqualTo(NIL_ARRAY);
        assertThat(r.call("XRANGE", "s", "(-", "+"))
            .isEqualTo("-ERR Invalid stream ID specified as stream command argument\r\n");
        assertThat(r.call("XGROUP", "CREATE", "s", "g", "0")).isEqualTo(OK);
        assertThat(r.call("XPENDING", "s", "g")).isEqualTo("*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n");
        assertThat(r.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"))
            .isEqualTo("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
        assertThat(r.call("XDEL", "s", "1-1")).isEqualTo(ONE);
        assertThat(r.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"))
            .isEqualTo("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*-1\r\n");
        assertThat(r.call("XAUTOCLAIM", "s", "g", "d", "0", "0"))
            .isEqualTo("*3\r\n$3\r\n0-0\r\n*0\r\n*1\r\n$3\r\n1-1\r\n");
        assertThat(r.call("XINFO", "GROUPS", "s")).isEqualTo("*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n"
            + "$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n"
            + "$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:0\r\n");
        r.call("HELLO", "3");
        assertThat(r.call("XREAD", "STREAMS", "s", "0")).isEqualTo("_\r\n");
        r.call("XADD", "s", "2-1", "b", "2");
        assertThat(r.call("XREAD", "STREAMS", "s", "0"))
            .isEqualTo("%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
    }

    @Test
    void keyCommandsHandleStreams() {
        redis.xadd("s", new XAddArgs().id("1-1"), Map.of("a", "1"));
        redis.xgroupCreate(XReadArgs.StreamOffset.from("s", "0"), "g");
        assertThat(redis.copy("s", "t")).isTrue();
        redis.xadd("t", new XAddArgs().id("2-1"), Map.of("b", "2"));
        assertThat(redis.xlen("s")).isEqualTo(1);
        assertThat(redis.xlen("t")).isEqualTo(2);
        assertThat(redis.xinfoGroups("t")).hasSize(1);
        redis.rename("t", "u");
        assertThat(redis.xlen("u")).isEqualTo(2);
        assertThat(redis.del("s", "u")).isEqualTo(2);
        assertThat(redis.exists("s", "u")).isZero();
    }

    @Test
    void memoryFollowsTheStream() {
        long base = dataMemory();
        for (int i = 1; i <= 500; i++) {
            redis.xadd("s", new XAddArgs().id(i + "-1"), Map.of("field", "value-" + i));
        }
        long grown = dataMemory();
        assertThat(grown - base).isGreaterThan(500 * 10);
        redis.xtrim("s", XTrimArgs.Builder.maxlen(10));
        long trimmed = dataMemory();
        assertThat(trimmed).isLessThan(grown);
        redis.del("s");
        assertThat(dataMemory()).isLessThan(trimmed);
    }

    @Test
    void groupMemoryIsGivenBackExactly() {
        long base = dataMemory();
        for (int i = 1; i <= 300; i++) {
            redis.xadd("s", new XAddArgs().id(i + "-1"), Map.of("f", "v" + i));
        }
        redis.xgroupCreate(XReadArgs.StreamOffset.from("s", "0"), "g");
        redis.xreadgroup(Consumer.from("g", "alice"), XReadArgs.Builder.count(200), XReadArgs.StreamOffset.lastConsumed("s"));
        redis.xclaim("s", Consumer.from("g", "bob"), XClaimArgs.Builder.minIdleTime(0), "1-1", "2-1");
        long withGroup = dataMemory();
        for (int i = 1; i <= 100; i++) {
            redis.xack("s", "g", i + "-1");
        }
        assertThat(dataMemory()).isLessThan(withGroup);
        redis.xgroupDelconsumer("s", Consumer.from("g", "alice"));
        redis.xdel("s", "250-1");
        redis.del("s");
        assertThat(dataMemory()).isEqualTo(base);
    }

    @Test
    void wrongTypeIsRefused() {
        redis.set("str", "x");
        RawClient r = raw();
        String wrongType = WRONGTYPE;
        assertThat(r.call("XADD", "str", "*", "a", "1")).isEqualTo(wrongType);
        assertThat(r.call("XLEN", "str")).isEqualTo(wrongType);
        assertThat(r.call("XREAD", "STREAMS", "str", "0")).isEqualTo(wrongType);
        assertThat(r.call("XINFO", "STREAM", "str")).isEqualTo(wrongType);
        redis.xadd("s", new XAddArgs().id("1-1"), Map.of("a", "1"));
        assertThat(r.call("LPUSH", "s", "x")).isEqualTo(wrongType);
    }
}
