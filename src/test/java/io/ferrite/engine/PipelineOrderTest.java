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
    void aConnectionThatMovesToAnotherShardKeepsItsStateAndOrder() {
        RawClient c = raw();
        c.call("SELECT", "3");
        c.call("CLIENT", "SETNAME", "mover");
        // a long run of requests for one key, each answered before the next: the connection migrates
        for (int i = 0; i < 300; i++) {
            assertThat(c.call("INCR", "{hot}counter")).isEqualTo(":" + (i + 1) + "\r\n");
        }
        assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("$5\r\nmover\r\n");
        assertThat(c.call("GET", "{hot}counter")).isEqualTo("$3\r\n300\r\n");
        assertThat(c.call("MSET", "a", "1", "b", "2", "c", "3", "d", "4")).isEqualTo("+OK\r\n");
        c.call("MULTI");
        c.call("INCR", "a");
        c.call("INCR", "{hot}counter");
        assertThat(c.call("EXEC")).isEqualTo("*2\r\n:2\r\n:301\r\n");
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < 500; i++) {
            batch.writeBytes(RawClient.encode("SET", "k" + i, "v" + i));
            batch.writeBytes(RawClient.encode("GET", "k" + i));
        }
        c.send(batch.toByteArray());
        for (int i = 0; i < 500; i++) {
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
            assertThat(c.readReply()).isEqualTo("$" + ("v" + i).length() + "\r\nv" + i + "\r\n");
        }
        assertThat(raw().call("GET", "{hot}counter")).isEqualTo("$-1\r\n");
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
