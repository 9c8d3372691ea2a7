package io.ferrite.tracking;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static io.ferrite.testing.Replies.OK;
import static org.assertj.core.api.Assertions.assertThat;

/** The tracking table stays bounded: tracking-table-max-keys, and readers that disconnect. */
class TrackingTableBoundsTest extends FerriteTest {
    private static final String MAX = "tracking-table-max-keys";

    private long stat(String field) {
        for (String line : (redis.info("stats") + redis.info("clients")).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError("INFO has no " + field);
    }

    private static String invalidation(String key) {
        return ">2\r\n$10\r\ninvalidate\r\n*1\r\n$" + key.length() + "\r\n" + key + "\r\n";
    }

    private static String keyOf(String push) {
        assertThat(push).startsWith(">2\r\n$10\r\ninvalidate\r\n*1\r\n$");
        String[] lines = push.split("\r\n");
        return lines[5];
    }

    @Test
    void defaultIsRedisOneMillionAndZeroMeansNoLimit() {
        assertThat(redis.configGet(MAX)).containsEntry(MAX, "1000000");
        try {
            redis.configSet(MAX, "0");
            RawClient t = raw();
            t.call("HELLO", "3");
            t.call("CLIENT", "TRACKING", "on");
            for (int i = 0; i < 300; i++) {
                t.call("GET", "k" + i);
            }
            assertThat(stat("tracking_total_keys")).isEqualTo(300);
        } finally {
            redis.configSet(MAX, "1000000");
        }
    }

    @Test
    void loweringTheLimitEvictsRandomKeysWithTheirInvalidations() {
        RawClient t = raw();
        t.call("HELLO", "3");
        t.call("CLIENT", "TRACKING", "on");
        int n = 250;
        for (int i = 0; i < n; i++) {
            t.call("GET", "key" + i);
        }
        assertThat(stat("tracking_total_keys")).isEqualTo(n);
        assertThat(stat("tracking_total_items")).isEqualTo(n);
        try {
            // more than one round of Redis's eviction effort (100 keys), over every shard together
            redis.configSet(MAX, "1");
            Set<String> evicted = new HashSet<>();
            for (int i = 0; i < n - 1; i++) {
                evicted.add(keyOf(t.readReply()));
            }
            assertThat(evicted).hasSize(n - 1);
            assertThat(t.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(stat("tracking_total_keys")).isEqualTo(1);
            assertThat(stat("tracking_total_items")).isEqualTo(1);
        } finally {
            redis.configSet(MAX, "1000000");
        }
    }

    @Test
    void aTableAtItsLimitEvictsAsNewKeysAreRead() {
        try {
            redis.configSet(MAX, "10");
            RawClient t = raw();
            t.call("HELLO", "3");
            t.call("CLIENT", "TRACKING", "on");
            int pushes = 0;
            for (int i = 0; i < 50; i++) {
                String r = t.call("GET", "g" + i);
                while (r.startsWith(">")) {
                    pushes++;
                    r = t.readReply();
                }
                assertThat(r).isEqualTo("_\r\n");
            }
            // a shard's share of an eviction round may land after a later reply: settle, then count
            for (int i = 0; i < 100 && pushes != 50 - stat("tracking_total_keys"); i++) {
                for (String r = t.call("PING"); !r.equals("+PONG\r\n"); r = t.readReply()) {
                    pushes++;
                }
            }
            assertThat(stat("tracking_total_keys")).isLessThanOrEqualTo(10);
            assertThat(pushes).isEqualTo(50 - stat("tracking_total_keys"));
        } finally {
            redis.configSet(MAX, "1000000");
        }
    }

    @Test
    void readersThatDisconnectDoNotGrowTheTable() throws InterruptedException {
        RawClient stays = raw();
        stays.call("HELLO", "3");
        stays.call("CLIENT", "TRACKING", "on");
        stays.call("GET", "shared");
        for (int i = 0; i < 300; i++) {
            try (RawClient c = new RawClient("127.0.0.1", port())) {
                c.call("CLIENT", "TRACKING", "on");
                c.call("GET", "shared");
                c.call("GET", "own:" + i);
            }
        }
        // disconnects reach the shards on their own time; the gone readers' items are then swept out
        long items = Long.MAX_VALUE;
        for (int i = 0; i < 500 && ((items = stat("tracking_total_items")) > 3 || stat("tracking_clients") > 1); i++) {
            Thread.sleep(10);
        }
        assertThat(items).as("items left after 300 readers came and went").isLessThanOrEqualTo(3);
        assertThat(stat("tracking_total_keys")).isLessThanOrEqualTo(3);
        assertThat(stat("tracking_clients")).isEqualTo(1);
        // the reader still connected keeps its entry
        redis.set("shared", "1");
        assertThat(stays.readReply()).isEqualTo(invalidation("shared"));
    }

    @Test
    void aLoweredLimitReachesAClientInMultiBeforeItsNextReply() throws InterruptedException {
        try {
            redis.configSet(MAX, "2");
            RawClient t = raw();
            t.call("HELLO", "3");
            t.call("CLIENT", "TRACKING", "on");
            assertThat(t.call("MGET", "1{tag}", "2{tag}")).isEqualTo("*2\r\n_\r\n_\r\n");
            assertThat(t.call("MULTI")).isEqualTo(OK);
            // Redis's regression test for #11715: the eviction is told before the queued command's reply
            redis.configSet(MAX, "1");
            // the eviction round runs on the shards after CONFIG SET replies: once it is done, the
            // invalidation must already be ahead of anything the client is answered next
            for (int i = 0; i < 500 && stat("tracking_total_keys") > 1; i++) {
                Thread.sleep(5);
            }
            t.send(RawClient.encode("PING"));
            t.send(RawClient.encode("EXEC"));
            assertThat(t.readReply()).isIn(invalidation("1{tag}"), invalidation("2{tag}"));
            assertThat(t.readReply()).isEqualTo("+QUEUED\r\n");
            assertThat(t.readReply()).isEqualTo("*1\r\n+PONG\r\n");
            assertThat(stat("tracking_total_keys")).isEqualTo(1);
        } finally {
            redis.configSet(MAX, "1000000");
        }
    }
}
