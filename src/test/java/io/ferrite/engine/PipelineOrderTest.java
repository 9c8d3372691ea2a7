package io.ferrite.engine;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Pipelined requests whose keys live on different shards are answered in request order. */
class PipelineOrderTest extends FerriteTest {
    @Test
    void repliesFollowRequestOrder() {
        RawClient c = raw();
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        int n = 2000;
        for (int i = 0; i < n; i++) {
            batch.writeBytes(RawClient.encode("SET", "key" + i, "v" + i));
            batch.writeBytes(RawClient.encode("GET", "key" + (i / 2)));
            if (i % 100 == 0) {
                batch.writeBytes(RawClient.encode("MSET", "x" + i, "1", "y" + i, "2", "z" + i, "3"));
                batch.writeBytes(RawClient.encode("PING"));
            }
        }
        c.send(batch.toByteArray());
        for (int i = 0; i < n; i++) {
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
            String v = "v" + (i / 2);
            assertThat(c.readReply()).isEqualTo("$" + v.length() + "\r\n" + v + "\r\n");
            if (i % 100 == 0) {
                assertThat(c.readReply()).isEqualTo("+OK\r\n");
                assertThat(c.readReply()).isEqualTo("+PONG\r\n");
            }
        }
    }

    @Test
    void inlineAndMultibulkMix() {
        RawClient c = raw();
        c.send("SET a 1\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\nINCR a\r\n  \r\nget    a\n");
        assertThat(c.readReply()).isEqualTo("+OK\r\n");
        assertThat(c.readReply()).isEqualTo("$1\r\n1\r\n");
        assertThat(c.readReply()).isEqualTo(":2\r\n");
        assertThat(c.readReply()).isEqualTo("$1\r\n2\r\n");
    }
}
