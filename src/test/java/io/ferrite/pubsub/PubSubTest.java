package io.ferrite.pubsub;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.sync.RedisPubSubCommands;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.bulks;
import static org.assertj.core.api.Assertions.assertThat;

/** Pub/sub through Lettuce (RESP2 and RESP3), Jedis and raw sockets, with 1 and 4 shards. */
class PubSubTest extends FerriteTest {
    /** Every message a Lettuce subscriber receives, as "kind pattern channel payload" lines, in order. */
    private static final class Recorder extends RedisPubSubAdapter<String, String> {
        final BlockingQueue<String> got = new LinkedBlockingQueue<>();

        @Override
        public void message(String channel, String message) {
            got.add("message " + channel + " " + message);
        }

        @Override
        public void message(String pattern, String channel, String message) {
            got.add("pmessage " + pattern + " " + channel + " " + message);
        }

        @Override
        public void smessage(String channel, String message) {
            got.add("smessage " + channel + " " + message);
        }

        String next() throws InterruptedException {
            String m = got.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message within 10 s").isNotNull();
            return m;
        }
    }

    private final List<RedisClient> clients = new ArrayList<>();

    private StatefulRedisPubSubConnection<String, String> subscriber(ProtocolVersion protocol, Recorder r) {
        RedisClient c = RedisClient.create(RedisURI.create("127.0.0.1", port()));
        c.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        clients.add(c);
        StatefulRedisPubSubConnection<String, String> conn = c.connectPubSub();
        conn.addListener(r);
        return conn;
    }

