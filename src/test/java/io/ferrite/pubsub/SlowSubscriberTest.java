package io.ferrite.pubsub;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscriber that stops reading is disconnected once its pending output passes the pubsub
 * class's client-output-buffer-limit, so the server never buffers more than about the limit for
 * it, however much is published.
 */
class SlowSubscriberTest extends FerriteTest {
    private static final int MESSAGE = 10_000;

    /** Subscribes on a socket with a tiny receive window, then never reads again. */
    private static Socket stalledSubscriber(int port, String channel) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        OutputStream out = s.getOutputStream();
        out.write(RawClient.encode("SUBSCRIBE", channel));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] confirmation = "*3\r\n$9\r\nsubscribe\r\n$4\r\nslow\r\n:1\r\n".getBytes();
        assertThat(in.readNBytes(confirmation.length)).isEqualTo(confirmation);
        return s;
    }

    /** Publishes until nobody receives; returns how many publishes still had the subscriber. */
    private static int publishUntilDropped(Jedis publisher, int max) {
        String payload = "x".repeat(MESSAGE);
        int delivered = 0;
        for (int i = 0; i < max; i++) {
            long receivers = publisher.publish("slow", payload);
            if (receivers == 0) {
                return delivered;
            }
            delivered++;
        }
        return delivered;
    }

    @Test
    void hardLimitDisconnectsTheSubscriber() throws Exception {
        try (Server s = TestServers.start(shards, Map.of("client-output-buffer-limit", "pubsub 1mb 0 0"));
             Socket stalled = stalledSubscriber(s.respPort(), "slow");
             Jedis publisher = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            int max = 5000; // 50 MB
            int delivered = publishUntilDropped(publisher, max);
            // dropped after about the limit plus what the kernel's socket buffers hold, far below what was sent
            assertThat(delivered).isLessThan(1000);
            assertThat(publisher.publish("slow", "after")).isZero();
            assertThat(publisher.clientList()).doesNotContain("flags=P");
            assertThat(publisher.info("stats")).contains("pubsub_channels:0");
            assertThat(stalled.isClosed()).isFalse();
        }
    }

    @Test
    void softLimitHeldForItsSecondsDisconnects() throws Exception {
        try (Server s = TestServers.start(shards, Map.of("client-output-buffer-limit", "pubsub 0 256kb 1"));
             Socket stalled = stalledSubscriber(s.respPort(), "slow");
             Jedis publisher = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            String payload = "x".repeat(MESSAGE);
            boolean dropped = false;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!dropped && System.nanoTime() < deadline) {
                dropped = publisher.publish("slow", payload) == 0;
                Thread.sleep(2);
            }
            assertThat(dropped).isTrue();
            assertThat(publisher.pubsubNumSub("slow")).containsEntry("slow", 0L);
        }
    }

    @Test
    void normalClientsHaveNoLimitByDefault() {
        assertThat(redis.configGet("client-output-buffer-limit"))
            .containsEntry("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
    }
}
