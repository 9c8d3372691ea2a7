package io.ferrite.server.replication;

import io.ferrite.replication.ReplicationLog;
import io.ferrite.server.Server;
import io.ferrite.testing.TestServers;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the replica side drives on the pump, seen through INFO: adopting a master's history after a
 * full sync, proxying its stream into the backlog while local writes stay out, and the id shift of
 * a promotion (the old id valid up to the next byte). None of these calls waits for the pump;
 * INFO shows each change as soon as it is in.
 */
class ReplicaSideApiTest {
    private Server server;
    private Jedis j;

    @BeforeEach
    void start() {
        server = TestServers.start(1, Map.of());
        j = new Jedis("127.0.0.1", server.respPort());
    }

    @AfterEach
    void stop() {
        j.close();
        server.close();
    }

    private String info(String field) {
        for (String line : j.info("replication").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return null;
    }

    @Test
    void adoptProxyAndPromote() throws Exception {
        ReplicationPump pump = server.replication().pump();
        String master = ReplicationLog.randomId();
        // nothing waits for the pump: INFO shows a change once it is in
        pump.adopt(master, 1000);
        assertThat(info("master_replid")).isEqualTo(master);
        assertThat(info("master_repl_offset")).isEqualTo("1000");
        assertThat(info("repl_backlog_active")).isEqualTo("1");
        assertThat(info("repl_backlog_first_byte_offset")).isEqualTo("1001");

        // the master's bytes count; this server's own writes do not enter the stream while it follows
        byte[] ping = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
        pump.appendRaw(Unpooled.wrappedBuffer(ping)).get(5, TimeUnit.SECONDS);
        j.set("local", "write");
        Thread.sleep(100);
        pump.following(true);
        assertThat(info("master_repl_offset")).isEqualTo("1014");
        assertThat(info("repl_backlog_histlen")).isEqualTo("14");
        assertThatThrownBy(() -> j.waitReplicas(1, 10)).isInstanceOf(JedisDataException.class)
            .hasMessageStartingWith("ERR WAIT cannot be used with replica instances.");

        // appended without waiting: whenSettled() sees it
        pump.appendRaw(Unpooled.wrappedBuffer(ping));
        CompletableFuture<ReplicationPump.Figures> settled = new CompletableFuture<>();
        pump.whenSettled(settled::complete);
        assertThat(settled.get(5, TimeUnit.SECONDS).offset()).isEqualTo(1028);
        pump.promote();
        assertThat(info("master_replid2")).isEqualTo(master);
        assertThat(info("second_repl_offset")).isEqualTo("1029");
        assertThat(info("master_replid")).isNotEqualTo(master).matches("[0-9a-f]{40}");
        // a master again: its writes enter the stream, after a SELECT
        j.set("after", "promotion");
        long want = 1028 + "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$9\r\npromotion\r\n".length();
        for (int i = 0; i < 200 && !info("master_repl_offset").equals(Long.toString(want)); i++) {
            Thread.sleep(10);
        }
        assertThat(info("master_repl_offset")).isEqualTo(Long.toString(want));
    }
}
