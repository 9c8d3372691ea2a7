package io.ferrite.tracking;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Client-side caching (CLIENT TRACKING) through Lettuce's map cache and raw RESP2/RESP3 connections. */
class ClientSideCachingTest extends FerriteTest {
    private static void awaitAbsent(Map<String, String> cache, String key) throws InterruptedException {
        for (int i = 0; i < 1000 && cache.containsKey(key); i++) {
            Thread.sleep(5);
        }
        assertThat(cache).as("invalidation of %s delivered", key).doesNotContainKey(key);
    }

    @Test
    void lettuceMapCacheNeverServesAStaleValue() throws Exception {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port()));
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        try {
            StatefulRedisConnection<String, String> conn = client.connect();
            Map<String, String> cache = new ConcurrentHashMap<>();
            CacheFrontend<String, String> frontend = ClientSideCaching.enable(CacheAccessor.forMap(cache), conn,
                TrackingArgs.Builder.enabled());
            String[] keys = {"a", "b", "c", "d", "foo", "bar", "{tag}x", "{tag}y"};
            for (String k : keys) {
                redis.set(k, "0");
            }
            for (int round = 1; round <= 25; round++) {
                for (String k : keys) {
                    assertThat(frontend.get(k)).isEqualTo(Integer.toString(round - 1));
                    assertThat(cache).containsEntry(k, Integer.toString(round - 1));
                }
                // another client's writes, acknowledged; one of them a multi-key write over several shards
                if (round % 2 == 0) {
                    redis.mset(Map.of("a", "" + round, "b", "" + round, "c", "" + round, "d", "" + round));
                    for (String k : new String[] {"foo", "bar", "{tag}x", "{tag}y"}) {
                        redis.set(k, Integer.toString(round));
                    }
                } else {
                    for (String k : keys) {
                        redis.set(k, Integer.toString(round));
                    }
                }
                for (String k : keys) {
                    awaitAbsent(cache, k);
                    assertThat(frontend.get(k)).isEqualTo(Integer.toString(round));
                }
                for (String k : keys) {
                    assertThat(frontend.get(k)).isEqualTo(Integer.toString(round));
                }
            }
            redis.del("a");
            awaitAbsent(cache, "a");
            assertThat(frontend.get("a")).isNull();
            frontend.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void resp3InvalidationPushes() {
        RawClient t = raw();
        t.call("HELLO", "3");
        assertThat(t.call("CLIENT", "TRACKING", "on")).isEqualTo("+OK\r\n");
        assertThat(t.call("GET", "k")).isEqualTo("_\r\n");
        assertThat(t.call("MGET", "a", "b", "{tag}x")).isEqualTo("*3\r\n_\r\n_\r\n_\r\n");
        redis.set("k", "1");
        assertThat(t.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n");
        redis.set("k", "2");
        // forgotten after one invalidation until read again
        redis.set("{tag}x", "1");
        assertThat(t.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\n{tag}x\r\n");
        assertThat(t.call("GET", "k")).isEqualTo("$1\r\n2\r\n");
        redis.flushall();
        assertThat(t.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n_\r\n");
        assertThat(t.call("PING")).isEqualTo("+PONG\r\n");
    }

    @Test
    void expiryInvalidates() {
        RawClient t = raw();
        t.call("HELLO", "3");
        t.call("CLIENT", "TRACKING", "on");
        redis.psetex("e", 500, "v");
        assertThat(t.call("GET", "e")).isEqualTo("$1\r\nv\r\n");
        // active expiry deletes it without anyone asking
        assertThat(t.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\ne\r\n");
    }

    @Test
    void redirectToAResp2Subscriber() {
        RawClient sub = raw();
        String subId = idOf(sub);
        sub.call("SUBSCRIBE", "__redis__:invalidate");
        RawClient t = raw();
        assertThat(t.call("CLIENT", "TRACKING", "on", "REDIRECT", subId)).isEqualTo("+OK\r\n");
        assertThat(t.call("CLIENT", "GETREDIR")).isEqualTo(":" + subId + "\r\n");
        t.call("GET", "k");
        redis.set("k", "1");
        assertThat(sub.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n");
        redis.flushdb();
        assertThat(sub.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
        assertThat(t.call("CLIENT", "LIST", "ID", idOf(t))).contains(" flags=t ", " redir=" + subId + " ");
        sub.close();
        t.call("HELLO", "3");
        t.call("GET", "k");
        for (int i = 0; i < 100; i++) {
            // the target's disconnect reaches the server on its own time: write until the redirect is seen broken
            redis.set("k", "x" + i);
            String push = t.readReply();
            if (push.contains("tracking-redir-broken")) {
                assertThat(push).isEqualTo(">2\r\n$21\r\ntracking-redir-broken\r\n:" + subId + "\r\n");
                break;
            }
            t.call("GET", "k");
        }
        assertThat(t.call("CLIENT", "TRACKINGINFO")).contains("broken_redirect");
    }

    @Test
    void broadcastPrefixesAndNoloop() {
        RawClient t = raw();
        t.call("HELLO", "3");
        assertThat(t.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "{tag}", "NOLOOP"))
            .isEqualTo("+OK\r\n");
        redis.set("other", "x");
        redis.set("user:1", "x");
        assertThat(t.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nuser:1\r\n");
        // its own writes are not reported back (NOLOOP)
        assertThat(t.call("SET", "user:2", "x")).isEqualTo("+OK\r\n");
        redis.set("{tag}a", "x");
        assertThat(t.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\n{tag}a\r\n");
        // the keys one command changes under a prefix come in one message, as Redis gathers them per loop iteration
        redis.mset(Map.of("user:{u}1", "a", "user:{u}2", "b"));
        String batch = t.readReply();
        assertThat(batch).startsWith(">2\r\n$10\r\ninvalidate\r\n*2\r\n").contains("$9\r\nuser:{u}1\r\n", "$9\r\nuser:{u}2\r\n");
        assertThat(t.call("CLIENT", "TRACKINGINFO")).isEqualTo("%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\nbcast\r\n"
            + "$6\r\nnoloop\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*2\r\n$5\r\nuser:\r\n$5\r\n{tag}\r\n");
        assertThat(redis.info("stats")).contains("tracking_total_prefixes:2\r\n");
        assertThat(t.call("CLIENT", "TRACKING", "off")).isEqualTo("+OK\r\n");
        assertThat(redis.info("stats")).contains("tracking_total_prefixes:0\r\n");
        redis.set("user:3", "x");
        assertThat(t.call("PING")).isEqualTo("+PONG\r\n");
    }

    @Test
    void optinTracksOnlyAfterCachingYes() {
        RawClient t = raw();
        t.call("HELLO", "3");
        t.call("CLIENT", "TRACKING", "on", "OPTIN");
        t.call("GET", "k");
        assertThat(t.call("CLIENT", "CACHING", "yes")).isEqualTo("+OK\r\n");
        t.call("GET", "j");
        t.call("GET", "k");
        redis.set("k", "1");
        redis.set("j", "1");
        assertThat(t.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nj\r\n");
        assertThat(t.call("PING")).isEqualTo("+PONG\r\n");
        assertThat(t.call("CLIENT", "CACHING", "no"))
            .isEqualTo("-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n");
    }
}