    @org.junit.jupiter.api.AfterEach
    void closeClients() {
        clients.forEach(c -> c.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        clients.clear();
    }

    @Test
    void lettuceChannelsAndPatternsInBothProtocols() throws Exception {
        for (ProtocolVersion protocol : new ProtocolVersion[] {ProtocolVersion.RESP2, ProtocolVersion.RESP3}) {
            Recorder r = new Recorder();
            RedisPubSubCommands<String, String> sub = subscriber(protocol, r).sync();
            sub.subscribe("news", "{tag}x", "sport");
            sub.psubscribe("n*", "h?llo");
            assertThat(redis.publish("news", "one")).isEqualTo(2);
            assertThat(r.next()).isEqualTo("message news one");
            assertThat(r.next()).isEqualTo("pmessage n* news one");
            assertThat(redis.publish("hallo", "two")).isEqualTo(1);
            assertThat(r.next()).isEqualTo("pmessage h?llo hallo two");
            assertThat(redis.publish("{tag}x", "three")).isEqualTo(1);
            assertThat(r.next()).isEqualTo("message {tag}x three");
            assertThat(redis.publish("nothing", "x")).isEqualTo(1);
            assertThat(r.next()).isEqualTo("pmessage n* nothing x");
            assertThat(redis.publish("other", "x")).isZero();
            assertThat(redis.pubsubNumsub("news", "sport", "other"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("news", 1L, "sport", 1L, "other", 0L));
            assertThat(redis.pubsubNumpat()).isEqualTo(2);
            assertThat(redis.pubsubChannels()).containsExactlyInAnyOrder("news", "{tag}x", "sport");
            sub.unsubscribe("news");
            sub.punsubscribe("n*");
            assertThat(redis.publish("news", "gone")).isZero();
            sub.unsubscribe();
            sub.punsubscribe();
            assertThat(redis.pubsubChannels()).isEmpty();
            assertThat(redis.pubsubNumpat()).isZero();
            assertThat(r.got).isEmpty();
        }
    }

    @Test
    void shardedPubSub() throws Exception {
        Recorder r = new Recorder();
        RedisPubSubCommands<String, String> sub = subscriber(ProtocolVersion.RESP3, r).sync();
        sub.ssubscribe("orders", "{tag}y");
        assertThat(redis.spublish("orders", "o1")).isEqualTo(1);
        assertThat(r.next()).isEqualTo("smessage orders o1");
        // shard channels and channels are separate namespaces
        assertThat(redis.publish("orders", "x")).isZero();
        assertThat(redis.pubsubShardChannels()).containsExactlyInAnyOrder("orders", "{tag}y");
        assertThat(redis.pubsubShardNumsub("orders", "nosuch"))
            .containsExactlyInAnyOrderEntriesOf(Map.of("orders", 1L, "nosuch", 0L));
        sub.sunsubscribe("orders");
        assertThat(redis.spublish("orders", "o2")).isZero();
        assertThat(redis.spublish("{tag}y", "y1")).isEqualTo(1);
        assertThat(r.next()).isEqualTo("smessage {tag}y y1");
    }

    @Test
    void jedisSubscriberAndTheTrueReceiverCount() throws Exception {
        int n = 6;
        List<Thread> threads = new ArrayList<>();
        CountDownLatch subscribed = new CountDownLatch(n);
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        List<JedisPubSub> subs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            JedisPubSub ps = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    got.add(channel + "=" + message);
                }

                @Override
                public void onPMessage(String pattern, String channel, String message) {
                    got.add(pattern + ":" + channel + "=" + message);
                }

                @Override
                public void onPSubscribe(String pattern, int count) {
                    subscribed.countDown();
                }
            };
            subs.add(ps);
            Jedis j = jedis();
            Thread t = new Thread(() -> j.psubscribe(ps, "ch*"));
            t.start();
            threads.add(t);
        }
        assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
        for (JedisPubSub ps : subs) {
            ps.subscribe("ch1", "ch2", "ch3");
        }
        // each of the n connections (spread over the event loops) counts once per matching pattern and once per channel
        for (String ch : new String[] {"ch1", "ch2", "ch3"}) {
            awaitNumsub(ch, n);
            assertThat(jedis().publish(ch, "hi")).isEqualTo(2L * n);
        }
        assertThat(jedis().publish("chX", "hi")).isEqualTo(n);
        for (int i = 0; i < 7 * n; i++) {
            assertThat(got.poll(10, TimeUnit.SECONDS)).isNotNull();
        }
        subs.forEach(ps -> {
            ps.unsubscribe();
            ps.punsubscribe();
        });
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(jedis().publish("ch1", "late")).isZero();
        assertThat(got).isEmpty();
    }

    private void awaitNumsub(String channel, long expected) throws InterruptedException {
        for (int i = 0; i < 1000 && redis.pubsubNumsub(channel).get(channel) != expected; i++) {
            Thread.sleep(10);
        }
        assertThat(redis.pubsubNumsub(channel).get(channel)).isEqualTo(expected);
    }

    @Test
    void disconnectedSubscribersAreForgotten() throws Exception {
        RawClient s = new RawClient("127.0.0.1", port());
        s.call("SUBSCRIBE", "a");
        s.call("PSUBSCRIBE", "a*");
        assertThat(redis.publish("a", "x")).isEqualTo(2);
        s.close();
        for (int i = 0; i < 1000 && (redis.publish("a", "x") != 0 || redis.pubsubNumpat() != 0); i++) {
            Thread.sleep(10);
        }
        assertThat(redis.publish("a", "x")).isZero();
        assertThat(redis.pubsubNumpat()).isZero();
        assertThat(redis.pubsubChannels()).isEmpty();
    }

    @Test
    void resp3PushesInterleaveWithReplies() {
        RawClient s = raw();
        s.call("HELLO", "3");
        assertThat(s.call("SUBSCRIBE", "news")).isEqualTo(">3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
        assertThat(s.call("SET", "k", "v")).isEqualTo(OK);
        assertThat(redis.publish("news", "m1")).isEqualTo(1);
        // the push was sent before the next reply
        s.send(RawClient.encode("GET", "k"));
        assertThat(s.readReply()).isEqualTo(">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nm1\r\n");
        assertThat(s.readReply()).isEqualTo(bulk("v"));
        assertThat(s.call("PING")).isEqualTo("+PONG\r\n");
    }

    @Test
    void resp2SubscriberMode() {
        RawClient s = raw();
        assertThat(s.call("PSUBSCRIBE", "x*")).isEqualTo("*3\r\n$10\r\npsubscribe\r\n$2\r\nx*\r\n:1\r\n");
        assertThat(s.call("GET", "k")).isEqualTo("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
            + "PING / QUIT / RESET are allowed in this context\r\n");
        assertThat(s.call("CLIENT", "ID")).startsWith("-ERR Can't execute 'client|id'");
        assertThat(s.call("PING")).isEqualTo(bulks("pong", ""));
        assertThat(redis.publish("xy", "hello")).isEqualTo(1);
        assertThat(s.readReply()).isEqualTo(bulks("pmessage", "x*", "xy", "hello"));
        assertThat(s.call("RESET")).isEqualTo("+RESET\r\n");
        assertThat(s.call("GET", "k")).isEqualTo(NIL);
    }

    @Test
    void infoAndClientListShowSubscriptions() {
        RawClient s = raw();
        s.call("SUBSCRIBE", "a");
        s.call("SUBSCRIBE", "b");
        s.call("PSUBSCRIBE", "p*");
        s.call("SSUBSCRIBE", "s");
        String info = redis.info("stats");
        assertThat(info).contains("pubsub_channels:2\r\n", "pubsub_patterns:1\r\n", "pubsubshard_channels:1\r\n");
        RawClient other = raw();
        assertThat(other.call("CLIENT", "LIST", "TYPE", "pubsub")).contains(" flags=P ", " sub=2 psub=1 ssub=1 ");
        assertThat(other.call("CLIENT", "LIST", "TYPE", "normal")).doesNotContain(" flags=P ").contains(" sub=0 psub=0 ssub=0 ");
    }

    @Test
    void globPatternsMatchAsRedisDoes() throws Exception {
        Recorder r = new Recorder();
        RedisPubSubCommands<String, String> sub = subscriber(ProtocolVersion.RESP3, r).sync();
        sub.psubscribe("h[^e]llo", "a\\*b", "[a-c]?z");
        assertThat(redis.publish("hallo", "1")).isEqualTo(1);
        assertThat(redis.publish("hello", "2")).isZero();
        assertThat(redis.publish("a*b", "3")).isEqualTo(1);
        assertThat(redis.publish("axb", "4")).isZero();
        assertThat(redis.publish("bqz", "5")).isEqualTo(1);
        assertThat(r.next()).isEqualTo("pmessage h[^e]llo hallo 1");
        assertThat(r.next()).isEqualTo("pmessage a\\*b a*b 3");
        assertThat(r.next()).isEqualTo("pmessage [a-c]?z bqz 5");
    }

    @Test
    void exactKeyspaceChannelSubscribers() throws Exception {
        redis.configSet("notify-keyspace-events", "KEA");
        try {
            Recorder r = new Recorder();
            RedisPubSubCommands<String, String> sub = subscriber(ProtocolVersion.RESP3, r).sync();
            sub.subscribe("__keyspace@0__:k1", "__keyevent@0__:del");
            redis.set("k1", "v");
            assertThat(r.next()).isEqualTo("message __keyspace@0__:k1 set");
            redis.del("k1", "{tag}x");
            redis.set("{tag}x", "v");
            redis.del("{tag}x");
            // one change's two notifications, then the next change's, in order, though the channels live on different shards
            assertThat(r.next()).isEqualTo("message __keyspace@0__:k1 del");
            assertThat(r.next()).isEqualTo("message __keyevent@0__:del k1");
            assertThat(r.next()).isEqualTo("message __keyevent@0__:del {tag}x");
            assertThat(redis.pubsubChannels()).containsExactlyInAnyOrder("__keyspace@0__:k1", "__keyevent@0__:del");
            assertThat(redis.pubsubNumsub("__keyspace@0__:k1")).containsEntry("__keyspace@0__:k1", 1L);
            assertThat(redis.info("stats")).contains("pubsub_channels:2\r\n");
            sub.unsubscribe();
            redis.set("k1", "again");
            assertThat(redis.publish("__keyspace@0__:k1", "x")).isZero();
        } finally {
            redis.configSet("notify-keyspace-events", "");
        }
    }
}
