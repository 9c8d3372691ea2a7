package io.ferrite.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The stream's bytes as replicationFeedSlaves writes them: RESP arrays, SELECT on a change of database. */
class StreamEncoderTest {
    private static byte[][] argv(String... a) {
        byte[][] out = new byte[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    private static String text(ByteBuf b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void selectsOnlyWhenTheDatabaseChanges() {
        StreamEncoder e = new StreamEncoder();
        ByteBuf out = Unpooled.buffer();
        e.command(0, argv("SET", "k", "v"), out);
        e.command(0, argv("DEL", "k"), out);
        e.command(9, argv("INCR", "n"), out);
        assertThat(text(out)).isEqualTo("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
            + "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
            + "*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n"
            + "*2\r\n$6\r\nSELECT\r\n$1\r\n9\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n");
        assertThat(e.selectedDb()).isEqualTo(9);
    }

    @Test
    void aFullSyncSelectsAgain() {
        StreamEncoder e = new StreamEncoder();
        ByteBuf out = Unpooled.buffer();
        e.command(2, argv("SET", "a", "b"), out);
        e.forceSelect();
        out.clear();
        e.command(2, argv("SET", "a", "c"), out);
        assertThat(text(out)).startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n");
    }

    @Test
    void pingAndGetackSelectNothing() {
        StreamEncoder e = new StreamEncoder();
        ByteBuf out = Unpooled.buffer();
        e.ping(out);
        e.getAck(out);
        assertThat(text(out)).isEqualTo("*1\r\n$4\r\nPING\r\n*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n");
        assertThat(e.selectedDb()).isEqualTo(-1);
    }

    @Test
    void binaryArgumentsGoAsTheyAre() {
        StreamEncoder e = new StreamEncoder();
        ByteBuf out = Unpooled.buffer();
        e.command(new byte[][] {{'S', 'E', 'T'}, {0, '\r', '\n'}, new byte[0]}, out);
        byte[] b = new byte[out.readableBytes()];
        out.getBytes(0, b);
        assertThat(b).containsExactly("*3\r\n$3\r\nSET\r\n$3\r\n\0\r\n\r\n$0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
}
