package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.ferrite.testing.Replies.NIL_ARRAY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * XREAD and XREADGROUP with BLOCK. With 4 shards the keys k1, k2, k3 live on different shards, so
 * a reader blocked on all of them is woken from another shard.
 */
class StreamBlockingTest extends FerriteTest {
    private static String entry(String key, String id, String field, String value) {
        return "*1\r\n*2\r\n$" + key.length() + "\r\n" + key + "\r\n*1\r\n*2\r\n$" + id.length() + "\r\n" + id
            + "\r\n*2\r\n$" + field.length() + "\r\n" + field + "\r\n$" + value.length() + "\r\n" + value + "\r\n";
    }

    private void awaitBlockedClients(int n) throws InterruptedException {
        for (int i = 0; i < 2000 && !redis.info("clients").contains("blocked_clients:" + n + "\r\n"); i++) {
            Thread.sleep(5);
        }
        assertThat(redis.info("clients")).contains("blocked_clients:" + n + "\r\n");
    }

    @Test
    void lettuceBlockingReadsAreServed() throws Exception {
        try (StatefulRedisConnection<String, String> other = lettuce.connect()) {
            redis.xgroupCreate(XReadArgs.StreamOffset.from("k2", "$"), "g",
                XGroupCreateArgs.Builder.mkstream());
            Future<List<StreamMessage<String, String>>> plain = other.async()
                .xread(XReadArgs.Builder.block(10_000), XReadArgs.StreamOffset.latest("k1"));
            awaitBlockedClients(1);
            redis.xadd("k1", new XAddArgs().id("7-1"), Map.of("a", "1"));
            assertThat(plain.get(10, TimeUnit.SECONDS)).extracting(StreamMessage::getId).containsExactly("7-1");
            Future<List<StreamMessage<String, String>>> group = other.async().xreadgroup(Consumer.from("g", "c"),
                XReadArgs.Builder.block(10_000), XReadArgs.StreamOffset.lastConsumed("k2"));
            awaitBlockedClients(1);
            redis.xadd("k2", new XAddArgs().id("8-1"), Map.of("b", "2"));
            assertThat(group.get(10, TimeUnit.SECONDS)).extracting(StreamMessage::getId).containsExactly("8-1");
            assertThat(redis.xpending("k2", "g").getCount()).isEqualTo(1);
        }
    }

    @Test
    void xreadIsWokenByXaddOnAnyShard() throws Exception {
        RawClient admin = raw();
        admin.call("XADD", "k2", "1-1", "old", "x");
        RawClient b = blockOn(admin, "XREAD", "BLOCK", "0", "STREAMS", "k1", "k2", "k3", "0", "$", "0");
        admin.call("XADD", "k3", "5-1", "f", "v");
        assertThat(b.readReply()).isEqualTo(entry("k3", "5-1", "f", "v"));
        assertThat(admin.call("INFO", "clients")).contains("blocked_clients:0\r\n");
    }

    @Test
    void dollarMeansTheLastIdAtBlockTime() throws Exception {
        RawClient admin = raw();
        admin.call("XADD", "k1", "1-1", "a", "1");
        RawClient b = blockOn(admin, "XREAD", "BLOCK", "0", "COUNT", "1", "STREAMS", "k1", "$");
        admin.call("XADD", "k1", "2-1", "b", "2");
        assertThat(b.readReply()).isEqualTo(entry("k1", "2-1", "b", "2"));
    }

    @Test
    void timeoutRepliesNullAndMultiNeverBlocks() {
        RawClient c = raw();
        assertThat(c.call("XREAD", "BLOCK", "30", "STREAMS", "k1", "$")).isEqualTo(NIL_ARRAY);
        c.call("MULTI");
        c.call("XREAD", "BLOCK", "0", "STREAMS", "k1", "$");
        assertThat(c.call("EXEC")).isEqualTo("*1\r\n*-1\r\n");
    }

    @Test
    void xreadKeepsWaitingWhenItsStreamIsDeleted() throws Exception {
        RawClient admin = raw();
        admin.call("XADD", "k1", "1-1", "a", "1");
        RawClient b = blockOn(admin, "XREAD", "BLOCK", "0", "STREAMS", "k1", "1-1");
        admin.call("DEL", "k1");
        admin.call("XADD", "k1", "1-2", "a", "2");
        assertThat(b.readReply()).isEqualTo(entry("k1", "1-2", "a", "2"));
    }

    @Test
    void xreadgroupServesNewEntriesToOneConsumerAtATime() throws Exception {
        RawClient admin = raw();
        admin.call("XGROUP", "CREATE", "k1", "g", "$", "MKSTREAM");
        RawClient b1 = blockOn(admin, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "k1", ">");
        RawClient b2 = blockOn(admin, "XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "k1", ">");
        admin.call("XADD", "k1", "1-1", "a", "1");
        assertThat(b1.readReply()).isEqualTo(entry("k1", "1-1", "a", "1"));
        assertThat(admin.call("INFO", "clients")).contains("blocked_clients:1\r\n");
        admin.call("XADD", "k1", "2-1", "b", "2");
        assertThat(b2.readReply()).isEqualTo(entry("k1", "2-1", "b", "2"));
        assertThat(admin.call("XPENDING", "k1", "g")).isEqualTo(
            "*4\r\n:2\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n");
    }

    @Test
    void xreadgroupHistoryNeverBlocks() {
        RawClient c = raw();
        c.call("XGROUP", "CREATE", "k1", "g", "$", "MKSTREAM");
        assertThat(c.call("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "k1", "0"))
            .isEqualTo("*1\r\n*2\r\n$2\r\nk1\r\n*0\r\n");
    }

    @Test
    void xreadgroupHearsOfItsStreamOrGroupGoing() throws Exception {
        RawClient admin = raw();
        String unblocked = "-UNBLOCKED the stream key no longer exists\r\n";
        String[] read = {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "k2", ">"};
        admin.call("XGROUP", "CREATE", "k2", "g", "$", "MKSTREAM");
        RawClient b = blockOn(admin, read);
        admin.call("DEL", "k2");
        assertThat(b.readReply()).isEqualTo(unblocked);

        admin.call("XGROUP", "CREATE", "k2", "g", "$", "MKSTREAM");
        b = blockOn(admin, read);
        admin.call("XGROUP", "DESTROY", "k2", "g");
        assertThat(b.readReply()).isEqualTo("-NOGROUP the consumer group this client was blocked on no longer exists\r\n");

        admin.call("XGROUP", "CREATE", "k2", "g", "$", "MKSTREAM");
        b = blockOn(admin, read);
        admin.call("SET", "k2", "x");
        assertThat(b.readReply()).isEqualTo(unblocked);

        admin.call("DEL", "k2");
        admin.call("XGROUP", "CREATE", "k2", "g", "$", "MKSTREAM");
        b = blockOn(admin, read);
        admin.call("FLUSHALL");
        assertThat(b.readReply()).isEqualTo(unblocked);
    }

    @Test
    void xreadgroupWokenAfterTheStreamMovesAcrossShards() throws Exception {
        RawClient admin = raw();
        admin.call("XGROUP", "CREATE", "k1", "g", "$", "MKSTREAM");
        RawClient b = blockOn(admin, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "k1", ">");
        // RENAME from k1 (shard 3 of 4) deletes it there, as a cross-shard command
        admin.call("RENAME", "k1", "k2");
        assertThat(b.readReply()).isEqualTo("-UNBLOCKED the stream key no longer exists\r\n");
    }
}
