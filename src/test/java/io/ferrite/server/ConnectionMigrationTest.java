package io.ferrite.server;

import io.ferrite.engine.Shard;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection migration needs two shards at least, so this runs its own two-shard server: a
 * connection moves only when its requests keep going to one other shard, not when half of them
 * do (random keys), which would only make it move back and forth.
 */
class ConnectionMigrationTest {
    /** A key owned by {@code shard}. */
    private static String keyOn(Server s, Shard shard, String prefix) {
        for (int i = 0; ; i++) {
            String k = prefix + i;
            if (s.engine().shardOf(k.getBytes(StandardCharsets.UTF_8)) == shard) {
                return k;
            }
        }
    }

    private static long idOf(RawClient c) {
        return Long.parseLong(c.call("CLIENT", "ID").replaceAll("[^0-9]", ""));
    }

    @Test
    void requestsAlternatingBetweenTwoShardsDoNotMoveTheConnection() {
        try (Server s = TestServers.start(2, Map.of());
             RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            long id = idOf(c);
            Shard home = s.client(id).client().home;
            Shard other = s.engine().shard(1 - home.id);
            String here = keyOn(s, home, "here");
            String there = keyOn(s, other, "there");
            for (int i = 0; i < 400; i++) {
                assertThat(c.call("SET", i % 2 == 0 ? here : there, "v")).isEqualTo("+OK\r\n");
                assertThat(s.client(id).client().home).as("after request %d", i).isSameAs(home);
            }
        }
    }

    @Test
    void requestsAllGoingToOneOtherShardMoveTheConnectionThere() {
        try (Server s = TestServers.start(2, Map.of());
             RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            long id = idOf(c);
            Shard other = s.engine().shard(1 - s.client(id).client().home.id);
            String there = keyOn(s, other, "there");
            for (int i = 0; i < 300; i++) {
                assertThat(c.call("INCR", there)).isEqualTo(":" + (i + 1) + "\r\n");
            }
            assertThat(s.client(id).client().home).isSameAs(other);
        }
    }
}
