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

import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.bulks;
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
        assertThat(t.call("CLIENT", "TRACKING", "on")).isEqualTo(OK);
        assertThat(t.call("GET", "k")).isEqualTo("_\r\n");
        assertThat(t.call("MGET", "a", "b", "{tag}x")).isEqualTo("*3\r\n_\r\n_\r\n_\r\n");
        redis.set("k", "1");
        assertThat(t.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n");
        redis.set("k", "2");
        // forgotten after one invalidation until read again
        redis.set("{tag}x", "1");
        assertThat(t.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\n{tag}x\r\n");
        assertThat(t.call("GET", "k")).isEqualTo(bulk("2"));
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
        assertThat(t.call("GET", "e")).isEqualTo(bulk("v"));
        // active expiry deletes it without anyone asking
        assertThat(t.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\ne\r\n");
    }

    @Test
    void redirectToAResp2Subscriber() {
        RawClient sub = raw();
        String subId = idOf(sub);
        sub.call("SUBSCRIBE", "__redis__:invalidate");
        RawClient t = raw();
        assertThat(t.call("CLIENT", "TRACKING", "on", "REDIRECT", subId)).isEqualTo(OK);
        assertThat(t.call("CLIENT", "GETREDIR")).isEqualTo(":" + subId + "\r\n");
        t.call("GET", "k");
        redis.set("k", "1");
        assertThat(sub.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n");
        redis.flushdb();
        assertThat(sub.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
        assertThat(t.call("CLIENT", "LIST", "ID", idOf(t))).contains(" flags=t ", " redir=" + subId + " ");
        sub.close();
        // the target's disconnect reaches the server on its own time: until then an invalidation
        // still goes to it and the tracking client hears nothing, so wait until it is gone
        for (int i = 0; i < 500 && t.call("CLIENT", "LIST", "ID", subId).contains("id="); i++) {
            sleep(10);
        }
        t.call("HELLO", "3");
        t.call("GET", "k");
        for (int i = 0; i < 100; i++) {
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
            .isEqualTo(OK);
        redis.set("other", "x");
        redis.set("user:1", "x");
        assertThat(t.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nuser:1\r\n");
        // its own writes are not reported back (NOLOOP)
        assertThat(t.call("SET", "user:2", "x")).isEqualTo(OK);
        redis.set("{tag}a", "x");
        assertThat(t.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\n{tag}a\r\n");
        // the keys one command changes under a prefix come in one message, as Redis gathers them per loop iteration
        redis.mset(Map.of("user:{u}1", "a", "user:{u}2", "b"));
        String batch = t.readReply();
        assertThat(batch).startsWith(">2\r\n$10\r\ninvalidate\r\n*2\r\n").contains(bulk("user:{u}1"), bulk("user:{u}2"));
        assertThat(t.call("CLIENT", "TRACKINGINFO")).isEqualTo("%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\nbcast\r\n"
            + "$6\r\nnoloop\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*2\r\n$5\r\nuser:\r\n$5\r\n{tag}\r\n");
        assertThat(redis.info("stats")).contains("tracking_total_prefixes:2\r\n");
        assertThat(t.call("CLIENT", "TRACKING", "off")).isEqualTo(OK);
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
        assertThat(t.call("CLIENT", "CACHING", "yes")).isEqualTo(OK);
        t.call("GET", "j");
        t.call("GET", "k");
        redis.set("k", "1");
        redis.set("j", "1");
        assertThat(t.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nj\r\n");
        assertThat(t.call("PING")).isEqualTo("+PONG\r\n");
        assertThat(t.call("CLIENT", "CACHING", "no"))
            .isEqualTo("-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n");
    }

    private static String invalidate(String... keys) {
        StringBuilder b = new StringBuilder(">2\r\n$10\r\ninvalidate\r\n*" + keys.length + "\r\n");
        for (String k : keys) {
            b.append('$').append(k.length()).append("\r\n").append(k).append("\r\n");
        }
        return b.toString();
    }

    @Test
    void broadcastSendsOneMessagePerPrefixForATransaction() {
        RawClient t = raw();
        t.call("HELLO", "3");
        t.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a:", "PREFIX", "b:");
        RawClient w = raw();
        w.call("MULTI");
        for (String k : new String[] {"b:2{t}", "a:2{t}", "a:1{t}", "b:1{t}", "c:1{t}", "a:1{t}"}) {
            w.call("INCR", k);
        }
        assertThat(w.call("EXEC")).startsWith("*6\r\n");
        // Redis gathers the keys per prefix until the event loop sleeps: one message each, keys in order, once each
        assertThat(t.readReply()).isEqualTo(invalidate("a:1{t}", "a:2{t}"));
        assertThat(t.readReply()).isEqualTo(invalidate("b:1{t}", "b:2{t}"));
        assertThat(t.call("PING")).isEqualTo("+PONG\r\n");
    }

    @Test
    void noloopStillHearsOfItsOwnKeyExpiringLazily() {
        RawClient t = raw();
        t.call("HELLO", "3");
        t.call("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP");
        t.call("MULTI");
        t.call("SET", "mykey{t}", "v", "PX", "1");
        t.call("SET", "mykeyother{t}", "v");
        t.call("DEBUG", "SLEEP", "0.05");
        t.call("GET", "mykey{t}");
        assertThat(t.call("EXEC")).isEqualTo("*4\r\n+OK\r\n+OK\r\n+OK\r\n_\r\n");
        // the client's own SETs are filtered out; the expiry is nobody's write, as in Redis
        assertThat(t.readReply()).isEqualTo(invalidate("mykey{t}"));
        assertThat(t.call("PING")).isEqualTo("+PONG\r\n");
    }

    @Test
    void aResp2ClientWithoutRedirectGetsNoMessagesEvenWhenSubscribed() {
        RawClient t = raw();
        t.call("CLIENT", "TRACKING", "on");
        t.call("GET", "k");
        t.call("SUBSCRIBE", "__redis__:invalidate");
        redis.set("k", "1");
        // Redis sends pub/sub invalidations only to a redirect target
        assertThat(t.call("PING")).isEqualTo(bulks("pong", ""));
    }

    @Test
    void aResp3RedirectTargetGetsPushesSubscribedOrNot() {
        RawClient target = raw();
        String id = idOf(target);
        target.call("HELLO", "3");
        RawClient t = raw();
        t.call("CLIENT", "TRACKING", "on", "REDIRECT", id);
        t.call("GET", "k");
        redis.set("k", "1");
        assertThat(target.readReply()).isEqualTo(invalidate("k"));
        target.call("SUBSCRIBE", "__redis__:invalidate");
        t.call("GET", "k");
        redis.set("k", "2");
        assertThat(target.readReply()).isEqualTo(invalidate("k"));
        // a RESP2 client reading its own invalidations' redirect: nothing reaches the tracking client itself
        assertThat(t.call("PING")).isEqualTo("+PONG\r\n");
    }

    @Test
    void trackingOnAgainReplacesTheModeFlags() {
        RawClient t = raw();
        t.call("HELLO", "3");
        t.call("CLIENT", "TRACKING", "on", "OPTIN", "NOLOOP");
        // Redis's enableTracking: OPTIN, OPTOUT, NOLOOP and BCAST are set anew from the options given
        assertThat(t.call("CLIENT", "TRACKING", "on")).isEqualTo(OK);
        assertThat(t.call("CLIENT", "TRACKINGINFO")).isEqualTo(
            "%3\r\n$5\r\nflags\r\n~1\r\n$2\r\non\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n");
        t.call("GET", "k");
        redis.set("k", "1");
        assertThat(t.readReply()).isEqualTo(invalidate("k"));
        // and OPTOUT may follow now that OPTIN is gone
        assertThat(t.call("CLIENT", "TRACKING", "on", "OPTOUT")).isEqualTo(OK);
    }

    @Test
    void optinAfterARedirectAndCachingForOneCommandOnly() {
        RawClient sub = raw();
        String subId = idOf(sub);
        sub.call("SUBSCRIBE", "__redis__:invalidate");
        RawClient t = raw();
        t.call("CLIENT", "TRACKING", "on", "REDIRECT", subId);
        assertThat(t.call("CLIENT", "TRACKING", "on", "OPTIN", "REDIRECT", subId)).isEqualTo(OK);
        t.call("GET", "a");
        assertThat(t.call("CLIENT", "CACHING", "yes")).isEqualTo(OK);
        // CLIENT commands in between keep it; the first other command uses it up
        assertThat(t.call("CLIENT", "GETREDIR")).isEqualTo(":" + subId + "\r\n");
        t.call("GET", "b");
        t.call("GET", "c");
        redis.set("a", "1");
        redis.set("c", "1");
        redis.set("b", "1");
        assertThat(sub.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nb\r\n");
        assertThat(sub.call("PING")).isEqualTo(bulks("pong", ""));
    }

    @Test
    void aRedirectToAClientThatQuitIsBrokenAtOnce() {
        RawClient target = raw();
        String id = idOf(target);
        RawClient t = raw();
        t.call("HELLO", "3");
        t.call("CLIENT", "TRACKING", "on", "REDIRECT", id);
        t.call("GET", "k");
        assertThat(target.call("QUIT")).isEqualTo(OK);
        redis.set("k", "1");
        assertThat(t.readReply()).isEqualTo(">2\r\n$21\r\ntracking-redir-broken\r\n:" + id + "\r\n");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
