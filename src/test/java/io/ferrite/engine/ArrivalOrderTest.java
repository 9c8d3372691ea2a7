package io.ferrite.engine;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.ZERO;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With io-threads 1 every connection is read by one thread, so commands from different connections
 * take effect in the order they arrived, as in Redis: a blocking command sent just before another
 * client's DEL always blocks first (Redis's own stream-cgroups tests rely on this).
 */
class ArrivalOrderTest extends FerriteTest {
    @Test
    void aCommandSentFirstOnAnotherConnectionRunsFirst() {
        Server s = ownServer(Map.of("io-threads", "1"));
        try (RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            for (int i = 0; i < 150; i++) {
                // keys over every shard, and a new connection each time, as the suite's deferring clients
                String key = "stream" + i;
                r.call("XADD", key, "666", "f", "v");
                r.call("XGROUP", "CREATE", key, "g", "$");
                try (RawClient d = new RawClient("127.0.0.1", s.respPort())) {
                    assertThat(d.call("PING")).isEqualTo("+PONG\r\n");
                    d.send(RawClient.encode("XREADGROUP", "GROUP", "g", "Alice", "BLOCK", "0", "STREAMS", key, ">"));
                    assertThat(r.call("DEL", key)).isEqualTo(ONE);
                    assertThat(d.readReply()).as("iteration %d", i)
                        .isEqualTo("-UNBLOCKED the stream key no longer exists\r\n");
                }
            }
        }
    }

    @Test
    void aPushRightAfterABlockingPopOnAnotherConnectionServesIt() {
        Server s = ownServer(Map.of("io-threads", "1"));
        try (RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            for (int i = 0; i < 150; i++) {
                String list = "list" + i;
                try (RawClient d = new RawClient("127.0.0.1", s.respPort())) {
                    assertThat(d.call("PING")).isEqualTo("+PONG\r\n");
                    d.send(RawClient.encode("BLPOP", list, "0"));
                    // arriving after the BLPOP, the push is taken by it, not left in the list
                    r.call("RPUSH", list, "a");
                    assertThat(r.call("LLEN", list)).as("iteration %d", i).isEqualTo(ZERO);
                    assertThat(d.readReply()).isEqualTo("*2\r\n$" + list.length() + "\r\n" + list + "\r\n$1\r\na\r\n");
                }
            }
        }
    }
}
